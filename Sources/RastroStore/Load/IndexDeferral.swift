import Foundation

/// When a load is big next to the table it fills, the table's secondary indexes are dropped inside
/// the load's transaction and built again, each by one sort, just before it commits: inserting
/// millions of rows one by one into an index whose order is not the file's (the map's index on
/// track points, 0011) touches its pages at random and costs several times the rows themselves.
///
/// Only plain indexes are deferred: the primary key and unique indexes stay, because the load's
/// versioning relies on their conflicts. Both the drop and the rebuild are part of the load's
/// transaction, so a failed or killed load leaves the indexes as they were. On PostgreSQL the drop
/// locks the table until the load commits: readers of that table wait for a load that at least
/// doubles it (typically the first load of a kind), instead of reading beside it.
struct IndexDeferral {
    /// A deferred index: its name and the statement that creates it again.
    struct Index: Sendable, Hashable {
        var name: String
        var definition: String
    }

    /// The fewest bytes a row of any kind takes in an input file; a file's size divided by this
    /// over-estimates its rows, so that a doubtful case defers (a rebuild is never much slower
    /// than inserting the rows one by one, while inserting can be many times slower).
    static let smallestRowBytes = 32

    /// Files smaller than this never defer: their rows fit in the page cache anyway.
    static let smallestDeferredFile = 4 << 20

    private(set) var deferred: [String: [Index]] = [:]

    /// The rows a file may hold, or nil when it is too small to be worth deferring for (or
    /// cannot be sized).
    static func expectedRows(of file: SourceFile) -> Int? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file.path),
              let size = (attributes[.size] as? NSNumber)?.intValue, size >= smallestDeferredFile else { return nil }
        return size / smallestRowBytes
    }

    mutating func record(_ table: String, _ indexes: [Index]) { deferred[table] = indexes }

    /// Every deferred index's definition, in a stable order, for the rebuild before commit.
    var rebuilds: [Index] {
        deferred.keys.sorted().flatMap { deferred[$0] ?? [] }
    }

    /// Drops the plain indexes of the file's table, inside the load's transaction, when the file
    /// may hold more rows than the table does; returns what it dropped, for `record`.
    func deferIndexes(for file: SourceFile, on connection: any SQLConnection) async throws -> (table: String, indexes: [Index])? {
        let table = file.kind.table
        guard deferred[table] == nil, let expected = Self.expectedRows(of: file) else { return nil }
        let catalog = connection.dialect == .sqlite
            ? "SELECT name, sql AS definition FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL "
                + "AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name"
            : """
              SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition
              FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
              WHERE x.indrelid = to_regclass(?) AND NOT x.indisunique AND NOT x.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
              ORDER BY i.relname
              """
        let indexes = try await connection.query(catalog, [.text(table)])
            .map { Index(name: $0["name"].text ?? "", definition: $0["definition"].text ?? "") }
        guard !indexes.isEmpty else { return nil }
        let stored = try await connection.query("SELECT COUNT(*) AS n FROM (SELECT 1 FROM \(table) LIMIT \(expected)) s", [])
            .first?["n"].integer ?? 0
        guard stored < expected else { return nil }
        for index in indexes { try await connection.execute("DROP INDEX \"\(index.name)\"", []) }
        return (table, indexes)
    }

    /// Builds every deferred index again, by one sort each (the load is about to commit).
    ///
    /// On SQLite the sort gets one helper thread (`PRAGMA threads=1`): the other core is idle by
    /// then, and the sorter hands it the sorting of its in-memory runs while the connection's thread
    /// reads the table and merges. The build of the map's index on 5M track points went from
    /// 9.4–10.3 s to 7.2 s (docs/benchmarks.md), for ~65 MiB more memory, bounded by the page cache
    /// as the sorter's own is. A second helper gained nothing on two cores. PostgreSQL builds with
    /// its own parallel maintenance workers.
    func rebuild(on connection: any SQLConnection) async throws {
        guard !rebuilds.isEmpty else { return }
        let sqlite = connection.dialect == .sqlite
        if sqlite { try await connection.execute("PRAGMA threads=1", []) }
        do {
            for index in rebuilds { try await connection.execute(index.definition, []) }
        } catch {
            if sqlite { try? await connection.execute("PRAGMA threads=0", []) }
            throw error
        }
        if sqlite { try await connection.execute("PRAGMA threads=0", []) }
    }
}
