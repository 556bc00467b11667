import Crypto
import RastroModel
import Foundation

/// One thing someone did: a write, or a read of marked data.
public struct AuditEvent: Sendable, Hashable {
    /// The user (or, for the node's own jobs, the organization) that acted.
    public var actor: String
    /// The organization the actor acted for.
    public var organization: String
    /// What was done, e.g. `load`, `read`, `lead.send`.
    public var action: String
    /// The ids of what was touched (`kind/id`, a lead id, a user id …).
    public var objects: [String]
    /// Free text: the command, counts, a reason.
    public var detail: String

    public init(actor: String, organization: String, action: String, objects: [String] = [], detail: String = "") {
        self.actor = actor
        self.organization = organization
        self.action = action
        self.objects = objects
        self.detail = detail
    }

    /// How many object ids an entry lists; a read of more is summarized (see `read`).
    public static let listedObjectLimit = 1_000

    /// A read by `viewer` of `objects`. Up to `listedObjectLimit` ids are listed; a bigger read (a
    /// listing, an export) is logged as its count and the SHA-256 of its sorted, line-joined ids,
    /// which anyone holding a candidate list can recompute, so that the log stays small.
    public static func read(_ viewer: Viewer, objects: [String], detail: String) -> AuditEvent {
        guard objects.count > listedObjectLimit else { return AuditEvent(viewer, "read", objects: objects, detail: detail) }
        // A listing's page comes in id order already: checking that costs one comparison per id,
        // sorting a copy ~log2(n). Strictly increasing ids are exactly what `sorted()` would return.
        let inOrder = zip(objects, objects.dropFirst()).allSatisfy { $0 < $1 }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(objects.reduce(objects.count) { $0 + $1.utf8.count })
        for (index, object) in (inOrder ? objects : objects.sorted()).enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: "\n")) }
            bytes += object.utf8
        }
        let digest = AuditChain.hex(SHA256.hash(data: bytes))
        return AuditEvent(viewer, "read", objects: ["count:\(objects.count)", "sha256:" + digest], detail: detail)
    }

    /// The event of `viewer` doing `action`.
    public init(_ viewer: Viewer, _ action: String, objects: [String] = [], detail: String = "") {
        self.init(actor: viewer.actor, organization: viewer.organization, action: action, objects: objects, detail: detail)
    }
}

/// A stored audit entry: an event with its place in the chain.
public struct AuditEntry: Sendable, Hashable {
    public var seq: Int64
    public var at: String
    public var event: AuditEvent
    public var previousHash: String
    public var hash: String

