public import Foundation

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

    /// Runs `rastro arguments…` to completion and captures its output.
    public static func run(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil,
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
