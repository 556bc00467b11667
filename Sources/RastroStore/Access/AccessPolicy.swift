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
    public static func predicate(for viewer: Viewer, alias: String = "") -> (sql: String, binds: [SQLValue]) {
        let column = { (name: String) in alias.isEmpty ? name : "\(alias).\(name)" }
        let organization = viewer.organization.uppercased()
        let sql = """
            \(marker)(\(column("originator")) = ? \
            OR \(column("tlp")) IN ('clear', 'green') \
            OR (\(column("tlp")) = 'amber' AND (\(column("releasable_to")) LIKE ? ESCAPE '!' OR \(column("releasable_to")) LIKE ? ESCAPE '!')) \
            OR (\(column("tlp")) = 'amber+strict' AND \(column("releasable_to")) LIKE ? ESCAPE '!'))
            """
        let organizationPattern = SQLValue.text("%;" + escapeLike(organization) + ";%")
        return (sql, [.text(viewer.organization), organizationPattern,
                      .text("%;" + escapeLike(viewer.country) + ";%"), organizationPattern])
    }

    static func escapeLike(_ text: String) -> String {
        var out = ""
        for character in text {
            if character == "%" || character == "_" || character == "!" { out.append("!") }
            out.append(character)
        }
        return out
    }
}