    public init(seq: Int64, at: String, event: AuditEvent, previousHash: String, hash: String) {
        self.seq = seq
        self.at = at
        self.event = event
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// The hash chain of the audit log. Each entry's hash is SHA-256 over the previous entry's hash
/// (hex, the first entry uses 64 zeros) followed by the entry's canonical encoding: the tag
/// `rastro-audit/1` and then, as netstrings (`<byte length>:<bytes>,`), the sequence number, time,
/// actor, organization, action, the number of objects and each object, and the detail. Changing,
/// removing or reordering any entry changes every hash after it.
public enum AuditChain {
    public static let genesis = String(repeating: "0", count: 64)

    /// The canonical bytes of one entry (see the type's comment).
    public static func canonical(seq: Int64, at: String, event: AuditEvent) -> [UInt8] {
        netstrings(tag: "rastro-audit/1",
                   [String(seq), at, event.actor, event.organization, event.action, String(event.objects.count)]
                   + event.objects + [event.detail])
    }

    /// `tag` followed by each field as a netstring (`<byte length>:<bytes>,`): an encoding in which
    /// no two different lists of fields give the same bytes.
    public static func netstrings(tag: String, _ fields: [String]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(fields.reduce(tag.utf8.count) { $0 + $1.utf8.count + 8 })
        bytes += tag.utf8
        for text in fields { appendNetstring(text, to: &bytes) }
        return bytes
    }

    /// `<byte length>:<bytes>,` appended to `bytes`.
    static func appendNetstring(_ text: String, to bytes: inout [UInt8]) {
        let count = text.utf8.count
        if count < 10 {
            bytes.append(0x30 + UInt8(count))
        } else {
            bytes += String(count).utf8
        }
        bytes.append(UInt8(ascii: ":"))
        bytes += text.utf8
        bytes.append(UInt8(ascii: ","))
    }

    /// The entry's hash, lower-case hex: SHA-256 over `previous` (hex) and the canonical bytes.
    public static func hash(previous: String, seq: Int64, at: String, event: AuditEvent) -> String {
        var hasher = SHA256()
        var previous = previous
        previous.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        hasher.update(data: canonical(seq: seq, at: at, event: event))
        return hex(hasher.finalize())
    }

    /// The hash of a stored entry, recomputed from its content and its stored previous hash.
    public static func hash(of entry: AuditEntry) -> String {
        hash(previous: entry.previousHash, seq: entry.seq, at: entry.at, event: entry.event)
    }

    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Objects are stored one per line; an id never holds a line break (ids are validated at load).
    static func encodeObjects(_ objects: [String]) -> String {
        objects.map { $0.utf8.contains(UInt8(ascii: "\n")) ? $0.replacingOccurrences(of: "\n", with: " ") : $0 }.joined(separator: "\n")
    }

    static func decodeObjects(_ text: String) -> [String] {
        text.isEmpty ? [] : text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
    }

    /// The event as it will read back: objects are stored one per line.
    static func stored(_ event: AuditEvent) -> AuditEvent {
        AuditEvent(actor: event.actor, organization: event.organization, action: event.action,
                   objects: decodeObjects(encodeObjects(event.objects)), detail: event.detail)
    }

    /// Appends the events of a write inside the caller's open write transaction: they are in the
    /// log if the write commits, and not if it does not.
    ///
    /// On PostgreSQL they join the chain in that transaction. On SQLite the chain lives in a file
    /// of its own (migration 0014), and a commit that writes two WAL files is atomic in each file
    /// only: a process killed between the two would keep the write and lose its entry. So the
    /// events go into `audit_outbox` in the database file, committed with the write, and join the
    /// chain at the next chain append (`appendChained`, which takes them first) or
    /// `Store.settleAudit`, which every audited write calls after its commit. Outbox rows already
    /// in the chain are deleted here, with the write.
    static func append(_ events: [AuditEvent], on connection: any SQLConnection) async throws {
        guard !events.isEmpty else { return }
        guard connection.dialect == .sqlite else { return try await appendChained(events, on: connection) }
        try await connection.execute("DELETE FROM audit_outbox WHERE id <= (SELECT id FROM audit.audit_outbox_mark)", [])
        let at = Store.nowPrecise()
        for event in events.map(stored) {
            try await connection.execute("""
                INSERT INTO audit_outbox (at, actor, org_id, action, objects, detail) VALUES (?, ?, ?, ?, ?, ?)
                """, [.text(at), .text(event.actor), .text(event.organization), .text(event.action),
                      .text(encodeObjects(event.objects)), .text(event.detail)])
        }
    }

    /// Appends `events` to the chain inside the caller's open write transaction (SQLite's write
    /// lock is exclusive; PostgreSQL takes an advisory transaction lock). On SQLite the writes'
    /// events still in the outbox go first, in the order they were written, with their own times.
    /// `stamped` entries (read journals' records, with their own times) go after the outbox and
    /// before `events`.
    static func appendChained(_ events: [AuditEvent], stamped: [(at: String, event: AuditEvent)] = [],
                              on connection: any SQLConnection) async throws {
        var entries: [(at: String, event: AuditEvent)] = []
        var outboxMark: Int64?
        if connection.dialect == .postgres {
            guard !events.isEmpty else { return }
            try await connection.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.audit_log'))", [])
        } else {
            for row in try await connection.query(Self.pendingOutbox, []) {
                entries.append((row["at"].text ?? "", event(row)))
                outboxMark = row["id"].integer
            }
        }
        entries += stamped
        guard !events.isEmpty || !entries.isEmpty else { return }
        let at = Store.nowPrecise()
        entries += events.map { (at, stored($0)) }
        let last = try await connection.query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", []).first
        var seq = last?["seq"].integer ?? 0
        var previous = last?["hash"].text ?? genesis
        // Up to `insertBatch` entries per statement (a fold of a read journal brings hundreds).
        var binds: [SQLValue] = []
        binds.reserveCapacity(9 * min(entries.count, insertBatch))
        for (index, (at, event)) in entries.enumerated() {
            seq += 1
            let hash = hash(previous: previous, seq: seq, at: at, event: event)
            binds += [.integer(seq), .text(at), .text(event.actor), .text(event.organization), .text(event.action),
                      .text(encodeObjects(event.objects)), .text(event.detail), .text(previous), .text(hash)]
            previous = hash
            if binds.count == 9 * insertBatch || index == entries.count - 1 {
                try await connection.execute(insertStatement(rows: binds.count / 9), binds)
                binds.removeAll(keepingCapacity: true)
            }
        }
        if let outboxMark {
            try await connection.execute("UPDATE audit.audit_outbox_mark SET id = ?", [.integer(outboxMark)])
        }
    }

    static let insertBatch = 64

    /// `INSERT INTO audit_log … VALUES (…), …` for `rows` entries.
    static func insertStatement(rows: Int) -> String {
        "INSERT INTO audit_log (seq, at, actor, org_id, action, objects, detail, previous_hash, hash) VALUES "
            + Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", ")
    }

    /// The event of a row of the log or of the outbox (same column names).
    static func event(_ row: SQLRow) -> AuditEvent {
        AuditEvent(actor: row["actor"].text ?? "", organization: row["org_id"].text ?? "", action: row["action"].text ?? "",
                   objects: decodeObjects(row["objects"].text ?? ""), detail: row["detail"].text ?? "")
    }

    /// Moves the writes' events still in the outbox into the chain, in a transaction of the audit
    /// file alone (SQLite; PostgreSQL has no outbox).
    static func settle(on connection: any SQLConnection) async throws {
        guard connection.dialect == .sqlite,
              try await connection.query("SELECT EXISTS (\(pendingOutbox)) AS pending", []).first?["pending"].integer == 1
        else { return }
        try await appendInTransaction([], on: connection)
    }

    /// `appendChained` in a write transaction of its own (on SQLite it writes the audit file alone).
    static func appendInTransaction(_ events: [AuditEvent], on connection: any SQLConnection) async throws {
        try await connection.beginWrite(.auditLog)
        do {
            try await appendChained(events, on: connection)
            try await connection.execute("COMMIT")
        } catch {
            try? await connection.execute("ROLLBACK")
            throw error
        }
    }

    /// The writes' events not yet in the chain (SQLite), oldest first.
    static let pendingOutbox = """
        SELECT id, at, actor, org_id, action, objects, detail FROM audit_outbox
        WHERE id > (SELECT id FROM audit.audit_outbox_mark) ORDER BY id
        """

    /// Appends one event of the node's own organization (read in the same transaction), for the
    /// store's writes: loads, analysis runs, resolution runs and decisions.
    static func appendNodeEvent(actor: String, action: String, objects: [String], detail: String = "",
                                on connection: any SQLConnection) async throws {
        let organization = try await connection.query("SELECT value FROM node_settings WHERE key = 'organization'", [])
            .first?["value"].text ?? ""
        try await append([AuditEvent(actor: actor, organization: organization, action: action, objects: objects, detail: detail)],
                         on: connection)
    }

    /// Appends the `load` event of a load about to commit: its id, and one line per file it kept
    /// (path, kind and counts).
    static func appendLoad(loadID: String, actor: String, on connection: any SQLConnection) async throws {
        let files = try await connection.query("""
            SELECT path, kind, rows_read, inserted, versioned, unchanged, rejected FROM load_files WHERE load_id = ? ORDER BY file_id
            """, [.text(loadID)])
        let detail = files.map { row in
            let counts = ["rows_read", "inserted", "versioned", "unchanged", "rejected"].map { "\($0)=\(row[$0].integer ?? 0)" }
            return ([row["path"].text ?? "", row["kind"].text ?? ""] + counts).joined(separator: " ")
        }.joined(separator: "\n")
        try await appendNodeEvent(actor: actor, action: "load", objects: ["load/\(loadID)"], detail: detail, on: connection)
    }
}

extension Store {
    /// Appends events to the audit log in their own transaction (reads, and writes that have no
    /// transaction of their own). On SQLite this transaction writes the audit file alone.
    public func audit(_ events: [AuditEvent]) async throws {
        try await AuditChain.appendInTransaction(events, on: connection)
    }

