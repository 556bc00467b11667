import Crypto
import Foundation
import HummingbirdBcrypt

/// Passwords (bcrypt) and API tokens (random, stored only as SHA-256).
public enum Credentials {
    /// bcrypt's work factor: 2^cost rounds. 12 takes a few hundred milliseconds here, which is the
    /// point; tests may lower it.
    public static let defaultCost: UInt8 = 12

    /// The bcrypt hash of `password` (`$2b$…`, salt included).
    public static func hashPassword(_ password: String, cost: UInt8 = defaultCost) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    public static func verifyPassword(_ password: String, hash: String) -> Bool {
        guard hash.hasPrefix("$2") else { return false }
        return Bcrypt.verify(password, hash: hash)
    }

    /// A password must be long enough to resist guessing; bcrypt reads at most 72 bytes.
    public static func passwordProblem(_ password: String) -> String? {
        if password.count < 12 { return "a password needs at least 12 characters" }
        if password.utf8.count > 72 { return "a password may have at most 72 bytes (bcrypt ignores the rest)" }
        return nil
    }

    /// A new API token: `rst_` + an 8-character id + `_` + 32 random bytes in base64url. Only its
    /// SHA-256 is stored; the id finds it for listing and revoking.
    public static func newToken() -> (token: String, id: String, hash: String) {
        let id = randomBase64URL(bytes: 6)
        let secret = randomBase64URL(bytes: 32)
        let token = "rst_\(id)_\(secret)"
        return (token, id, tokenHash(token))
    }

    public static func tokenHash(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The id part of a token, or nil when it is not one of ours.
    public static func tokenID(_ token: String) -> String? {
        let parts = token.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "rst", parts[1].count == 8 else { return nil }
        return String(parts[1])
    }

    static func randomBase64URL(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "~")
            .replacingOccurrences(of: "=", with: "")
    }
}
