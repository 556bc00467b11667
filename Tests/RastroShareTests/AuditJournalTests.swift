import Foundation
import RastroModel
import RastroShare
@_spi(Testing) @testable import RastroStore
import RastroTesting
import Testing

/// On an SQLite store a read's audit entry goes to the store's read journal before the data is
/// returned, and joins the hash chain in batches (`AuditJournal`, docs/sharing.md "Audit").
@Suite struct AuditJournalTests {
    static func read(_ number: Int, objects: [String]? = nil) -> AuditEvent {
        AuditEvent(actor: "ana", organization: "MX-TEST", action: "read", objects: objects ?? ["consignments/C-\(number)"],
                   detail: "show")
    }

    static func journalRows(_ store: Store) async throws -> [(name: String, folded: Int64)] {
        try await store.queryForTests("SELECT name, folded FROM audit.audit_journals WHERE closed = 0 ORDER BY name").map {
            ($0.values[0].text ?? "", $0.values[1].integer ?? -1)
        }
    }

    static func size(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? -1
    }

    @Test func readsJoinTheChainOnceEachInOrder() async throws {
        let test = try await TestStore.make(.sqlite)
        let store = test.store
        let start = try #require(try await store.latestAuditEntry()).seq
        for number in 1...3 { try await store.auditRead([Self.read(number)]) }
        let path = try #require(store.readJournalPathForTests)
        #expect(try Self.size(path) > 0, "the reads are in the journal")
        #expect(try await store.queryForTests("SELECT COUNT(*) FROM audit_log")[0].values[0].integer == start,
                "and not yet in the chain")

