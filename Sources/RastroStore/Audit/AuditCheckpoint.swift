/// A signed statement by the node that its audit log, up to `seq`, ends in `hash`. The signature
/// is Ed25519 by the node's signing key (RastroShare's `AuditSigningKey`) over the message that
/// `AuditCheckpoint.message` gives in RastroShare; the key itself never enters the database.
public struct AuditCheckpoint: Sendable, Hashable, Codable {
    /// The last entry covered.
    public var seq: Int64
    /// That entry's hash (hex).
    public var hash: String
    /// When the checkpoint was made (UTC, milliseconds).
    public var at: String
    /// The organization that runs the node.
    public var nodeOrganization: String
    /// The signer's Ed25519 public key, base64 of its 32 raw bytes.
    public var publicKey: String
    /// Base64 of the 64-byte Ed25519 signature.
    public var signature: String

    public init(seq: Int64, hash: String, at: String, nodeOrganization: String, publicKey: String, signature: String) {
        self.seq = seq
        self.hash = hash
        self.at = at
        self.nodeOrganization = nodeOrganization
        self.publicKey = publicKey
        self.signature = signature
    }
}
