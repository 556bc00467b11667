/// A problem with input: a whole file (`file: reason`) or one cell of a row (`file:line: column: reason`).
/// The text names the place and the rule, never the value (values may be personal data).
public struct IngestError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String { case file, row, usage }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The file cannot be loaded at all (format, header, size, unknown kind).
        public static let file = Code(.file)
        /// One row breaks a rule of the contract.
        public static let row = Code(.row)
        /// The command was asked something impossible (no such path, bad option).
        public static let usage = Code(.usage)
        public var description: String { base.rawValue }
    }

    public let code: Code
    public let file: String
    public let line: Int?
    public let column: String?
    public let reason: String

    public init(_ code: Code, file: String, line: Int? = nil, column: String? = nil, reason: String) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var description: String {
        var out = file
        if let line { out += ":\(line)" }
        out += ": "
        if let column { out += "\(column): " }
        return out + reason
    }
}
