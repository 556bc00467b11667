import RastroModel

/// The columns of a kind's table, in the order loads write them.
enum KindTable {
    /// Columns every kind's table has before its own fields (version and is_current come last).
    static let leading = ["record_id", "content_hash", "tlp", "releasable_to", "originator", "file_id", "line", "attributes"]

    /// `leading` + the kind's fields + `chemical_ref` where the kind names a chemical.
    static func dataColumns(_ kind: Kind) -> [String] {
        let schema = kind.schema
        return leading + schema.fields.map(\.name) + (schema.hasChemical ? ["chemical_ref"] : [])
    }
}
