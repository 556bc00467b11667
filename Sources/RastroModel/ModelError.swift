/// An error of the model layer (catalog data, typed-record conversion).
public struct ModelError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String { case catalog, conversion }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// A shipped catalog file is malformed.
        public static let catalog = Code(.catalog)
        /// A stored record cannot become the typed value asked for.
        public static let conversion = Code(.conversion)
        public var description: String { base.rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
