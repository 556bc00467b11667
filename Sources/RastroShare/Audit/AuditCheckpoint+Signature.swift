import Crypto
import Foundation
public import RastroStore

extension AuditCheckpoint {
    /// The bytes a checkpoint signs: the tag `rastro-audit-checkpoint/1`, then as netstrings the
    /// node's organization, the sequence number, the entry's hash and the checkpoint's time.
    public static func message(nodeOrganization: String, seq: Int64, hash: String, at: String) -> [UInt8] {
        AuditChain.netstrings(tag: "rastro-audit-checkpoint/1", [nodeOrganization, String(seq), hash, at])
    }

    /// A checkpoint of the entry `seq` with hash `hash`, signed by `key` now.
    public static func signed(nodeOrganization: String, seq: Int64, hash: String, at: String = AuditCheckpoint.now(),
                              key: AuditSigningKey) throws -> AuditCheckpoint {
        AuditCheckpoint(seq: seq, hash: hash, at: at, nodeOrganization: nodeOrganization, publicKey: key.publicKey,
                        signature: try key.sign(message(nodeOrganization: nodeOrganization, seq: seq, hash: hash, at: at)))
    }

    /// True when `signature` is a valid Ed25519 signature of this checkpoint's message under
    /// `publicKey` (base64), whatever key the checkpoint itself names.
    public func isSigned(by publicKey: String) -> Bool {
        guard let raw = Data(base64Encoded: publicKey), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw),
              let signature = Data(base64Encoded: self.signature) else { return false }
        return key.isValidSignature(signature, for: Self.message(nodeOrganization: nodeOrganization, seq: seq, hash: hash, at: at))
    }

    /// The time now, UTC with milliseconds.
    public static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }
}
