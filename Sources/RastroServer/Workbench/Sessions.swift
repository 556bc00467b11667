import Crypto
import Foundation
public import RastroStore
import Synchronization

/// Signed-in browsers. A session is a random 256-bit id in an HttpOnly, SameSite=Strict cookie;
/// the server keeps the viewer it stands for, its CSRF token and when it was last used. Sessions
/// end on logout, after `idleTimeout` without a request, or `maximumAge` after sign-in. They live
/// in the server's memory: a restart signs everyone out.
final class Sessions: Sendable {
    struct Session: Sendable {
        var viewer: Viewer
        var csrf: String
        var created: Double
        var lastSeen: Double
    }

    let idleTimeout: Double
    let maximumAge: Double
    /// Failed sign-ins of a user in `lockWindow` seconds that lock it for `lockWindow` seconds.
    let lockAfter: Int
    let lockWindow: Double
    private let sessions = Mutex([String: Session]())
    private let failures = Mutex([String: [Double]]())

    init(idleTimeout: Double = 30 * 60, maximumAge: Double = 12 * 3600, lockAfter: Int = 5, lockWindow: Double = 15 * 60) {
        self.idleTimeout = idleTimeout
        self.maximumAge = maximumAge
        self.lockAfter = lockAfter
        self.lockWindow = lockWindow
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
    }

    func start(_ viewer: Viewer, now: Double = Date().timeIntervalSince1970) -> (id: String, Session) {
        let id = Self.randomToken()
        let session = Session(viewer: viewer, csrf: Self.randomToken(), created: now, lastSeen: now)
        sessions.withLock { table in
            if table.count > 10_000 { table = table.filter { now - $0.value.lastSeen < idleTimeout } }
            table[Self.key(id)] = session
        }
        return (id, session)
    }

    /// The live session behind a cookie's id, touched; nil when unknown or expired.
    func session(_ id: String?, now: Double = Date().timeIntervalSince1970) -> Session? {
        guard let id, id.count == 64 else { return nil }
        let key = Self.key(id)
        return sessions.withLock { table in
            guard var session = table[key] else { return nil }
            guard now - session.lastSeen < idleTimeout, now - session.created < maximumAge else {
                table[key] = nil
                return nil
            }
            session.lastSeen = now
            table[key] = session
            return session
        }
    }

    func end(_ id: String?) {
        guard let id else { return }
        _ = sessions.withLock { $0.removeValue(forKey: Self.key(id)) }
    }

    /// Ends every session of a user (a disabled account, a changed password).
    func endAll(of user: String) {
        sessions.withLock { table in table = table.filter { $0.value.viewer.user != user } }
    }

    /// Whether a user is locked out now (too many recent failures).
    func isLocked(_ user: String, now: Double = Date().timeIntervalSince1970) -> Bool {
        failures.withLock { table in (table[user.lowercased()] ?? []).filter { now - $0 < lockWindow }.count >= lockAfter }
    }

    /// Records a failed sign-in; true when it locks the user.
    func fail(_ user: String, now: Double = Date().timeIntervalSince1970) -> Bool {
        failures.withLock { table in
            var recent = (table[user.lowercased()] ?? []).filter { now - $0 < lockWindow }
            recent.append(now)
            table[user.lowercased()] = recent
            if table.count > 100_000 { table = table.filter { !$0.value.isEmpty && now - $0.value.last! < lockWindow } }
            return recent.count == lockAfter
        }
    }

    func succeeded(_ user: String) {
        _ = failures.withLock { $0.removeValue(forKey: user.lowercased()) }
    }

    /// Sessions are kept under the SHA-256 of their id, so a memory dump does not hand them out.
    private static func key(_ id: String) -> String {
        SHA256.hash(data: Data(id.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Compares two secrets in time that does not depend on where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
