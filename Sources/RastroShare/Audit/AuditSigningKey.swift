import Crypto
import Foundation
public import RastroStore

/// The node's Ed25519 key for signing audit checkpoints. It lives in a file of its own (mode 0600),
/// never in the database: whoever can edit the database must not be able to forge checkpoints.
/// The file holds one line, the base64 of the key's 32 raw bytes. Its public half is recorded in
/// the node setting `audit_public_key` when first used, and the node refuses to sign with any
/// other key afterwards.
public struct AuditSigningKey: Sendable {
    /// Where the key was read from.
    public let path: String
    private let key: Curve25519.Signing.PrivateKey

    /// The public key, base64 of its 32 raw bytes (as checkpoints and `audit_public_key` hold it).
    public var publicKey: String { key.publicKey.rawRepresentation.base64EncodedString() }

    /// The default place of the key: `<database path>.key` beside an SQLite file. A PostgreSQL
    /// node has none (its database lives on a server): it must be given (`--signing-key`,
    /// `RASTRO_SIGNING_KEY`).
    public static func defaultPath(for url: DatabaseURL) -> String? {
        switch url {
        case .sqlite(let path): path + ".key"
        case .postgres: nil
        }
    }

    /// Reads the key at `path`; nil when there is no file there.
    public static func load(path: String) throws -> AuditSigningKey? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        // A signing key others can read is no longer the node's alone.
        if let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw ShareError(.signingKey, "\(path): the signing key is readable by others (mode \(String(mode & 0o777, radix: 8))); chmod 600 it")
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ShareError(.signingKey, "\(path): cannot read the signing key", detail: error.localizedDescription)
        }
        guard let raw = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), raw.count == 32,
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw ShareError(.signingKey, "\(path): not a rastro signing key (one line of base64, 32 bytes)")
        }
        return AuditSigningKey(path: path, key: key)
    }

    /// Reads the key at `path`, or creates a new one there (mode 0600) when there is none.
    public static func loadOrCreate(path: String) throws -> AuditSigningKey {
        if let key = try load(path: path) { return key }
        let key = Curve25519.Signing.PrivateKey()
        let line = Array((key.rawRepresentation.base64EncodedString() + "\n").utf8)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST, let key = try load(path: path) { return key }  // made meanwhile by another process
            throw ShareError(.signingKey, "\(path): cannot create the signing key", detail: String(cString: strerror(errno)))
        }
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == line.count, synced == 0 else {
            unlink(path)
            throw ShareError(.signingKey, "\(path): cannot write the signing key")
        }
        return AuditSigningKey(path: path, key: key)
    }

    /// A key held only in memory (tests, and forging checkpoints in tests).
    public static func ephemeral() -> AuditSigningKey {
        AuditSigningKey(path: "", key: Curve25519.Signing.PrivateKey())
    }

    /// The base64 Ed25519 signature of `message`.
    public func sign(_ message: [UInt8]) throws -> String {
        try key.signature(for: message).base64EncodedString()
    }
}
