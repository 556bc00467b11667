import Crypto

/// The id of a bundle written object by object: the UUIDv5 of the SHA-256 of its objects' JSON,
/// so that the same objects always make the same bundle, byte for byte.
public struct STIXBundleDigest: Sendable {
    private var hasher = SHA256()

    public init() {}

    public mutating func add(_ object: STIXObject) {
        hasher.update(data: Array(object.json.utf8))
    }

    public var bundleID: String {
        let digest = hasher.finalize().map { byte in String(byte >> 4, radix: 16) + String(byte & 0x0F, radix: 16) }.joined()
        return STIXIdentifier.id("bundle", "bundle/" + digest)
    }
}
