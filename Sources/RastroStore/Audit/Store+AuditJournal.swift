import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension AuditChain {
    /// What a fold of read journals leaves to do once its transaction has ended: files to remove
    /// (only if it committed) and descriptors to close (which releases their locks).
    struct JournalFold {
        var descriptors: [Int32] = []
        var removable: [String] = []
        /// How far the own journal is in the chain, when it was folded.
        var ownFolded: Int?
        var ownRemoved = false

        func finish(_ journal: AuditJournal, committed: Bool) {
            if committed { for name in removable { unlink(journal.path(of: name)) } }
            for descriptor in descriptors { close(descriptor) }
        }
    }

    /// Appends the whole records of the registered read journals (`onlyOwn`: this store's own) to
    /// the chain, inside the caller's open write transaction of the audit file, and records how
    /// far each is folded. A journal whose owner has ended (`closingOwn` for the own one) and whose
    /// records are all in the chain is marked closed, and its file is removed after the commit; a
    /// later fold deletes the closed row (removing the file first if a crash left it). So a file
    /// is never left unregistered while it holds records outside the chain. A cut-off last record
    /// (a process killed while writing it; the read was not answered) is logged as an
    /// `audit.journal-partial` entry. A damaged record stops its journal's fold there; `rastro
    /// audit verify` reports it.
    static func foldJournals(_ journal: AuditJournal, onlyOwn: Bool, closingOwn: Bool,
                             on connection: any SQLConnection) async throws -> JournalFold {
        var fold = JournalFold()
        let own = journal.ownName
        if onlyOwn && own == nil { return fold }
        let rows = try await connection.query(
            "SELECT name, folded, closed FROM audit.audit_journals" + (onlyOwn ? " WHERE name = ?" : "") + " ORDER BY opened_at, name",
            onlyOwn ? [.text(own ?? "")] : [])
        var stamped: [(at: String, event: AuditEvent)] = []
        var updates: [(name: String, folded: Int, remove: Bool)] = []
        do {
            for row in rows {
                let name = row["name"].text ?? ""
                let folded = Int(row["folded"].integer ?? 0)
                if row["closed"].integer == 1 {
                    // Wholly in the chain: the file can go before the row does.
                    unlink(journal.path(of: name))
                    try await connection.execute("DELETE FROM audit.audit_journals WHERE name = ?", [.text(name)])
                    continue
                }
                guard let opened = try journal.openForReading(name) else { continue }
                fold.descriptors.append(opened.descriptor)
                let ended = opened.ownerEnded || (closingOwn && name == own)
                let scan = try AuditJournal.scan(opened, from: folded, path: journal.path(of: name))
                stamped += scan.records
                var remove = false
                if ended {
                    switch scan.ending {
                    case .clean:
                        remove = true
                    case .partial(let bytes):
                        remove = true
                        stamped.append((Store.nowPrecise(), AuditEvent(actor: "rastro", organization: try await nodeOrganization(connection),
                                                                        action: "audit.journal-partial", objects: ["journal/" + name],
                                                                        detail: "\(bytes) bytes of a record cut off at byte \(scan.end)")))
                    case .damaged:
                        remove = false
                    }
                }
                if name == own {
                    fold.ownFolded = scan.end
                    fold.ownRemoved = remove
                }
                if remove || scan.end != folded { updates.append((name, scan.end, remove)) }
            }
            try await appendChained([], stamped: stamped, on: connection)
            for update in updates {
                if update.remove {
                    fold.removable.append(update.name)
                    try await connection.execute("UPDATE audit.audit_journals SET folded = ?, closed = 1 WHERE name = ?",
                                                 [.integer(Int64(update.folded)), .text(update.name)])
                } else {
                    try await connection.execute("UPDATE audit.audit_journals SET folded = ? WHERE name = ?",
                                                 [.integer(Int64(update.folded)), .text(update.name)])
                }
            }
        } catch {
            fold.finish(journal, committed: false)
            throw error
        }
        return fold
    }

    static func nodeOrganization(_ connection: any SQLConnection) async throws -> String {
        try await connection.query("SELECT value FROM node_settings WHERE key = 'organization'", []).first?["value"].text ?? ""
    }
}

extension Store {
    /// Logs reads of marked data. On an SQLite store with a file, the entries go to this store's
    /// read journal with one write before this returns, and join the chain in batches
    /// (`AuditJournal`); elsewhere (PostgreSQL, an in-memory store) they are committed to the
    /// chain here. Either way they are in the log before the caller returns the data.
    ///
    /// When the journal is due for a fold, this folds it before returning, unless `foldWhenDue` is
    /// false: then it returns true, and the caller runs `foldReadJournal` when it suits (the
    /// server's audit batcher does, off the request's path).
    @discardableResult
    public func auditRead(_ events: [AuditEvent], foldWhenDue: Bool = true) async throws -> Bool {
        guard !events.isEmpty else { return false }
        guard let journal, try await openJournal(journal) else {
            try await audit(events)
            return false
        }
        let unfolded = try journal.append(events, at: Self.nowPrecise())
        guard unfolded >= AuditJournal.foldThreshold else { return false }
        guard foldWhenDue else { return true }
        // The records are safe in the journal; a busy audit file only postpones the fold.
        try? await foldOwnJournal(journal, closing: false)
        return false
    }

    /// Folds this store's read journal into the chain now (nothing to do without one).
    public func foldReadJournal() async throws {
        if let journal { try await foldOwnJournal(journal, closing: false) }
    }

