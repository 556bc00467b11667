import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The read journals of an SQLite store: where a read's audit entry is written before the data is
/// returned, and from where it joins the hash chain in batches (docs/sharing.md, "Audit").
///
/// A committed SQLite transaction per read costs about twice the read itself (file locks, WAL
/// writes; docs/benchmarks.md). Instead each `Store` that logs reads owns one journal file in
/// `PATH-audit.journals/`: it appends the read's events with one `write` before the data is
/// returned. Like a commit in WAL mode with `synchronous=NORMAL` (the store's setting), the bytes
/// are in the kernel's page cache when the call returns: they survive the process being killed,
/// not a power cut. The journal's records join the chain (`AuditChain.foldJournals`) when the
/// owner has written `foldThreshold` bytes since its last fold, when it closes, and whenever any
/// process reads the log (`Store.settleAudit`): audit commands, checkpoints and verification see
/// every read logged so far.
///
/// - A journal is registered in the audit file (`audit_journals`, migration 0016) before its first
///   record, with how many of its bytes are in the chain; its row goes when its last record joins
///   the chain and the file is removed. A registered journal whose file is gone was deleted
///   before its reads were in the chain: `rastro audit verify` says so.
/// - The owner holds an exclusive `flock` on its file for its life. A process that finds the lock
///   free knows the owner has ended (closed, crashed or killed) and folds the rest and removes the
///   file; while it is held, others fold only whole records and leave the file.
/// - Records: a 4-byte little-endian length, a 4-byte CRC-32 of the payload, then the payload:
///   `rastro-read/1` and the time, actor, organization, action, objects (one per line) and detail
///   as netstrings. The CRC finds a record cut short or damaged; it is not a seal (the chain is).
final class AuditJournal: @unchecked Sendable {
    /// Bytes the owner writes before it folds its own journal into the chain (about 400 reads).
    static let foldThreshold = 64 * 1024
    static let tagText = "rastro-read/1"
    static let tag = Array(tagText.utf8)

    let directory: String
    private let lock = NSLock()
    private var file: (name: String, descriptor: Int32)?
    private var registered = false
    /// Bytes written to the own journal, and how many of them this process has folded.
    private var written = 0
    private var folded = 0

    init(databasePath: String) {
        directory = databasePath + "-audit.journals"
    }

    deinit {
        if let file { Glibc.close(file.descriptor) }
    }

    /// The own journal's name once it is registered.
    var ownName: String? {
        lock.withLock { registered ? file?.name : nil }
    }

    /// The own journal file's name, registered or not.
    var ownFileName: String? {
        lock.withLock { file?.name }
    }

