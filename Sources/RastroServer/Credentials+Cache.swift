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
    /// Keys being checked again in the background (at most one check per key at a time).
    private let refreshing = Mutex(Set<String>())

    init(store: Store, ttl: Double = 30) {
        self.authenticator = Authenticator(store: store)
        self.ttl = ttl
    }

    enum Scheme { case basic, bearer }

    /// The viewer, or nil when there are no credentials or they are refused.
    ///
    /// An entry in its last quarter of `ttl` is still used, and one request starts a check of the
    /// credentials in the background that renews it (or drops it when they are refused now). A
    /// partner that pulls steadily therefore never waits for bcrypt once signed in: before, every
    /// request in flight when an entry expired checked the password itself, and the cores stalled
    /// for a few tenths of a second (docs/benchmarks.md, federation). A refused or revoked
    /// credential still stops working at most `ttl` after its last successful check.
    func viewer(authorization: String?) async -> Viewer? {
        guard let authorization else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let scheme = RequestText.lowercasedASCII(parts[0])
        let value = String(RequestText.trimmed(parts[1]))
        guard scheme == "basic" || scheme == "bearer" else { return nil }
        let key = AuditChain.hex(SHA256.hash(data: Data("\(scheme)\u{0}\(value)".utf8)))
        let now = Date().timeIntervalSince1970
        if let (viewer, expires) = entries.withLock({ entries -> (Viewer, Double)? in
            guard let (viewer, expires) = entries[key] else { return nil }
            if expires < now { entries[key] = nil; return nil }
            return (viewer, expires)
        }) {
            if expires - now < ttl / 4, refreshing.withLock({ $0.insert(key).inserted }) {
                Task {
                    let checked = await self.check(scheme: scheme, value: value)
                    self.entries.withLock { entries in
                        if let checked { entries[key] = (checked, Date().timeIntervalSince1970 + self.ttl) } else { entries[key] = nil }
                    }
                    _ = self.refreshing.withLock { $0.remove(key) }
                }
            }
            return viewer
        }
        guard let viewer = await check(scheme: scheme, value: value) else { return nil }
        entries.withLock { entries in
            if entries.count > 10_000 { entries.removeAll() }
            entries[key] = (viewer, now + ttl)
        }
        return viewer
    }

    /// The credentials checked against the store: bcrypt for a password, the token table for a token.
    private func check(scheme: String, value: String) async -> Viewer? {
        if scheme == "basic" {
            guard let decoded = Data(base64Encoded: value).map({ String(decoding: $0, as: UTF8.self) }),
                  let colon = decoded.firstIndex(of: ":") else { return nil }
            return try? await authenticator.signIn(user: String(decoded[..<colon]), password: String(decoded[decoded.index(after: colon)...]))
        }
        return try? await authenticator.viewer(token: value, now: Timestamps.nowRFC3339())
    }
}

enum Timestamps {
    static func nowRFC3339() -> String {
        TAXIITime.format(microseconds: Int64(Date().timeIntervalSince1970 * 1_000_000)).prefix(19) + "Z"
    }
}
