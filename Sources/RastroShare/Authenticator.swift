public import RastroStore

/// Turns credentials into a `Viewer`: a user's password, or an API token. Every failure reads
/// the same to the caller ("not signed in"), so that it cannot probe which users exist.
public struct Authenticator: Sendable {
    public let store: Store

    public init(store: Store) {
        self.store = store
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case rejected
        public var description: String { "the credentials were not accepted" }
    }

    /// The viewer of an enabled user in a member organization.
    public func viewer(of user: UserAccount) async throws -> Viewer {
        guard user.disabledAt == nil, let member = try await store.member(user.orgID) else { throw Failure.rejected }
        return Viewer(organization: member.orgID, country: member.country, roles: [user.role], user: user.userID)
    }

    public func signIn(user userID: String, password: String) async throws -> Viewer {
        guard let user = try await store.user(userID), let hash = user.passwordHash,
              Credentials.verifyPassword(password, hash: hash) else {
            // Spend the same work when the user is unknown, so timing does not tell either.
            _ = Credentials.verifyPassword(password, hash: Self.decoy)
            throw Failure.rejected
        }
        return try await viewer(of: user)
    }

    /// The viewer behind an API token; revoked and expired tokens are refused.
    public func viewer(token: String, now: String) async throws -> Viewer {
        guard Credentials.tokenID(token) != nil, let record = try await store.token(hash: Credentials.tokenHash(token)),
              record.revokedAt == nil, record.expiresAt.map({ $0 > now }) ?? true,
              let user = try await store.user(record.userID) else { throw Failure.rejected }
        return try await viewer(of: user)
    }

    /// A bcrypt hash of nothing anyone knows, at the default cost.
    static let decoy = Credentials.hashPassword("rastro decoy password, never used", cost: Credentials.defaultCost)
}
