import Foundation

/// An organization that uses this node: the host's own agencies and partners' units whose
/// liaison officers work inside it. Not the contract's `organizations` (companies in the data).
public struct Member: Sendable, Hashable, Codable {
    public var orgID: String
    public var country: String
    public var name: String
    public var createdAt: String

    public init(orgID: String, country: String, name: String, createdAt: String = "") {
        self.orgID = orgID
        self.country = country.uppercased()
        self.name = name
        self.createdAt = createdAt
    }
}

/// A person who signs in to the node, with one role in one member organization.
public struct UserAccount: Sendable, Hashable {
    public var userID: String
    public var orgID: String
    public var role: Viewer.Role
    public var displayName: String
    /// bcrypt; nil for a user who signs in with API tokens only.
    public var passwordHash: String?
    public var createdAt: String
    public var disabledAt: String?

    public init(userID: String, orgID: String, role: Viewer.Role, displayName: String, passwordHash: String? = nil,
                createdAt: String = "", disabledAt: String? = nil) {
        self.userID = userID
        self.orgID = orgID
        self.role = role
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.createdAt = createdAt
        self.disabledAt = disabledAt
    }
}

/// An API token's record; the token itself is never stored, only its SHA-256.
public struct APITokenRecord: Sendable, Hashable, Codable {
    public var tokenID: String
    public var userID: String
    public var label: String
    public var createdAt: String
    public var expiresAt: String?
    public var revokedAt: String?

    public init(tokenID: String, userID: String, label: String, createdAt: String = "", expiresAt: String? = nil, revokedAt: String? = nil) {
        self.tokenID = tokenID
        self.userID = userID
        self.label = label
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}

extension Store {
    // MARK: members

    /// Registers a member organization; every change to the directory is audited in its transaction.
    public func addMember(_ member: Member, by viewer: Viewer) async throws {
        guard try await self.member(member.orgID) == nil else {
            throw StoreError(.conflict, "organization \(member.orgID) is already a member of this node")
        }
        try await withAuditedTransaction([AuditEvent(viewer, "org.add", objects: ["org/" + member.orgID],
                                                     detail: "\(member.country) \(member.name)")]) {
            try await connection.execute("INSERT INTO members (org_id, country, name, created_at) VALUES (?, ?, ?, ?)",
                                         [.text(member.orgID), .text(member.country), .text(member.name), .text(Self.now())])
        }
        memberCache.clear()
    }

    public func members() async throws -> [Member] {
        try await connection.query("SELECT org_id, country, name, created_at FROM members ORDER BY org_id", []).map(Self.member)
    }

    public func member(_ orgID: String) async throws -> Member? {
        try await connection.query("SELECT org_id, country, name, created_at FROM members WHERE org_id = ?", [.text(orgID)]).first.map(Self.member)
    }

    private static func member(_ row: SQLRow) -> Member {
        Member(orgID: row["org_id"].text ?? "", country: row["country"].text ?? "", name: row["name"].text ?? "",
               createdAt: row["created_at"].text ?? "")
    }

    /// The country of every organization the node knows (its members, itself among them), by
    /// upper-cased id. Read paths ask for it on every read, so it is kept for a few seconds
    /// (`MemberCache.lifetime`); this process's own directory changes clear it at once.
    public func memberCountries() async throws -> [String: String] {
        if let cached = memberCache.current() { return cached }
        var countries: [String: String] = [:]
        for row in try await connection.query("SELECT org_id, country FROM members", []) {
            countries[(row.values[0].text ?? "").uppercased()] = row.values[1].text ?? ""
        }
        memberCache.store(countries)
        return countries
    }

    // MARK: users

    public func addUser(_ user: UserAccount, by viewer: Viewer) async throws {
        guard try await member(user.orgID) != nil else {
            throw StoreError(.conflict, "organization \(user.orgID) is not a member of this node: add it first (rastro org add)")
        }
        guard try await self.user(user.userID) == nil else { throw StoreError(.conflict, "user \(user.userID) already exists") }
        try await withAuditedTransaction([AuditEvent(viewer, "user.add", objects: ["user/" + user.userID],
                                                     detail: "\(user.orgID) \(user.role.rawValue)")]) {
            try await connection.execute("""
                INSERT INTO users (user_id, org_id, role, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """, [.text(user.userID), .text(user.orgID), .text(user.role.rawValue), .text(user.displayName),
                      user.passwordHash.map(SQLValue.text) ?? .null, .text(Self.now())])
        }
    }

    public func user(_ userID: String) async throws -> UserAccount? {
        try await connection.query("SELECT * FROM users WHERE user_id = ?", [.text(userID)]).first.map(Self.user)
    }

