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

/// The `load_files` row that records one loaded file and its counts, the same on both backends.
enum LoadFileRow {
    static func insert(fileID: Int64, loadID: String, file: SourceFile, counts: FileCounts) -> (sql: String, binds: [SQLValue]) {
        ("""
        INSERT INTO load_files (file_id, load_id, path, kind, format, rows_read, inserted, versioned, unchanged, rejected) \
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
         [.integer(fileID), .text(loadID), .text(file.path), .text(file.kind.rawValue), .text(file.format),
          .integer(Int64(counts.rowsRead)), .integer(Int64(counts.inserted)), .integer(Int64(counts.versioned)),
          .integer(Int64(counts.unchanged)), .integer(Int64(counts.rejected))])
    }
}
