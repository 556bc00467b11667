import CSQLite
import RastroModel

/// A load into SQLite: a write transaction of the database file (`SQLiteWriteFile`), a savepoint
/// per file, and reused prepared statements with raw binds, fed 64 rows at a time by a writer
/// thread (see `Sink`). A row whose id is new inserts as version 1; a known id is compared by
/// content hash with its current version and becomes a new version only when it differs.
final class SQLiteLoad: LoadTransaction {
    let loadID: String
    private let actor: String
    private let database: SQLiteDatabase
    private var finished = false
    private var deferral = IndexDeferral()
    var indexesToBuild: Int { deferral.rebuilds.count }

    /// Takes the database's write lock, waiting for another writer on a thread of its own
    /// (`lockForWriteOffThePool`: a server's load of a partner's objects must not hold a
    /// cooperative thread while a CLI load runs), and starts the load.
    static func begin(database: SQLiteDatabase, loadID: String, actor: String, startedAt: String) async throws -> SQLiteLoad {
        try await database.lockForWriteOffThePool(.database)
        return try SQLiteLoad(database: database, loadID: loadID, actor: actor, startedAt: startedAt)
    }

    /// Call with the write lock held (`begin`).
    private init(database: SQLiteDatabase, loadID: String, actor: String, startedAt: String) throws {
        self.database = database
        self.loadID = loadID
        self.actor = actor
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
        if let dropped = try await deferral.deferIndexes(for: file, on: database) { deferral.record(dropped.table, dropped.indexes) }
        try database.run("SAVEPOINT rastro_file")
        do {
            let sink = try Sink(database: database, kind: file.kind, fileID: fileID)
            let decision: FileDecision
            do {
                decision = try await produce(sink)
            } catch {
                sink.abandon()
                throw error
            }
            if decision.keep { try sink.finish() } else { sink.abandon() }
            var counts = sink.counts
            counts.rowsRead = decision.rowsRead
            counts.rejected = decision.rejected
            if decision.keep {
                let row = LoadFileRow.insert(fileID: fileID, loadID: loadID, file: file, counts: counts)
                try database.run(row.sql, row.binds)
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
        try await deferral.rebuild(on: database)
        try database.run("UPDATE loads SET finished_at = ?, summary = ? WHERE load_id = ?",
                             [.text(Store.now()), .text(summary), .text(loadID)])
        try await AuditChain.appendLoad(loadID: loadID, actor: actor, on: database)
        try database.run("COMMIT")
        finished = true
        // The load's entry joins the chain in the audit file (committed either way; AuditChain.append).
        try? await AuditChain.settle(on: database)
    }

    func rollback() async {
        guard !finished else { return }
        try? database.run("ROLLBACK")
        finished = true
    }

    /// Writes one file's records on a second thread, so that reading and validating the file
    /// (this thread) overlaps with SQLite's work (the writer thread): rows are buffered and
    /// inserted `batchSize` at a time as version 1 with one reused multi-row statement
    /// (`ON CONFLICT DO NOTHING`). When a batch inserts fewer
    /// rows than it holds, each of its rows is settled in file order against its current version.
    final class Sink: RecordSink, @unchecked Sendable {
        static let batchSize = 64
        /// Rows handed to the writer thread at once (a whole number of batches): fewer wake-ups.
        static let handoffSize = batchSize * 16
        private let batchInsert: SQLiteStatement
        private let insert: SQLiteStatement
        private let current: SQLiteStatement
        private let retire: SQLiteStatement
        private let database: SQLiteDatabase
        private let fileID: Int64
        private let hasChemical: Bool
        private let columnCount: Int32
        private var pending: [Record] = []
        private var writer: BatchWriter!
        /// The writer thread's staging memory for one batch's text.
        private let arena = TextArena()
        /// Written by the writer thread; read after `finish`.
        var counts = FileCounts()

        init(database: SQLiteDatabase, kind: Kind, fileID: Int64) throws {
            self.database = database
            self.fileID = fileID
            let columns = KindTable.dataColumns(kind) + ["version", "is_current"]
            let row = "(" + Array(repeating: "?", count: columns.count - 2).joined(separator: ", ") + ", ?, 1)"
            let head = "INSERT INTO \(kind.table) (\(columns.joined(separator: ", "))) VALUES "
            let tail = " ON CONFLICT (record_id, version) DO NOTHING"
            batchInsert = try database.prepare(head + Array(repeating: row, count: Self.batchSize).joined(separator: ", ") + tail)
            insert = try database.prepare(head + row + tail)
            current = try database.prepare(
                "SELECT version, content_hash, file_id, line FROM \(kind.table) WHERE record_id = ? AND is_current = 1")
            retire = try database.prepare("UPDATE \(kind.table) SET is_current = 0 WHERE record_id = ? AND version = ?")
            hasChemical = kind.schema.hasChemical
            columnCount = Int32(columns.count - 1)
            pending.reserveCapacity(Self.handoffSize)
            writer = BatchWriter(capacity: 4) { [unowned self] handoff in try self.write(handoff: handoff) }
        }

        func write(_ record: Record) async throws {
            pending.append(record)
            if pending.count == Self.handoffSize {
                try writer.submit(pending)
                pending.removeAll(keepingCapacity: true)
            }
        }

        /// Writes what is buffered and waits for the writer thread; the load calls it once the
        /// file has been read.
        func finish() throws {
            if !pending.isEmpty { try writer.submit(pending) }
            pending.removeAll()
            try writer.finish()
        }

        /// Stops the writer thread without writing what is left (the file is being discarded).
        func abandon() {
            writer.abandon()
        }

        /// Runs on the writer thread: one handoff, in file order, `batchSize` rows per statement.
        fileprivate func write(handoff: [Record]) throws {
            var start = 0
            while start < handoff.count {
                let end = min(start + Self.batchSize, handoff.count)
                try write(batch: handoff[start..<end])
                start = end
            }
        }

        private func write(batch: ArraySlice<Record>) throws {
            if batch.count == Self.batchSize {
                batchInsert.reset()
                arena.reset()
                for (position, record) in batch.enumerated() {
                    bindStaged(record, to: batchInsert, offset: Int32(position) * columnCount)
                }
                try batchInsert.step()
                batchInsert.reset()
                if database.changes == batch.count {
                    counts.inserted += batch.count
                    return
                }
                for record in batch { try settle(record, batchInserted: true) }
            } else {
                for record in batch { try settle(record, batchInserted: false) }
            }
        }

        /// Applies the versioning rule to one row. After a batch, a current version written by this
        /// very row (same file and line) means the row was new.
        private func settle(_ record: Record, batchInserted: Bool) throws {
            let hash = record.contentHash
            if !batchInserted {
                insert.reset()
                bind(record, hash: hash, version: 1, to: insert, offset: 0)
                try insert.step()
                if database.changes == 1 {
                    counts.inserted += 1
                    return
                }
            }
            current.reset()
            _ = current.bindText(record.id, at: 1)
            guard try current.step() else {
                throw StoreError(.conflict, "\(record.kind.rawValue) has no current version for a known id")
            }
            let version = current.int64(0)
            let currentHash = current.int64(1)
            let writtenByThisRow = current.int64(2) == fileID && current.int64(3) == Int64(record.line)
            current.reset()
            if writtenByThisRow {
                counts.inserted += 1
                return
            }
            if currentHash == hash {
                counts.unchanged += 1
                return
            }
            retire.reset()
            _ = retire.bindText(record.id, at: 1)
            retire.bindInt(version, at: 2)
            try retire.step()
            insert.reset()
            bind(record, hash: hash, version: version + 1, to: insert, offset: 0)
            try insert.step()
            guard database.changes == 1 else { throw StoreError(.conflict, "a new version could not be written") }
            counts.versioned += 1
        }

        /// Binds a row as version 1 of the batch statement, its text staged in `arena` and bound
        /// without copies (the arena outlives the statement's step).
        private func bindStaged(_ record: Record, to statement: SQLiteStatement, offset: Int32) {
            func text(_ value: String, at index: Int32) {
                let (pointer, count) = arena.stage(value)
                statement.bindStaticText(pointer, count: count, at: index)
            }
            text(record.id, at: offset + 1)
            statement.bindInt(record.contentHash, at: offset + 2)
            text(record.marking.tlp.rawValue, at: offset + 3)
            text(record.marking.releasableToStored, at: offset + 4)
            text(record.marking.originator, at: offset + 5)
            statement.bindInt(fileID, at: offset + 6)
            statement.bindInt(Int64(record.line), at: offset + 7)
            if let attributes = record.attributesJSON { text(attributes, at: offset + 8) } else { statement.bindNull(at: offset + 8) }
            var index = offset + 9
            for value in record.values {
                switch value {
                case .null: statement.bindNull(at: index)
                case .text(let value): text(value, at: index)
                case .number(let number): statement.bindDouble(number, at: index)
                }
                index += 1
            }
            if hasChemical {
                if let reference = record.chemicalRef { text(reference, at: index) } else { statement.bindNull(at: index) }
                index += 1
            }
            statement.bindInt(1, at: index)
        }

        private func bind(_ record: Record, hash: Int64, version: Int64, to statement: SQLiteStatement, offset: Int32) {
            _ = statement.bindText(record.id, at: offset + 1)
            statement.bindInt(hash, at: offset + 2)
            _ = statement.bindText(record.marking.tlp.rawValue, at: offset + 3)
            _ = statement.bindText(record.marking.releasableToStored, at: offset + 4)
            _ = statement.bindText(record.marking.originator, at: offset + 5)
            statement.bindInt(fileID, at: offset + 6)
            statement.bindInt(Int64(record.line), at: offset + 7)
            if let attributes = record.attributesJSON {
                _ = statement.bindText(attributes, at: offset + 8)
            } else {
                statement.bindNull(at: offset + 8)
            }
            var index = offset + 9
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
                index += 1
            }
            statement.bindInt(version, at: index)
        }
    }
}

/// Memory for the text of one batch, handed to SQLite without copies: `stage` copies a string in
/// and returns where it lives; nothing moves until `reset`. A batch that outgrows the block gets
/// extra blocks, and the next `reset` replaces them all by one block big enough for it.
final class TextArena {
    private var blocks: [UnsafeMutableRawBufferPointer]
    private var used = 0
    private var total = 0

    init(capacity: Int = 64 * 1024) {
        blocks = [UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 8)]
    }

    deinit {
        for block in blocks { block.deallocate() }
    }

    func reset() {
        if blocks.count > 1 {
            let size = max(total, blocks[0].count) * 2
            for block in blocks { block.deallocate() }
            blocks = [UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)]
        }
        used = 0
        total = 0
    }

    @inline(__always) func stage(_ text: String) -> (UnsafePointer<CChar>, Int) {
        var text = text
        return text.withUTF8 { bytes in
            let count = bytes.count
            if used + count > blocks[blocks.count - 1].count {
                blocks.append(UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 64 * 1024), alignment: 8))
                used = 0
            }
            let block = blocks[blocks.count - 1]
            let start = block.baseAddress! + used
            if count > 0 { start.copyMemory(from: bytes.baseAddress!, byteCount: count) }
            used += count
            total += count
            return (UnsafePointer(start.assumingMemoryBound(to: CChar.self)), count)
        }
    }
}
