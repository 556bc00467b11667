public import Foundation
@_spi(Testing) import RastroStore

/// Runs the built `rastro` executable, as users do.
public enum RastroProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// True when the process ended by a signal (a crash), not by exiting.
        public var crashed: Bool
    }

    /// The `rastro` binary next to the test bundle (`.build/debug/rastro`).
    public static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["RASTRO_BINARY"] { return URL(fileURLWithPath: path) }
        var url = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = url.appendingPathComponent("rastro")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: Fixtures.packageRoot).appendingPathComponent(".build/debug/rastro")
    }

    /// Starts `rastro arguments…` without waiting.
    public static func start(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil,
                             stdout: FileHandle? = nil, stderr: FileHandle? = nil, stdin: FileHandle? = nil) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["COLUMNS"] = "100"
        env.removeValue(forKey: "RASTRO_DATABASE")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardOutput = stdout ?? FileHandle.nullDevice
        process.standardError = stderr ?? FileHandle.nullDevice
        if let stdin { process.standardInput = stdin }
        try process.run()
        return process
    }

    /// Runs `rastro arguments…` to completion and captures its output, waiting on a thread of its
    /// own (`offThePool`), not on one of Swift's cooperative threads.
    public static func run(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil,
                           stdinText: String? = nil) async throws -> Result {
        try await offThePool { try runBlocking(arguments, environment: environment, directory: directory, stdinText: stdinText) }
    }

    /// `run` waiting on the calling thread: for a test's timed sequence that runs, whole, on a
    /// thread of its own (`offThePool`).
    public static func runBlocking(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil,
                                   stdinText: String? = nil) throws -> Result {
        let folder = TestScratch.path("run")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out"), err = folder.appendingPathComponent("err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
        var input: FileHandle?
        if let stdinText {
            let file = folder.appendingPathComponent("in")
            try Data(stdinText.utf8).write(to: file)
            input = try FileHandle(forReadingFrom: file)
        }
        let process = try start(arguments, environment: environment, directory: directory, stdout: outHandle, stderr: errHandle,
                                stdin: input)
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self),
                      crashed: process.terminationReason == .uncaughtSignal)
    }
}

extension Process {
    /// Waits for the process to end without holding a cooperative thread (`offThePool`).
    public func exited() async {
        _ = try? await offThePool { [self] in waitUntilExit() }
    }
}

/// Runs `body`, which blocks (waits for a child process, reads a pipe to its end, polls on a
/// schedule), on a thread of its own, and returns its result without holding one of Swift's
/// cooperative threads. The tests run in parallel in one process whose cooperative pool has as
/// many threads as the machine has cores (two here): two tests that waited for a `rastro` run
/// with `waitUntilExit` on them left none to the servers and stores other tests run in-process,
/// whose requests then timed out (a CI run's 503 test got no answer in 30 s).
public func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await onThreadOfItsOwn(named: "rastro-tests-blocking", body)
}
