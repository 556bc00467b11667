import Crypto
import Foundation
import RastroShare
import RastroStore
import Synchronization

/// Turns an `Authorization` header into a viewer, remembering accepted credentials for a short
/// while: bcrypt is meant to be slow (about a quarter of a second at cost 12), and a partner's
/// puller sends the same credentials on every page. Only the SHA-256 of the credentials is kept,
/// never the password; a disabled user or a revoked token stops working within `ttl` seconds.
/// Refused credentials are never remembered, so each guess costs the full bcrypt.
final class CredentialCache: Sendable {
    private let authenticator: Authenticator
    private let ttl: Double
    private let entries = Mutex([String: (Viewer, Double)]())

    init(store: Store, ttl: Double = 30) {
        self.authenticator = Authenticator(store: store)
        self.ttl = ttl
    }

    enum Scheme { case basic, bearer }

    /// The viewer, or nil when there are no credentials or they are refused.
    func viewer(authorization: String?) async -> Viewer? {
        guard let authorization else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let scheme = RequestText.lowercasedASCII(parts[0])
        let value = String(RequestText.trimmed(parts[1]))
        guard scheme == "basic" || scheme == "bearer" else { return nil }
        let key = AuditChain.hex(SHA256.hash(data: Data("\(scheme)\u{0}\(value)".utf8)))
        let now = Date().timeIntervalSince1970
        if let viewer = entries.withLock({ entries -> Viewer? in
            guard let (viewer, expires) = entries[key] else { return nil }
            if expires < now { entries[key] = nil; return nil }
            return viewer
        }) {
            return viewer
        }
        let viewer: Viewer?
        if scheme == "basic" {
            guard let decoded = Data(base64Encoded: value).map({ String(decoding: $0, as: UTF8.self) }),
                  let colon = decoded.firstIndex(of: ":") else { return nil }
            viewer = try? await authenticator.signIn(user: String(decoded[..<colon]), password: String(decoded[decoded.index(after: colon)...]))
        } else {
            viewer = try? await authenticator.viewer(token: value, now: Timestamps.nowRFC3339())
        }
        guard let viewer else { return nil }
        entries.withLock { entries in
            if entries.count > 10_000 { entries.removeAll() }
            entries[key] = (viewer, now + ttl)
        }
        return viewer
    }
}

enum Timestamps {
    static func nowRFC3339() -> String {
        TAXIITime.format(microseconds: Int64(Date().timeIntervalSince1970 * 1_000_000)).prefix(19) + "Z"
    }
}