        // Another connection reading the log folds the live journal, and leaves it to its owner.
        let other = try await Store.open(store.url)
        #expect(try await other.auditEntries(from: start + 1).map(\.event) == (1...3).map { Self.read($0) })
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try await Self.journalRows(other).map(\.folded) == [Int64(try Self.size(path))])

        // The owner goes on; closing folds the rest, once, and removes the journal.
        try await store.auditRead([Self.read(4), Self.read(5, objects: ["a", "b\nc", "ñandú/Ω"])])
        await store.close()
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try await Self.journalRows(other).isEmpty)
        let entries = try await other.auditEntries(from: start + 1)
        #expect(entries.map(\.event.objects) == [["consignments/C-1"], ["consignments/C-2"], ["consignments/C-3"],
                                                 ["consignments/C-4"], ["a", "b c", "ñandú/Ω"]])
        #expect(try await other.verifyAudit().isIntact)
        #expect(try await other.queryForTests("SELECT COUNT(*) FROM audit.audit_journals")[0].values[0].integer == 0,
                "a closed journal's row goes at the next fold")
        await other.close()
        await test.dispose()
    }

    @Test func theOwnerFoldsItsJournalEveryFewHundredReads() async throws {
        let test = try await TestStore.make(.sqlite)
        let store = test.store
        var number = 0
        while try await Self.journalRows(store).first?.folded ?? 0 == 0 {
            number += 1
            try await store.auditRead([Self.read(number)])
            try #require(number < 5_000, "no fold after 5,000 reads")
        }
        let folded = try #require(try await Self.journalRows(store).first).folded
        #expect(folded >= Int64(64 * 1024) && folded < Int64(64 * 1024 + 200))
        #expect(try await store.queryForTests("SELECT COUNT(*) FROM audit_log WHERE action = 'read'")[0].values[0].integer == Int64(number))
        await test.dispose()
    }

    /// The server's audit batcher folds off the request's path: asked not to fold, a read says
    /// when a fold is due and leaves it to `foldReadJournal`.
    @Test func aFoldCanBeLeftToTheCaller() async throws {
        let test = try await TestStore.make(.sqlite)
        let store = test.store
        var number = 0
        var due = false
        while !due {
            number += 1
            due = try await store.auditRead([Self.read(number)], foldWhenDue: false)
            try #require(number < 5_000, "no fold due after 5,000 reads")
        }
        #expect(try await Self.journalRows(store).first?.folded == 0, "not folded by the read")
        try await store.foldReadJournal()
        #expect(try await Self.journalRows(store).first?.folded ?? 0 >= Int64(64 * 1024))
        #expect(try await store.queryForTests("SELECT COUNT(*) FROM audit_log WHERE action = 'read'")[0].values[0].integer == Int64(number))
        await test.dispose()
    }

    /// A process killed after logging reads leaves its journal unlocked: the next reader of the log
    /// folds it, once, and removes it. A record cut off while being written is logged as such.
    @Test(arguments: [false, true])
    func anEndedProcesssJournalIsFoldedByTheNextReader(_ cutOff: Bool) async throws {
        let test = try await TestStore.make(.sqlite)
        let start = try #require(try await test.store.latestAuditEntry()).seq
        let killed = try await Store.open(test.store.url)
        try await killed.auditRead([Self.read(1)])
        try await killed.auditRead([Self.read(2)])
        let path = try #require(killed.readJournalPathForTests)
        let other = try await Store.open(test.store.url)
        #expect(try await other.auditEntries(from: start + 1).count == 2, "folded while its owner lives")
        try await killed.auditRead([Self.read(3)])
        killed.abandonReadJournalForTests()
        if cutOff {
            let handle = try #require(FileHandle(forWritingAtPath: path))
            try handle.seekToEnd()
            try handle.write(contentsOf: [40, 0, 0, 0, 1, 2])   // a header promising 40 bytes, cut short
            try handle.close()
        }
        // The owner's lock goes with its last descriptor. A process that another test of this run
        // spawns at that moment holds a copy of the descriptor until it execs, and the reader then
        // rightly takes the journal for live: it folds the whole records and leaves the rest to a
        // later reader. So read again, a bounded number of times, until the journal is gone.
        var entries = try await other.auditEntries(from: start + 1)
        for _ in 0..<100 where FileManager.default.fileExists(atPath: path) {
            try await Task.sleep(for: .milliseconds(20))
            entries = try await other.auditEntries(from: start + 1)
        }
        #expect(entries.prefix(3).map(\.event) == (1...3).map { Self.read($0) })
        #expect(entries.dropFirst(3).map(\.event.action) == (cutOff ? ["audit.journal-partial"] : []))
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try await Self.journalRows(other).isEmpty)
        #expect(try await other.verifyAudit().isIntact)
        await killed.close()
        await other.close()
        await test.dispose()
    }

    @Test func aJournalDeletedOrDamagedBeforeItsReadsJoinedTheChainIsReported() async throws {
        // Deleted while its owner lives.
        let test = try await TestStore.make(.sqlite)
        try await test.store.auditRead([Self.read(1)])
        let deleted = try #require(test.store.readJournalPathForTests)
        try FileManager.default.removeItem(atPath: deleted)
        let verification = try await Store.open(test.store.url).verifyAudit()
        #expect(verification.problem?.kind == .journal)
        #expect(verification.problem?.explanation.contains("is gone") == true)

        // A damaged record: the reads before it join the chain, it and those after it do not.
        let second = try await TestStore.make(.sqlite)
        let start = try #require(try await second.store.latestAuditEntry()).seq
        try await second.store.auditRead([Self.read(1)])
        let path = try #require(second.store.readJournalPathForTests)
        let firstRecord = try Self.size(path)
        try await second.store.auditRead([Self.read(2)])
        second.store.abandonReadJournalForTests()
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[firstRecord + 20] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: path))
        let reader = try await Store.open(second.store.url)
        let result = try await reader.verifyAudit()
        #expect(result.problem?.kind == .journal)
        #expect(result.problem?.explanation.contains("at byte \(firstRecord) is damaged") == true)
        #expect(try await reader.auditEntries(from: start + 1).map(\.event) == [Self.read(1)])
        #expect(FileManager.default.fileExists(atPath: path), "a damaged journal is kept for inspection")
        await reader.close()

        // A journal file with records that this log never registered (another copy's, say).
        let third = try await TestStore.make(.sqlite)
        try await third.store.auditRead([Self.read(1)])
        let own = try #require(third.store.readJournalPathForTests)
        let foreign = (own as NSString).deletingLastPathComponent + "/1-copied.journal"
        try FileManager.default.copyItem(atPath: own, toPath: foreign)
        let stranger = try await third.store.verifyAudit()
        #expect(stranger.problem?.kind == .journal)
        #expect(stranger.problem?.explanation.contains("1-copied.journal holds") == true, "\(String(describing: stranger.problem))")
        #expect(FileManager.default.fileExists(atPath: foreign), "left for whoever investigates")
        await test.dispose()
        await second.dispose()
        await third.dispose()
    }

    @Test func showReadsThroughTheJournal() async throws {
        let test = try await TestStore.make(.sqlite)
        let store = test.store
        let found = try await store.withAuditedRead({ 7 }, audit: { [Self.read($0)] })
        #expect(found == 7)
        #expect(store.readJournalPathForTests != nil)
        _ = try await store.withAuditedRead({ 0 }, audit: { _ in [] })
        #expect(try await store.recentAuditEntries(limit: 1).first?.event == Self.read(7))
        await test.dispose()
    }

    @Test func recordsRoundTripAndACutOrDamagedTailIsTold() throws {
        var bytes: [UInt8] = []
        AuditJournal.appendRecord(of: Self.read(1), at: "2026-11-27T23:00:00.000Z", to: &bytes)
        AuditJournal.appendRecord(of: Self.read(2, objects: []), at: "2026-11-27T23:00:00.001Z", to: &bytes)
        let whole = AuditJournal.decode(bytes[...], startingAt: 100)
        #expect(whole.records.map(\.event) == [Self.read(1), Self.read(2, objects: [])])
        #expect(whole.records.map(\.at) == ["2026-11-27T23:00:00.000Z", "2026-11-27T23:00:00.001Z"])
        #expect(whole.end == 100 + bytes.count && whole.ending == .clean)
        let cut = AuditJournal.decode(bytes.dropLast(3), startingAt: 0)
        #expect(cut.records.count == 1 && cut.ending == .partial(bytes: bytes.count - 3 - cut.end))
        var damaged = bytes
        damaged[cut.end + 12] ^= 0x20
        #expect(AuditJournal.decode(damaged[...], startingAt: 0).ending == .damaged(offset: cut.end))
        #expect(CRC32.checksum(Array("123456789".utf8)[...]) == 0xCBF4_3926)
    }
}
