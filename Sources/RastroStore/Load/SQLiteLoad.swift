import CSQLite
import RastroModel

/// A load into SQLite: `BEGIN IMMEDIATE`, a savepoint per file, and one reused prepared INSERT per
/// kind with raw binds. A row whose id is new inserts as version 1; a known id is compared by
/// content hash with its current version and becomes a new version only when it differs.
final class SQLiteLoad: LoadTransaction {
    let loadID: String
    private let database: SQLiteDatabase
    private var finished = false

    init(database: SQLiteDatabase, loadID: String, actor: String, startedAt: String) throws {
        self.database = database
        self.loadID = loadID
        try database.run("BEGIN IMMEDIATE")
        do {
            try database.run("INSERT INTO loads (load_id, started_at, finished_at, actor, summary) VALUES (?, ?, ?, ?, '{}')",
                                 [.text(loadID), .text(startedAt), .text(startedAt), .text(actor)])
        } catch {
            try? database.run("ROLLBACK")
            throw error
        }
    }

    deinit {
        if !finished { try? database.run("ROLLBACK") }
    }

    func loadFile(_ file: SourceFile, produce: (any RecordSink) async throws -> FileDecision) async throws -> FileCounts {
        let fileID = try database.fetch("SELECT COALESCE(MAX(file_id), 0) + 1 AS next FROM load_files").first?["next"].integer ?? 1
        try database.run("SAVEPOINT rastro_file")
        do {
            let sink = try Sink(database: database, kind: file.kind, fileID: fileID)
            let decision = try await produce(sink)
            var counts = sink.counts
            counts.rowsRead = decision.rowsRead
            counts.rejected = decision.rejected
            if decision.keep {
                try database.run(
                    "INSERT INTO load_files (file_id, load_id, path, kind, format, rows_read, inserted, versioned, unchanged, rejected) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [.integer(fileID), .text(loadID), .text(file.path), .text(file.kind.rawValue), .text(file.format),
                     .integer(Int64(counts.rowsRead)), .integer(Int64(counts.inserted)), .integer(Int64(counts.versioned)),
                     .integer(Int64(counts.unchanged)), .integer(Int64(counts.rejected))])
                try database.run("RELEASE rastro_file")
            } else {
                try database.run("ROLLBACK TO rastro_file; RELEASE rastro_file")
                counts.inserted = 0
                counts.versioned = 0
                counts.unchanged = 0
                counts.discarded = true
            }
            return counts
        } catch {
            try? database.run("ROLLBACK TO rastro_file; RELEASE rastro_file")
            throw error
        }
    }

    func commit(summary: String) async throws {
        try database.run("UPDATE loads SET finished_at = ?, summary = ? WHERE load_id = ?",
                             [.text(Store.now()), .text(summary), .text(loadID)])
        try database.run("COMMIT")
        finished = true
    }

    func rollback() async {
        guard !finished else { return }
        try? database.run("ROLLBACK")
        finished = true
    }

    /// Writes one file's records with reused statements.
    final class Sink: RecordSink {
        private let insert: SQLiteStatement
        private let current: SQLiteStatement
        private let retire: SQLiteStatement
        private let database: SQLiteDatabase
        private let fileID: Int64
        private let hasChemical: Bool
        private let versionIndex: Int32
        var counts = FileCounts()

        init(database: SQLiteDatabase, kind: Kind, fileID: Int64) throws {
            self.database = database
            self.fileID = fileID
            let columns = KindTable.dataColumns(kind) + ["version", "is_current"]
            let placeholders = Array(repeating: "?", count: columns.count - 1).joined(separator: ", ")
            insert = try database.prepare("""
                INSERT INTO \(kind.table) (\(columns.joined(separator: ", "))) VALUES (\(placeholders), 1) \
                ON CONFLICT (record_id, version) DO NOTHING
                """)
            current = try database.prepare("SELECT version, content_hash FROM \(kind.table) WHERE record_id = ? AND is_current = 1")
            retire = try database.prepare("UPDATE \(kind.table) SET is_current = 0 WHERE record_id = ? AND version = ?")
            hasChemical = kind.schema.hasChemical
            versionIndex = Int32(columns.count - 1)
        }

        func write(_ record: Record) async throws {
            let hash = record.contentHash
            try bindAndInsert(record, hash: hash, version: 1)
            if database.changes == 1 {
                counts.inserted += 1
                return
            }
            current.reset()
            _ = current.bindText(record.id, at: 1)
            guard try current.step() else {
                // Version 1 exists but no version is current: the record was deleted; it comes back.
                throw StoreError(.conflict, "\(record.kind.rawValue) has no current version for a known id")
            }
            let version = current.int64(0)
            let currentHash = current.int64(1)
            current.reset()
            if currentHash == hash {
                counts.unchanged += 1
                return
            }
            retire.reset()
            _ = retire.bindText(record.id, at: 1)
            retire.bindInt(version, at: 2)
            try retire.step()
            try bindAndInsert(record, hash: hash, version: version + 1)
            guard database.changes == 1 else { throw StoreError(.conflict, "a new version could not be written") }
            counts.versioned += 1
        }

        private func bindAndInsert(_ record: Record, hash: Int64, version: Int64) throws {
            let statement = insert
            statement.reset()
            _ = statement.bindText(record.id, at: 1)
            statement.bindInt(hash, at: 2)
            _ = statement.bindText(record.marking.tlp.rawValue, at: 3)
            _ = statement.bindText(record.marking.releasableToStored, at: 4)
            _ = statement.bindText(record.marking.originator, at: 5)
            statement.bindInt(fileID, at: 6)
            statement.bindInt(Int64(record.line), at: 7)
            if let attributes = record.attributesJSON { _ = statement.bindText(attributes, at: 8) } else { statement.bindNull(at: 8) }
            var index: Int32 = 9
            for value in record.values {
                switch value {
                case .null: statement.bindNull(at: index)
                case .text(let text): _ = statement.bindText(text, at: index)
                case .number(let number): statement.bindDouble(number, at: index)
                }
                index += 1
            }
            if hasChemical {
                if let reference = record.chemicalRef { _ = statement.bindText(reference, at: index) } else { statement.bindNull(at: index) }
            }
            statement.bindInt(version, at: versionIndex)
            try statement.step()
        }
    }
}
