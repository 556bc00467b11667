import Foundation
public import RastroModel

/// The current version of a record as an export needs it: the record (redacted for the viewer),
/// its version number and when its versions were loaded.
public struct ExportedVersion: Sendable, Hashable {
    public var record: Record
    public var version: Int
    /// When this version's load finished (`YYYY-MM-DDTHH:MM:SSZ`).
    public var loadedAt: String
    /// When the record's first version's load finished.
    public var firstLoadedAt: String
}

extension Store {
    /// The current versions of `kind` that the viewer may see, in id order after `id`, at most
    /// `limit` of them, redacted for the viewer, with their load times (for exports, which page
    /// through a whole kind with `after`).
    public func currentVersions(_ kind: Kind, viewer: Viewer, limit: Int = 1_000, after id: String = "") async throws -> [ExportedVersion] {
        let (predicate, binds) = AccessPolicy.predicate(for: viewer, alias: "t", dialect: dialect)
        let rows = try await connection.query("""
            SELECT t.*, l.finished_at AS export_loaded_at,
                   (SELECT l1.finished_at FROM \(kind.table) v
                    JOIN load_files f1 ON f1.file_id = v.file_id JOIN loads l1 ON l1.load_id = f1.load_id
                    WHERE v.record_id = t.record_id AND v.version = 1) AS export_first_loaded_at
            FROM \(kind.table) t
            JOIN load_files f ON f.file_id = t.file_id
            JOIN loads l ON l.load_id = f.load_id
            WHERE t.is_current = 1 AND t.record_id > ? AND \(predicate)
            ORDER BY t.record_id LIMIT \(max(0, limit))
            """, [.text(id)] + binds)
        let redactor = try await redactor(for: viewer)
        return rows.map { row in
            let loaded = row["export_loaded_at"].text ?? ""
            return ExportedVersion(record: redactor.redacted(Self.record(kind, row)), version: Int(row["version"].integer ?? 1),
                                   loadedAt: loaded, firstLoadedAt: row["export_first_loaded_at"].text ?? loaded)
        }
    }
}