    /// Creates the own journal file, locked and empty, unless it exists; returns its name and
    /// whether it still has to be registered.
    func create() throws -> (name: String, needsRegistration: Bool) {
        try lock.withLock {
            if let file { return (file.name, !registered) }
            // Files get the mode SQLite gives its own (0644), the folder whatever the umask allows,
            // as for the WAL files SQLite creates and removes beside the database: any process that
            // may write the audit log can then read, fold and remove another's journal.
            if mkdir(directory, 0o777) != 0 && errno != EEXIST {
                throw StoreError(.connection, "cannot create the read journal folder \(directory): \(Self.errorText())")
            }
            // Created and locked under a name no reader of the folder looks at, then renamed: a file
            // named `.journal` is always either locked by its owner or ended.
            let base = "\(getpid())-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
            let name = base + ".journal"
            let temporary = directory + "/" + base + ".new"
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw StoreError(.connection, "cannot create the read journal \(temporary): \(Self.errorText())") }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0, rename(temporary, path(of: name)) == 0 else {
                let reason = Self.errorText()
                Glibc.close(descriptor)
                unlink(temporary)
                throw StoreError(.connection, "cannot create the read journal \(path(of: name)): \(reason)")
            }
            file = (name, descriptor)
            return (name, true)
        }
    }

    /// Marks the own journal registered (its row is committed in the audit file).
    func markRegistered() {
        lock.withLock { registered = true }
    }

    /// Removes the own journal when its registration failed: it holds no record yet.
    func discardUnregistered() {
        lock.withLock {
            guard let file, !registered else { return }
            unlink(directory + "/" + file.name)
            Glibc.close(file.descriptor)
            self.file = nil
        }
    }

    /// Appends the records of `events` with one write; returns the bytes written and not yet
    /// folded by this process. Nothing is left half-written: a short write is cut back.
    func append(_ events: [AuditEvent], at: String) throws -> Int {
        var bytes: [UInt8] = []
        for event in events { Self.appendRecord(of: event, at: at, to: &bytes) }
        return try lock.withLock {
            guard let file, registered else { throw StoreError(.connection, "the read journal is not open") }
            let count = bytes.withUnsafeBytes { write(file.descriptor, $0.baseAddress, $0.count) }
            guard count == bytes.count else {
                let reason = count < 0 ? Self.errorText() : "short write"
                if count > 0 { _ = ftruncate(file.descriptor, off_t(written)) }
                throw StoreError(.connection, "cannot write the read journal \(directory)/\(file.name): \(reason)")
            }
            written += count
            return written - folded
        }
    }

    /// Records that the own journal is in the chain up to `bytes`.
    func noteFolded(_ bytes: Int) {
        lock.withLock { folded = max(folded, bytes) }
    }

    /// Closes and removes the own journal after its last record joined the chain (its row is
    /// gone); or only closes it (the lock is released, and the next reader of the log folds it).
    func closeOwn(remove: Bool) {
        lock.withLock {
            guard let file else { return }
            if remove { unlink(directory + "/" + file.name) }
            Glibc.close(file.descriptor)
            self.file = nil
            registered = false
        }
    }

    // MARK: Reading

    /// What a journal holds from a byte offset on.
    struct Scan {
        enum Ending: Equatable {
            /// Every byte read is in a whole record.
            case clean
            /// The file ends inside a record: its owner is still writing it, or died while writing.
            case partial(bytes: Int)
            /// The record at this offset fails its CRC or does not decode.
            case damaged(offset: Int)
        }
        var records: [(at: String, event: AuditEvent)] = []
        /// Offset just past the last whole record read.
        var end: Int
        var ending: Ending = .clean
    }

    /// A journal opened for folding or checking; `ownerEnded` when its lock could be taken (the
    /// descriptor keeps it until `close`).
    struct Opened {
        var descriptor: Int32
        var ownerEnded: Bool
        var size: Int

        /// Closes the descriptor, which releases the lock if it was taken.
        func release() {
            Glibc.close(descriptor)
        }
    }

    func path(of name: String) -> String { directory + "/" + name }

    /// Opens another process's (or a closed) journal for reading; nil when the file is gone. The
    /// own journal is never locked here: its owner is this process.
    func openForReading(_ name: String) throws -> Opened? {
        let descriptor = open(path(of: name), O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw StoreError(.connection, "cannot read the read journal \(path(of: name)): \(Self.errorText())")
        }
        let own = lock.withLock { file?.name == name }
        let ended = !own && flock(descriptor, LOCK_EX | LOCK_NB) == 0
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            Glibc.close(descriptor)
            throw StoreError(.connection, "cannot read the read journal \(path(of: name)): \(Self.errorText())")
        }
        return Opened(descriptor: descriptor, ownerEnded: ended, size: Int(status.st_size))
    }

    /// Reads the records of an opened journal from `offset` to its size when opened.
    static func scan(_ opened: Opened, from offset: Int, path: String) throws -> Scan {
        guard opened.size > offset else { return Scan(end: offset) }
        var bytes = [UInt8](repeating: 0, count: opened.size - offset)
        var read = 0
        while read < bytes.count {
            let count = bytes.withUnsafeMutableBytes { pread(opened.descriptor, $0.baseAddress! + read, $0.count - read, off_t(offset + read)) }
            guard count > 0 else {
                if count < 0, errno == EINTR { continue }
                if count == 0 { break }
                throw StoreError(.connection, "cannot read the read journal \(path): \(errorText())")
            }
            read += count
        }
        return decode(bytes[..<read], startingAt: offset)
    }

    /// Decodes whole records of `bytes` (which start at file offset `base`).
    static func decode(_ bytes: ArraySlice<UInt8>, startingAt base: Int) -> Scan {
        var scan = Scan(end: base)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            guard bytes.endIndex - index >= 8 else { scan.ending = .partial(bytes: bytes.endIndex - index); break }
            let length = Int(littleEndian32(bytes, index))
            let checksum = littleEndian32(bytes, index + 4)
            guard length <= 64 << 20 else { scan.ending = .damaged(offset: base + index - bytes.startIndex); break }
            guard bytes.endIndex - index - 8 >= length else { scan.ending = .partial(bytes: bytes.endIndex - index); break }
            let payload = bytes[(index + 8)..<(index + 8 + length)]
            guard CRC32.checksum(payload) == checksum, let record = decodePayload(payload) else {
                scan.ending = .damaged(offset: base + index - bytes.startIndex)
                break
            }
            scan.records.append(record)
            index += 8 + length
            scan.end = base + index - bytes.startIndex
        }
        return scan
    }

    // MARK: Encoding

    static func appendRecord(of event: AuditEvent, at: String, to bytes: inout [UInt8]) {
        let payload = AuditChain.netstrings(tag: tagText, [at, event.actor, event.organization, event.action,
                                                           AuditChain.encodeObjects(event.objects), event.detail])
        appendLittleEndian32(UInt32(payload.count), to: &bytes)
        appendLittleEndian32(CRC32.checksum(payload[...]), to: &bytes)
        bytes += payload
    }

    static func decodePayload(_ payload: ArraySlice<UInt8>) -> (at: String, event: AuditEvent)? {
        guard payload.starts(with: tag) else { return nil }
        var index = payload.startIndex + tag.count
        var fields: [String] = []
        while index < payload.endIndex {
            var length = 0
            while index < payload.endIndex, payload[index] != UInt8(ascii: ":") {
                let digit = payload[index]
                guard digit >= 0x30, digit <= 0x39, length < 1 << 40 else { return nil }
                length = length * 10 + Int(digit - 0x30)
                index += 1
            }
            guard index < payload.endIndex, payload.endIndex - index - 1 > length,
                  payload[index + 1 + length] == UInt8(ascii: ",") else { return nil }
            fields.append(String(decoding: payload[(index + 1)..<(index + 1 + length)], as: UTF8.self))
            index += length + 2
        }
        guard fields.count == 6 else { return nil }
        return (fields[0], AuditEvent(actor: fields[1], organization: fields[2], action: fields[3],
                                      objects: AuditChain.decodeObjects(fields[4]), detail: fields[5]))
    }

    static func littleEndian32(_ bytes: ArraySlice<UInt8>, _ index: Int) -> UInt32 {
        UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16 | UInt32(bytes[index + 3]) << 24
    }

    static func appendLittleEndian32(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    static func errorText() -> String {
        String(cString: strerror(errno))
    }
}

/// CRC-32 (IEEE 802.3, the one of zlib and PNG).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
