import Foundation
import RastroIngest
import RastroModel
import RastroShare
@_spi(Testing) import RastroStore
import RastroTesting
import Testing

/// SQLite keeps the audit log in a file of its own beside the database (`PATH-audit`, migration
/// 0014), so that appending an entry leaves the database file's WAL, and its readers' caches, alone.
@Suite struct AuditFileTests {
    static func dataVersion(_ store: Store, _ schema: String) async throws -> Int64 {
        try #require(try await store.queryForTests("PRAGMA \(schema).data_version").first?.values.first?.integer)
    }

    static func read(_ number: Int) -> AuditEvent {
        AuditEvent(actor: "ana", organization: "MX-TEST", action: "read", objects: ["consignments/C-\(number)"])
    }

    @Test func anEntryChangesOnlyTheAuditFile() async throws {
        let test = try await TestStore.make(.sqlite)
        let reader = try await Store.open(test.store.url)
        guard case .sqlite(let path) = test.store.url else { Issue.record("not SQLite"); return }
        #expect(FileManager.default.fileExists(atPath: path + "-audit"))
        #expect(try await test.store.queryForTests("SELECT COUNT(*) FROM main.sqlite_master WHERE name = 'audit_log'")[0].values[0].integer == 0)

        let database = try await Self.dataVersion(reader, "main")
        let log = try await Self.dataVersion(reader, "audit")
        try await test.store.audit([Self.read(1)])
        #expect(try await Self.dataVersion(reader, "main") == database, "a read's entry leaves the database file alone")
        #expect(try await Self.dataVersion(reader, "audit") != log)
        #expect(try await reader.latestAuditEntry()?.event == Self.read(1), "another connection reads the entry")

        // A write changes the database file, and its entry reaches the chain.
        try await test.store.addMember(Member(orgID: "US-DEA", country: "US", name: "DEA"), by: test.settings.viewer)
        #expect(try await Self.dataVersion(reader, "main") != database)
        #expect(try await reader.latestAuditEntry()?.event.action == "org.add")
        #expect(try await test.store.verifyAudit().isIntact)
        await reader.close()
        await test.dispose()
    }

    /// A process killed after a write committed and before its entry joined the chain leaves the
    /// entry in the database's outbox; the next append or reader of the log chains it, once.
    @Test func anEntryLeftInTheOutboxJoinsTheChainOnce() async throws {
        let test = try await TestStore.make(.sqlite)
        let store = test.store
        let before = try #require(try await store.latestAuditEntry())
        try await store.executeForTests("""
            INSERT INTO audit_outbox (at, actor, org_id, action, objects, detail)
            VALUES ('2026-11-27T04:00:00.000Z', 'luis', 'MX-TEST', 'lead.create', 'lead/L-1', '')
            """)
        let other = try await Store.open(store.url)
        #expect(try await other.latestAuditEntry()?.event.action == "lead.create", "a reader of the log moves it first")
        try await store.audit([Self.read(2)])
        try await store.settleAudit()
        let entries = try await store.auditEntries(from: before.seq + 1)
        #expect(entries.map(\.event.action) == ["lead.create", "read"])
        #expect(entries[0].at == "2026-11-27T04:00:00.000Z", "the write's own time")
        #expect(entries[0].event.objects == ["lead/L-1"])
        #expect(try await store.verifyAudit().isIntact)

        // The next write deletes the outbox rows already chained, with its own.
        try await store.addMember(Member(orgID: "US-DEA", country: "US", name: "DEA"), by: test.settings.viewer)
        #expect(try await store.queryForTests("SELECT action FROM audit_outbox").compactMap { $0.values[0].text } == ["org.add"])
        #expect(try await store.auditEntries(from: before.seq + 1).map(\.event.action) == ["lead.create", "read", "org.add"])
        await other.close()
        await test.dispose()
    }

    @Test func aMissingAuditFileStopsTheStore() async throws {
        let test = try await TestStore.make(.sqlite)
        guard case .sqlite(let path) = test.store.url else { Issue.record("not SQLite"); return }
        await test.store.close()
        for suffix in ["-audit", "-audit-wal", "-audit-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        await #expect {
            _ = try await Store.open(test.store.url)
        } throws: { error in
            "\(error)".contains("the audit log of \(path) is missing")
        }
        #expect(!FileManager.default.fileExists(atPath: path + "-audit"), "no new, empty log in its place")
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }

