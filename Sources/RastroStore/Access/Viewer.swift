/// Who is reading: an organization of a country, with roles. Every read of records takes one, and
/// the store turns it into the `WHERE` of the query (see `AccessPolicy`).
public struct Viewer: Sendable, Hashable, CustomStringConvertible {
    public enum Role: String, Sendable, Hashable, CaseIterable, Codable {
        case analyst, liaison, admin
    }

    /// Organization id, compared upper-cased with releasable-to tokens.
    public var organization: String
    /// ISO 3166-1 alpha-2 of the organization's country.
    public var country: String
    public var roles: Set<Role>
    /// The user reading, when known (a registered user of the node); nil for the node's own jobs
    /// and for an organization named without a user.
    public var user: String?
    /// Why the read happens. The node's own processing (resolution, analysis) reads personal data
    /// to compare it; what people see of it is `display` and is redacted (see `Redactor`).
    public var purpose: Purpose = .display

    public enum Purpose: String, Sendable, Hashable, Codable {
        case display, processing
    }

    public init(organization: String, country: String, roles: Set<Role> = [.analyst], user: String? = nil) {
        self.organization = organization
        self.country = country.uppercased()
        self.roles = roles
        self.user = user
    }

    /// Who the audit log names: the user, or the organization when there is none.
    public var actor: String { user ?? organization }

    public var description: String { user.map { "\($0) of \(organization) (\(country))" } ?? "\(organization) (\(country))" }
}
