/// The one place where a viewer's rights become SQL. A viewer sees a record version when
///
/// | TLP 2.0 | visible to |
/// | --- | --- |
/// | any | the originator organization |
/// | CLEAR | everyone |
/// | GREEN | every organization of this node's community (every viewer the node admits) |
/// | AMBER | organizations or countries listed in releasable-to |
/// | AMBER+STRICT | organizations listed in releasable-to (a country is not enough) |
/// | RED | the originator only |
public enum AccessPolicy {
    /// Text that starts every viewer predicate, so tests can assert it is in every read.
    public static let marker = "/*viewer*/"

    /// The predicate for `viewer` on a table aliased `alias` (pass "" for no alias) and its binds.
    /// Releasable-to is stored as `;US;US-DEA;`, so a party is found by a plain substring search
    /// for `;PARTY;` (`instr` in SQLite, `strpos` in PostgreSQL: no pattern to parse per row).
    public static func predicate(for viewer: Viewer, alias: String = "", dialect: SQLDialect) -> (sql: String, binds: [SQLValue]) {
        let column = { (name: String) in alias.isEmpty ? name : "\(alias).\(name)" }
        let find = dialect == .sqlite ? "instr" : "strpos"
        let releasable = column("releasable_to")
        let sql = """
            \(marker)(\(column("originator")) = ? \
            OR \(column("tlp")) IN ('clear', 'green') \
            OR (\(column("tlp")) = 'amber' AND (\(find)(\(releasable), ?) > 0 OR \(find)(\(releasable), ?) > 0)) \
            OR (\(column("tlp")) = 'amber+strict' AND \(find)(\(releasable), ?) > 0))
            """
        let organization = SQLValue.text(";" + viewer.organization.uppercased() + ";")
        return (sql, [.text(viewer.organization), organization, .text(";" + viewer.country + ";"), organization])
    }
}
