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

    public init(organization: String, country: String, roles: Set<Role> = [.analyst]) {
        self.organization = organization
        self.country = country.uppercased()
        self.roles = roles
    }

    public var description: String { "\(organization) (\(country))" }
}
