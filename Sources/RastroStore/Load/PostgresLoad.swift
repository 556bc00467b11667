import NIOCore
import PostgresNIO
import RastroModel

/// A load into PostgreSQL: one transaction holding an advisory lock (loads into one schema are
/// serialized), a savepoint per file, the file's rows streamed with `COPY … FROM STDIN` into a
/// temporary staging table, then merged into the kind's table by set-based SQL that applies the
/// same versioning rule as the SQLite path, in file order.
final class PostgresLoad: LoadTransaction {
    let loadID: String
    private let actor: String
    private let database: PostgresDatabase
    private let configuration: StoreConfiguration
    private var finished = false
    private var deferral = IndexDeferral()
    var indexesToBuild: Int { deferral.rebuilds.count }

    private init(database: PostgresDatabase, loadID: String, actor: String, configuration: StoreConfiguration) {
        self.database = database
        self.loadID = loadID
        self.actor = actor
        self.configuration = configuration
    }

    /// Begins the load's transaction and takes the schema's load lock, waiting for as long as
    /// another load holds it (calling the configuration's `onWaitForWriter` once when it has to wait).
    static func begin(database: PostgresDatabase, loadID: String, actor: String, startedAt: String,
                      configuration: StoreConfiguration) async throws -> PostgresLoad {
        try await database.execute("BEGIN", [])
        do {
            let free = try await database.query(
                "SELECT CASE WHEN pg_try_advisory_xact_lock(hashtext(current_schema())) THEN 1 ELSE 0 END AS locked", [])
            if free.first?["locked"].integer != 1 {
                configuration.onWaitForWriter?()
                try await database.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema()))", [])
            }
            try await database.execute("SET LOCAL work_mem = '\(configuration.loadWorkMem)'", [])
            try await database.execute("SET LOCAL maintenance_work_mem = '\(configuration.loadWorkMem)'", [])
            try await database.execute("INSERT INTO loads (load_id, started_at, finished_at, actor, summary) VALUES (?, ?, ?, ?, '{}')",
                                       [.text(loadID), .text(startedAt), .text(startedAt), .text(actor)])
        } catch {
            try? await database.execute("ROLLBACK", [])
            throw error
        }
        return PostgresLoad(database: database, loadID: loadID, actor: actor, configuration: configuration)
    }

    /// First tries to `COPY` the file straight into the kind's table as version-1 rows: a file of
    /// new ids (the first load, an incremental feed) then costs one COPY. If an id is already
    /// stored or repeats within the file, the primary key stops the COPY at that row, the savepoint
    /// undoes it, and the file is loaded again through the staged merge.
    func loadFile(_ file: SourceFile, produce: (any RecordSink) async throws -> FileDecision) async throws -> FileCounts {
        let fileID = try await database.query("SELECT COALESCE(MAX(file_id), 0) + 1 AS next FROM load_files", []).first?["next"].integer ?? 1
        if let dropped = try await deferral.deferIndexes(for: file, on: database) { deferral.record(dropped.table, dropped.indexes) }
        do {
            return try await loadOnce(file, fileID: fileID, direct: true, produce: produce)
        } catch let error as StoreError where error.code == .conflict {
            return try await loadOnce(file, fileID: fileID, direct: false, produce: produce)
        }
    }

    private func loadOnce(_ file: SourceFile, fileID: Int64, direct: Bool,
                          produce: (any RecordSink) async throws -> FileDecision) async throws -> FileCounts {
        let table = file.kind.table
        let stage = "rastro_stage_\(table)"
        let columns = KindTable.dataColumns(file.kind)
        try await database.execute("SAVEPOINT rastro_file", [])
        do {
            if !direct {
                try await database.execute("CREATE TEMP TABLE IF NOT EXISTS \(stage) AS SELECT * FROM \(table) WHERE false", [])
                try await database.execute("TRUNCATE \(stage)", [])
            }
            var decision = FileDecision(keep: false, rowsRead: 0, rejected: 0)
            var written = 0
            try await database.copy(into: direct ? table : stage, columns: direct ? columns + ["version", "is_current"] : columns) { writer in
                let sink = Sink(writer: writer, kind: file.kind, fileID: fileID, chunkBytes: configuration.copyChunkBytes,
                                suffix: direct ? "\t1\t1\n" : "\n")
                decision = try await produce(sink)
                try await sink.flush()
                written = sink.written
            }
            var counts = FileCounts()
            counts.rowsRead = decision.rowsRead
            counts.rejected = decision.rejected
            guard decision.keep else {
                try await database.execute("ROLLBACK TO SAVEPOINT rastro_file", [])
                try await database.execute("RELEASE SAVEPOINT rastro_file", [])
                counts.discarded = true
                return counts
            }
            if direct {
                counts.inserted = written
            } else {
                let (inserted, kept) = try await merge(stage: stage, table: table, columns: columns)
                counts.inserted = inserted
                counts.versioned = kept - inserted
                counts.unchanged = written - kept
            }
            let row = LoadFileRow.insert(fileID: fileID, loadID: loadID, file: file, counts: counts)
            try await database.execute(row.sql, row.binds)
            try await database.execute("RELEASE SAVEPOINT rastro_file", [])
            return counts
        } catch {
            try? await database.execute("ROLLBACK TO SAVEPOINT rastro_file", [])
            try? await database.execute("RELEASE SAVEPOINT rastro_file", [])
            throw error
        }
    }

    /// Keeps each staged row whose content differs from the row before it in the file for the same
    /// id (or, for the first, from the stored current version), numbers the kept versions after the
    /// current one, and makes the last of them current.
    private func merge(stage: String, table: String, columns: [String]) async throws -> (inserted: Int, kept: Int) {
        let list = columns.joined(separator: ", ")
        try await database.execute("DROP TABLE IF EXISTS rastro_kept", [])
        try await database.execute("""
            CREATE TEMP TABLE rastro_kept AS
            SELECT \(columns.map { "q.\($0)" }.joined(separator: ", ")),
                   COALESCE(q.current_version, 0) + row_number() OVER (PARTITION BY q.record_id ORDER BY q.line) AS new_version,
                   CASE WHEN row_number() OVER (PARTITION BY q.record_id ORDER BY q.line DESC) = 1 THEN 1 ELSE 0 END AS new_current
            FROM (
                SELECT s.*, c.version AS current_version, c.content_hash AS current_hash,
                       lag(s.content_hash) OVER (PARTITION BY s.record_id ORDER BY s.line) AS previous_hash
                FROM \(stage) s LEFT JOIN \(table) c ON c.record_id = s.record_id AND c.is_current = 1
            ) q
            WHERE q.content_hash IS DISTINCT FROM COALESCE(q.previous_hash, q.current_hash)
            """, [])
        try await database.execute("""
            UPDATE \(table) SET is_current = 0
            WHERE is_current = 1 AND record_id IN (SELECT record_id FROM rastro_kept)
            """, [])
        try await database.execute("""
            INSERT INTO \(table) (\(list), version, is_current)
            SELECT \(list), new_version, new_current FROM rastro_kept
            """, [])
        let row = try await database.query(
            "SELECT COUNT(*) FILTER (WHERE new_version = 1) AS inserted, COUNT(*) AS kept FROM rastro_kept", []).first
        try await database.execute("DROP TABLE rastro_kept", [])
        return (Int(row?["inserted"].integer ?? 0), Int(row?["kept"].integer ?? 0))
    }

    func commit(summary: String) async throws {
        try await deferral.rebuild(on: database)
        try await database.execute("UPDATE loads SET finished_at = ?, summary = ? WHERE load_id = ?",
                                   [.text(Store.now()), .text(summary), .text(loadID)])
        try await AuditChain.appendLoad(loadID: loadID, actor: actor, on: database)
        try await database.execute("COMMIT", [])
        finished = true
    }

    func rollback() async {
        guard !finished else { return }
        try? await database.execute("ROLLBACK", [])
        finished = true
    }

    /// Formats records as COPY text lines and sends them in chunks.
    final class Sink: RecordSink {
        private let writer: PostgresCopyFromWriter
        private let fileID: ByteBuffer
        private let hasChemical: Bool
        private let chunkBytes: Int
        private let suffix: StaticString
        private var buffer: ByteBuffer
        /// The COPY text of the last marking and the file id (`tlp\treleasable\toriginator\tfile\t`):
        /// rows of one file almost always share it.
        private var lastMarking: Marking?
        private var markingText = ByteBuffer()
        private(set) var written = 0

        init(writer: PostgresCopyFromWriter, kind: Kind, fileID: Int64, chunkBytes: Int, suffix: StaticString) {
            self.suffix = suffix
            self.writer = writer
            self.fileID = ByteBuffer(string: String(fileID))
            self.hasChemical = kind.schema.hasChemical
            self.chunkBytes = chunkBytes
            buffer = ByteBufferAllocator().buffer(capacity: chunkBytes + 4096)
        }

        func write(_ record: Record) async throws {
            // Work on a local buffer: one exclusive access to the stored one per row, not one per field.
            var out = ByteBuffer()
            swap(&out, &buffer)
            Self.append(record.id, to: &out); Self.tab(&out)
            Self.append(integer: record.contentHash, to: &out); Self.tab(&out)
            if record.marking != lastMarking {
                lastMarking = record.marking
                markingText.clear()
                Self.append(record.marking.tlp.rawValue, to: &markingText); Self.tab(&markingText)
                Self.append(record.marking.releasableToStored, to: &markingText); Self.tab(&markingText)
                Self.append(record.marking.originator, to: &markingText); Self.tab(&markingText)
                markingText.writeBytes(fileID.readableBytesView); Self.tab(&markingText)
            }
            out.writeImmutableBuffer(markingText)
            Self.append(integer: Int64(record.line), to: &out); Self.tab(&out)
            Self.appendOptional(record.attributesJSON, to: &out)
            for value in record.values {
                Self.tab(&out)
                switch value {
                case .null: out.writeStaticString("\\N")
                case .text(let text): Self.append(text, to: &out)
                case .number(let number): Self.append(number: number, to: &out)
                }
            }
            if hasChemical { Self.tab(&out); Self.appendOptional(record.chemicalRef, to: &out) }
            out.writeStaticString(suffix)
            let full = out.readableBytes >= chunkBytes
            swap(&out, &buffer)
            written += 1
            if full { try await flush() }
        }

        func flush() async throws {
            guard buffer.readableBytes > 0 else { return }
            try await writer.write(buffer)
            buffer.clear()
        }

        private static func tab(_ out: inout ByteBuffer) { out.writeInteger(UInt8(ascii: "\t")) }

        private static func appendOptional(_ text: String?, to out: inout ByteBuffer) {
            if let text { append(text, to: &out) } else { out.writeStaticString("\\N") }
        }

        /// Text format escaping: backslash, tab, newline and carriage return.
        private static func append(_ text: String, to out: inout ByteBuffer) {
            var text = text
            text.withUTF8 { bytes in
                let raw = UnsafeRawBufferPointer(bytes)
                var start = 0
                var index = 0
                let count = raw.count
                while index < count {
                    let byte = raw[index]
                    if byte == 0x5C || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                        if index > start { out.writeBytes(UnsafeRawBufferPointer(start: raw.baseAddress! + start, count: index - start)) }
                        switch byte {
                        case 0x5C: out.writeStaticString("\\\\")
                        case 0x09: out.writeStaticString("\\t")
                        case 0x0A: out.writeStaticString("\\n")
                        default: out.writeStaticString("\\r")
                        }
                        start = index + 1
                    }
                    index += 1
                }
                if start == 0 {
                    out.writeBytes(raw)
                } else if start < count {
                    out.writeBytes(UnsafeRawBufferPointer(start: raw.baseAddress! + start, count: count - start))
                }
            }
        }

        /// Decimal digits of an integer, without making a String.
        private static func append(integer value: Int64, to out: inout ByteBuffer) {
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
                var magnitude = value.magnitude
                var position = 20
                repeat {
                    position -= 1
                    digits[position] = UInt8(truncatingIfNeeded: 0x30 &+ magnitude % 10)
                    magnitude /= 10
                } while magnitude > 0
                if value < 0 { out.writeInteger(UInt8(ascii: "-")) }
                out.writeBytes(UnsafeRawBufferPointer(start: digits.baseAddress! + position, count: 20 - position))
            }
        }

        /// A double as decimal text that PostgreSQL reads back to the same double: whole numbers as
        /// integers; others with the fewest decimals (up to 15) that round-trip, found with
        /// integer arithmetic; anything else in Swift's shortest round-tripping form.
        private static func append(number value: Double, to out: inout ByteBuffer) {
            if let (mantissa, decimals) = DecimalText.fixed(value) {
                let magnitude = mantissa.magnitude
                if mantissa < 0 { out.writeInteger(UInt8(ascii: "-")) }
                let whole = magnitude / DecimalText.unitPowers[decimals]
                append(integer: Int64(whole), to: &out)
                guard decimals > 0 else { return }
                out.writeInteger(UInt8(ascii: "."))
                var fraction = magnitude % DecimalText.unitPowers[decimals]
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { digits in
                    for position in stride(from: decimals - 1, through: 0, by: -1) {
                        digits[position] = UInt8(truncatingIfNeeded: 0x30 &+ fraction % 10)
                        fraction /= 10
                    }
                    out.writeBytes(UnsafeRawBufferPointer(start: digits.baseAddress!, count: decimals))
                }
            } else {
                append(value.description, to: &out)
            }
        }
    }
}