    /// A new database beside another store's audit file does not adopt that log.
    @Test func aStrayAuditFileIsNotAdopted() async throws {
        let first = try await TestStore.make(.sqlite)
        try await first.store.audit([Self.read(3)])
        guard case .sqlite(let path) = first.store.url else { Issue.record("not SQLite"); return }
        await first.store.close()
        let folder = TestScratch.path("stray")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let second = folder.appendingPathComponent("rastro.db").path
        try FileManager.default.copyItem(atPath: path + "-audit", toPath: second + "-audit")
        if FileManager.default.fileExists(atPath: path + "-audit-wal") {
            try FileManager.default.copyItem(atPath: path + "-audit-wal", toPath: second + "-audit-wal")
        }
        let store = try await Store.open(.sqlite(path: second))
        await #expect {
            try await store.initialize(NodeSettings(organization: "MX-TEST", country: "MX"))
        } throws: { error in
            "\(error)".contains("holds") && "\(error)".contains("entries that are not in its log")
        }
        await store.close()
        try? FileManager.default.removeItem(at: folder)
        await first.dispose()
    }

    /// A write transaction locks the database file only, and an audited read the audit file only:
    /// a load that holds the database for minutes does not hold up a read that must commit its
    /// entry before it answers (a server's pages, `rastro show`), nor does such a read hold up a
    /// write. Both sides here give up after 300 ms instead of waiting 30 s.
    @Test func aLoadAndAnAuditedReadDoNotWaitForEachOther() async throws {
        let test = try await TestStore.make(.sqlite)
        _ = try await Ingestor(store: test.store, settings: test.settings, options: IngestOptions())
            .run([Fixtures.packageRoot + "/Examples/small"])
        var quick = StoreConfiguration()
        quick.busyTimeoutMilliseconds = 300
        let writer = try await Store.open(test.store.url, configuration: quick)
        let reader = try await Store.open(test.store.url, configuration: quick)
        let viewer = test.settings.viewer
        let id = try #require(try await reader.currentRecords(.consignments, viewer: viewer, limit: 1).first?.id)
        func show() async throws -> [StoredVersion] {
            try await reader.withAuditedRead({ try await reader.versions(of: .consignments, id: id, viewer: viewer) }, audit: {
                $0.isEmpty ? [] : [AuditEvent(viewer, "read", objects: ["consignments/" + id], detail: "show")]
            })
        }

        // A load holds the database's write lock until it ends.
        let load = try await writer.beginLoad(actor: "test")
        #expect(try await show().count == 1, "an audited lookup during the load")
        try await reader.audit([Self.read(7)])
        let busy = await #expect(throws: StoreError.self, "the load holds the database: another write waits, here 300 ms, then fails") {
            try await reader.addMember(Member(orgID: "US-DEA", country: "US", name: "DEA"), by: viewer)
        }
        #expect(busy?.code == .busy && busy?.description.hasPrefix("the store is busy") == true, "\(String(describing: busy))")
        await load.rollback()

        // An audited read locks nothing (its entry goes to the reader's journal, AuditJournal): a
        // write of the database commits meanwhile, and joins the chain at once; the reads join it
        // when the journal is folded, here by the next reader of the log.
        _ = try await reader.withAuditedRead({
            let versions = try await reader.versions(of: .consignments, id: id, viewer: viewer)
            try await writer.addMember(Member(orgID: "US-CBP", country: "US", name: "CBP"), by: viewer)
            return versions
        }, audit: { _ in [Self.read(8)] })
        try await writer.settleAudit()
        let last = try await test.store.auditEntries(from: 1, limit: 100_000).suffix(4).map(\.event)
        #expect(last.map(\.action) == ["read", "org.add", "read", "read"], "\(last)")
        #expect(last[0] == Self.read(7) && last[2].objects == ["consignments/" + id] && last[3] == Self.read(8))
        #expect(try await test.store.verifyAudit().isIntact)
        await writer.close()
        await reader.close()
        await test.dispose()
    }
}
