import Foundation
import RastroTesting
import Testing

/// The tests' scratch folder: the folders of finished test processes are removed, those of running
/// ones are kept.
@Suite struct TestScratchTests {
    @Test func removesOnlyTheFoldersOfProcessesThatAreGone() throws {
        let temporary = TestScratch.path("stale-check")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        // A process that has exited: its pid is free.
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let gone = temporary.appendingPathComponent("rastro-tests-\(finished.processIdentifier)-0000aaaa")
        let running = temporary.appendingPathComponent("rastro-tests-\(ProcessInfo.processInfo.processIdentifier)-0000bbbb")
        let init1 = temporary.appendingPathComponent("rastro-tests-1-0000cccc")
        let other = temporary.appendingPathComponent("something-else-\(finished.processIdentifier)")
        for folder in [gone, running, init1, other] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("inner"), withIntermediateDirectories: true)
        }
        TestScratch.removeStale(in: temporary)
        #expect(!FileManager.default.fileExists(atPath: gone.path))
        #expect(FileManager.default.fileExists(atPath: running.path))
        #expect(FileManager.default.fileExists(atPath: init1.path))
        #expect(FileManager.default.fileExists(atPath: other.path))
    }

    @Test func fixturesAndStoresAreUnderTheProcessFolder() throws {
        let fixture = try Fixtures.folder(["a.csv": "x\n"])
        #expect(fixture.hasPrefix(TestScratch.root.path + "/"))
        #expect(TestBackend.sqlite.freshURL().hasPrefix("sqlite:" + TestScratch.root.path + "/"))
        #expect(TestScratch.root.lastPathComponent.hasPrefix("rastro-tests-\(ProcessInfo.processInfo.processIdentifier)-"))
    }
}