    public func users(organization: String? = nil) async throws -> [UserAccount] {
        if let organization {
            return try await connection.query("SELECT * FROM users WHERE org_id = ? ORDER BY user_id", [.text(organization)]).map(Self.user)
        }
        return try await connection.query("SELECT * FROM users ORDER BY org_id, user_id", []).map(Self.user)
    }

    private static func user(_ row: SQLRow) -> UserAccount {
        UserAccount(userID: row["user_id"].text ?? "", orgID: row["org_id"].text ?? "",
                    role: Viewer.Role(rawValue: row["role"].text ?? "") ?? .analyst, displayName: row["display_name"].text ?? "",
                    passwordHash: row["password_hash"].text, createdAt: row["created_at"].text ?? "", disabledAt: row["disabled_at"].text)
    }

    public func setPassword(of userID: String, hash: String, by viewer: Viewer) async throws {
        guard try await user(userID) != nil else { throw StoreError(.conflict, "no user \(userID)") }
        try await withAuditedTransaction([AuditEvent(viewer, "user.password", objects: ["user/" + userID])]) {
            try await connection.execute("UPDATE users SET password_hash = ? WHERE user_id = ?", [.text(hash), .text(userID)])
        }
    }

    /// Disables a user and revokes every token of theirs.
    public func disableUser(_ userID: String, by viewer: Viewer) async throws {
        guard try await user(userID) != nil else { throw StoreError(.conflict, "no user \(userID)") }
        let now = Self.now()
        try await withAuditedTransaction([AuditEvent(viewer, "user.disable", objects: ["user/" + userID])]) {
            try await connection.execute("UPDATE users SET disabled_at = ? WHERE user_id = ? AND disabled_at IS NULL", [.text(now), .text(userID)])
            try await connection.execute("UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", [.text(now), .text(userID)])
        }
    }

    // MARK: tokens

    public func addToken(_ token: APITokenRecord, hash: String, by viewer: Viewer) async throws {
        try await withAuditedTransaction([AuditEvent(viewer, "token.create", objects: ["token/" + token.tokenID, "user/" + token.userID],
                                                     detail: token.label)]) {
            try await connection.execute("""
                INSERT INTO api_tokens (token_id, token_hash, user_id, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
                """, [.text(token.tokenID), .text(hash), .text(token.userID), .text(token.label), .text(Self.now()),
                      token.expiresAt.map(SQLValue.text) ?? .null])
        }
    }

    /// The token whose SHA-256 is `hash`, revoked or not.
    public func token(hash: String) async throws -> APITokenRecord? {
        try await connection.query("SELECT * FROM api_tokens WHERE token_hash = ?", [.text(hash)]).first.map(Self.token)
    }

    public func tokens(of userID: String? = nil) async throws -> [APITokenRecord] {
        if let userID {
            return try await connection.query("SELECT * FROM api_tokens WHERE user_id = ? ORDER BY created_at, token_id", [.text(userID)]).map(Self.token)
        }
        return try await connection.query("SELECT * FROM api_tokens ORDER BY user_id, created_at, token_id", []).map(Self.token)
    }

    public func revokeToken(_ tokenID: String, by viewer: Viewer) async throws {
        let rows = try await connection.query("SELECT * FROM api_tokens WHERE token_id = ?", [.text(tokenID)])
        guard let token = rows.first.map(Self.token) else { throw StoreError(.conflict, "no token \(tokenID)") }
        guard token.revokedAt == nil else { return }
        try await withAuditedTransaction([AuditEvent(viewer, "token.revoke", objects: ["token/" + tokenID, "user/" + token.userID])]) {
            try await connection.execute("UPDATE api_tokens SET revoked_at = ? WHERE token_id = ?", [.text(Self.now()), .text(tokenID)])
        }
    }

    private static func token(_ row: SQLRow) -> APITokenRecord {
        APITokenRecord(tokenID: row["token_id"].text ?? "", userID: row["user_id"].text ?? "", label: row["label"].text ?? "",
                       createdAt: row["created_at"].text ?? "", expiresAt: row["expires_at"].text, revokedAt: row["revoked_at"].text)
    }
}

/// The member directory's countries, kept briefly for the read paths.
final class MemberCache: @unchecked Sendable {
    /// How long a read of the directory is reused. A member added by another process is seen by
    /// this one's redaction at most this late; until then its records count as of the country
    /// its id starts with.
    static let lifetime: Duration = .seconds(5)

    private let lock = NSLock()
    private var countries: [String: String]?
    private var readAt = ContinuousClock.now

    func current() -> [String: String]? {
        lock.withLock { countries.flatMap { ContinuousClock.now - readAt < Self.lifetime ? $0 : nil } }
    }

    func store(_ countries: [String: String]) {
        lock.withLock {
            self.countries = countries
            readAt = ContinuousClock.now
        }
    }

    func clear() { lock.withLock { countries = nil } }
}