    /// Creates and registers the own journal the first time; false when it cannot be registered
    /// (a store whose audit file predates migration 0016), so that entries go to the chain directly.
    private func openJournal(_ journal: AuditJournal) async throws -> Bool {
        let (name, needsRegistration) = try journal.create()
        guard needsRegistration else { return true }
        do {
            try await connection.beginWrite(.auditLog)
            do {
                try await connection.execute("INSERT INTO audit.audit_journals (name, folded, opened_at) VALUES (?, 0, ?)",
                                             [.text(name), .text(Self.nowPrecise())])
                try await connection.execute("COMMIT")
            } catch {
                try? await connection.execute("ROLLBACK")
                throw error
            }
        } catch {
            journal.discardUnregistered()
            if try await hasJournalTable() { throw error }
            return false
        }
        journal.markRegistered()
        return true
    }

    private func hasJournalTable() async throws -> Bool {
        try await !connection.query("SELECT 1 FROM audit.sqlite_master WHERE type = 'table' AND name = 'audit_journals'", []).isEmpty
    }

    /// Folds the own journal into the chain in a transaction of the audit file; `closing` also
    /// removes it once all of it is in.
    func foldOwnJournal(_ journal: AuditJournal, closing: Bool) async throws {
        guard journal.ownName != nil else { return }
        let fold = try await fold(journal, onlyOwn: true, closingOwn: closing)
        if fold.ownRemoved { journal.closeOwn(remove: false) }
    }

    /// Folds every registered read journal (live ones up to their last whole record), and removes
    /// empty journal files of ended processes left unregistered (a crash before the registration
    /// committed). An unregistered file with records is left alone: `auditJournalProblems` names it.
    func foldAllJournals(_ journal: AuditJournal) async throws {
        guard try await hasJournalTable() else { return }
        let registered = Set(try await connection.query("SELECT name FROM audit.audit_journals", []).compactMap { $0["name"].text })
        removeStrayJournals(journal, registered: registered)
        guard !registered.isEmpty else { return }
        _ = try await fold(journal, onlyOwn: false, closingOwn: false)
    }

    /// `AuditChain.foldJournals` in a write transaction of the audit file; the files it leaves are
    /// removed and closed once the transaction has ended.
    private func fold(_ journal: AuditJournal, onlyOwn: Bool, closingOwn: Bool) async throws -> AuditChain.JournalFold {
        try await connection.beginWrite(.auditLog)
        var folded: AuditChain.JournalFold?
        do {
            folded = try await AuditChain.foldJournals(journal, onlyOwn: onlyOwn, closingOwn: closingOwn, on: connection)
            try await connection.execute("COMMIT")
        } catch {
            try? await connection.execute("ROLLBACK")
            folded?.finish(journal, committed: false)
            throw error
        }
        let fold = folded ?? AuditChain.JournalFold()
        fold.finish(journal, committed: true)
        if let bytes = fold.ownFolded { journal.noteFolded(bytes) }
        return fold
    }

    private func removeStrayJournals(_ journal: AuditJournal, registered: Set<String>) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: journal.directory) else { return }
        for name in names where name.hasSuffix(".journal") && !registered.contains(name) && name != journal.ownFileName {
            guard let opened = try? journal.openForReading(name) else { continue }
            if opened.ownerEnded && opened.size == 0 { unlink(journal.path(of: name)) }
            opened.release()
        }
    }

    /// What is wrong with the read journals, in words: a registered journal whose file is gone
    /// (deleted before its reads joined the chain), or a damaged record. Call after `settleAudit`.
    public func auditJournalProblems() async throws -> [String] {
        guard let journal, try await hasJournalTable() else { return [] }
        var problems: [String] = []
        let all = try await connection.query("SELECT name, folded, closed FROM audit.audit_journals ORDER BY opened_at, name", [])
        let registered = Set(all.compactMap { $0["name"].text })
        let rows = all.filter { $0["closed"].integer != 1 }
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: journal.directory)) ?? []).sorted()
        where name.hasSuffix(".journal") && !registered.contains(name) {
            guard let opened = try journal.openForReading(name) else { continue }
            defer { opened.release() }
            if opened.ownerEnded && opened.size > 0 {
                problems.append("read journal \(name) holds \(opened.size) bytes but is not registered in this audit log: "
                                + "it belongs to another copy of the store, or its registration was removed")
            }
        }
        for row in rows {
            let name = row["name"].text ?? ""
            let folded = Int(row["folded"].integer ?? 0)
            guard let opened = try journal.openForReading(name) else {
                problems.append("read journal \(name) is gone: the reads logged in it after its first \(folded) bytes never joined the chain")
                continue
            }
            defer { opened.release() }
            if opened.size < folded {
                problems.append("read journal \(name) is shorter (\(opened.size) bytes) than the \(folded) bytes already in the chain: it was cut")
                continue
            }
            if case .damaged(let offset) = try AuditJournal.scan(opened, from: folded, path: journal.path(of: name)).ending {
                problems.append("read journal \(name): the record at byte \(offset) is damaged, so it and the reads after it are not in the chain")
            }
        }
        return problems
    }
}

extension Store {
    /// The own read journal's path once this store has logged a read (SQLite with a file).
    @_spi(Testing)
    public var readJournalPathForTests: String? {
        guard let journal, let name = journal.ownFileName else { return nil }
        return journal.path(of: name)
    }

    /// Lets the own read journal go without folding it, as a process killed after its reads does:
    /// its lock is released and its records stay in the file.
    @_spi(Testing)
    public func abandonReadJournalForTests() {
        journal?.closeOwn(remove: false)
    }
}