    /// Runs `body` in one write transaction that also appends `events` to the audit log: both are
    /// there, or neither.
    public func withAuditedTransaction<T>(_ events: [AuditEvent], _ body: () async throws -> T) async throws -> T {
        try await connection.beginWrite(.database)
        let result: T
        do {
            result = try await body()
            try await AuditChain.append(events, on: connection)
            try await connection.execute("COMMIT")
        } catch {
            try? await connection.execute("ROLLBACK")
            throw error
        }
        await settleAuditAfterWrite()
        return result
    }

    /// Moves the events that writes left in the outbox into the chain (SQLite; nothing to do on
    /// PostgreSQL). Every reader of the log calls it first, so the log it reads is whole.
    public func settleAudit() async throws {
        try await AuditChain.settle(on: connection)
        if let journal { try await foldAllJournals(journal) }
    }

    /// `settleAudit` after a committed write. The write and its entries are committed whatever
    /// happens here: if the chain cannot take them now (the audit file busy past the timeout), they
    /// stay in the outbox and the next append or reader of the log moves them.
    func settleAuditAfterWrite() async {
        try? await settleAudit()
    }

    /// Runs a small read (a record, a lead) and logs it before returning it. No entry when
    /// `events` gives none (nothing was found). On an SQLite store with a file the entries go to
    /// the read journal (`auditRead`). Elsewhere the read and its entries share one write
    /// transaction: the entry commits before the data is returned, the read needs no transaction
    /// of its own, and the audit log's write lock is held while `read` runs, so this is for
    /// lookups; a scan reads first and then audits.
    public func withAuditedRead<T>(_ read: () async throws -> T, audit events: (T) -> [AuditEvent]) async throws -> T {
        if journal != nil {
            let result = try await read()
            try await auditRead(events(result))
            return result
        }
        try await connection.beginWrite(.auditLog)
        do {
            let result = try await read()
            try await AuditChain.appendChained(events(result), on: connection)
            try await connection.execute("COMMIT")
            return result
        } catch {
            try? await connection.execute("ROLLBACK")
            throw error
        }
    }

    /// Audit entries in order, from `seq` (inclusive), at most `limit`.
    public func auditEntries(from seq: Int64 = 1, limit: Int = 10_000) async throws -> [AuditEntry] {
        try await settleAudit()
        return try await connection.query("""
            SELECT seq, at, actor, org_id, action, objects, detail, previous_hash, hash FROM audit_log
            WHERE seq >= ? ORDER BY seq LIMIT ?
            """, [.integer(seq), .integer(Int64(limit))]).map(Self.auditEntry)
    }

    static func auditEntry(_ row: SQLRow) -> AuditEntry {
        AuditEntry(seq: row["seq"].integer ?? 0, at: row["at"].text ?? "", event: AuditChain.event(row),
                   previousHash: row["previous_hash"].text ?? "", hash: row["hash"].text ?? "")
    }

    /// Time with milliseconds, UTC, for audit entries (`2026-11-26T00:43:29.123Z`).
    static func nowPrecise() -> String {
        let milliseconds = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        let fraction = Int(milliseconds % 1000)
        return Timestamp.format(epoch: milliseconds / 1000,
                                fraction: [UInt8(0x30 + fraction / 100), UInt8(0x30 + fraction / 10 % 10), UInt8(0x30 + fraction % 10)][...])
    }
}
