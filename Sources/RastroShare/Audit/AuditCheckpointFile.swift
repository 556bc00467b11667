public import Foundation
public import RastroStore

/// What a node hands its partners so that they can check its audit history later without seeing
/// it: the node's organization, its public key and its signed checkpoints (sequence number, hash,
/// time, signature). No entry content and no data.
public struct AuditCheckpointFile: Sendable, Hashable, Codable {
    /// One signed checkpoint, without what the file states once for all.
    public struct Checkpoint: Sendable, Hashable, Codable {
        public var seq: Int64
        public var hash: String
        public var at: String
        public var signature: String
    }

    /// `rastro-audit-checkpoints/1`.
    public static let currentFormat = "rastro-audit-checkpoints/1"

    public var format: String
    /// The organization that runs the node (part of each signed message).
    public var node: String
    /// The node's Ed25519 public key, base64 of its 32 raw bytes.
    public var publicKey: String
    public var exportedAt: String
    public var checkpoints: [Checkpoint]

    public init(node: String, publicKey: String, checkpoints: [AuditCheckpoint], exportedAt: String = AuditCheckpoint.now()) {
        format = Self.currentFormat
        self.node = node
        self.publicKey = publicKey
        self.exportedAt = exportedAt
        self.checkpoints = checkpoints.map { Checkpoint(seq: $0.seq, hash: $0.hash, at: $0.at, signature: $0.signature) }
    }

    /// The checkpoints as stored checkpoints, each naming the file's node and key.
    public var auditCheckpoints: [AuditCheckpoint] {
        checkpoints.map {
            AuditCheckpoint(seq: $0.seq, hash: $0.hash, at: $0.at, nodeOrganization: node, publicKey: publicKey, signature: $0.signature)
        }
    }

    /// Pretty JSON with sorted keys.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Reads a checkpoint file.
    public static func read(path: String) throws -> AuditCheckpointFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ShareError(.checkpointFile, "\(path): cannot read the checkpoint file", detail: error.localizedDescription)
        }
        let file: AuditCheckpointFile
        do {
            file = try JSONDecoder().decode(AuditCheckpointFile.self, from: data)
        } catch {
            throw ShareError(.checkpointFile, "\(path): not a rastro checkpoint file", detail: String(describing: error))
        }
        guard file.format == currentFormat else {
            throw ShareError(.checkpointFile, "\(path): unknown checkpoint file format (expected \(currentFormat))")
        }
        return file
    }
}
