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
        let party = SQLValue.text(";" + viewer.organization.uppercased() + ";")
        let originator = SQLValue.text(viewer.organization)
        return (text(alias: alias, dialect: dialect),
                [.text(";" + viewer.country + ";"), party, originator, party, originator, originator])
    }

    /// The predicate's SQL, which depends only on the alias and the dialect (the viewer is in the binds).
    static func text(alias: String, dialect: SQLDialect) -> String {
        switch (alias, dialect) {
        case ("", .sqlite): plainSQLite
        case ("t", .sqlite): aliasedSQLite
        case ("", .postgres): plainPostgres
        case ("t", .postgres): aliasedPostgres
        default: build(alias: alias, dialect: dialect)
        }
    }

    private static let plainSQLite = build(alias: "", dialect: .sqlite)
    private static let aliasedSQLite = build(alias: "t", dialect: .sqlite)
    private static let plainPostgres = build(alias: "", dialect: .postgres)
    private static let aliasedPostgres = build(alias: "t", dialect: .postgres)

    private static func build(alias: String, dialect: SQLDialect) -> String {
        let column = { (name: String) in alias.isEmpty ? name : "\(alias).\(name)" }
        let find = dialect == .sqlite ? "instr" : "strpos"
        let releasable = column("releasable_to"), originator = column("originator")
        // One CASE on the level, so that a row's TLP is compared once; the most common level
        // (AMBER) first, and within it the cheapest likely match (the viewer's country) first.
        // The same rules as the table above, branch by branch (see the property test).
        return """
            \(marker)(CASE \(column("tlp")) \
            WHEN 'amber' THEN (\(find)(\(releasable), ?) > 0 OR \(find)(\(releasable), ?) > 0 OR \(originator) = ?) \
            WHEN 'clear' THEN TRUE WHEN 'green' THEN TRUE \
            WHEN 'amber+strict' THEN (\(find)(\(releasable), ?) > 0 OR \(originator) = ?) \
            ELSE \(originator) = ? END)
            """
    }
}
