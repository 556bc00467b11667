/// An error of RastroShare. `description` says what failed and where, and never carries record
/// values or key material; `debugDescription` adds the underlying cause.
public struct ShareError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String { case signingKey, keyMismatch, auditBroken, checkpointFile, stixInput, federation }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The node's signing key is missing, unreadable or not configured.
        public static let signingKey = Code(.signingKey)
        /// The signing key is not the key the node recorded for its audit log.
        public static let keyMismatch = Code(.keyMismatch)
        /// The audit log fails verification, so it will not be signed.
        public static let auditBroken = Code(.auditBroken)
        /// A checkpoint file cannot be read or written, or is not one.
        public static let checkpointFile = Code(.checkpointFile)
        /// Publishing to a collection or loading a partner's objects cannot be done.
        public static let federation = Code(.federation)
        /// STIX input that cannot be loaded: not JSON, not a bundle, or an object that breaks a rule
        /// (the message lists each problem as `source:line: column: reason`); nothing was written.
        public static let stixInput = Code(.stixInput)
        public var description: String { base.rawValue }
    }

    public let code: Code
    public let message: String
    /// The underlying cause (a system error); never shown by default.
    public let detail: String?

    public init(_ code: Code, _ message: String, detail: String? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
    }

    public var description: String { message }
    public var debugDescription: String { detail.map { "\(message) (\($0))" } ?? message }
}
