/// The SQL spoken by a backend. Queries are written once with `?` placeholders; PostgreSQL gets `$n`.
public enum SQLDialect: String, Sendable {
    case sqlite
    case postgres

    /// Rewrites `?` placeholders outside string literals to `$1`, `$2` … for PostgreSQL.
    public func placeholders(_ sql: String) -> String {
        guard self == .postgres else { return sql }
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var number = 0
        var inString = false
        for character in sql {
            if character == "'" { inString.toggle() }
            if character == "?", !inString {
                number += 1
                out += "$\(number)"
            } else {
                out.append(character)
            }
        }
        return out
    }
}
