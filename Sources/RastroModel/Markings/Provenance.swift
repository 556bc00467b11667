/// Where a stored version came from: the load, the file and the line of its first physical line.
public struct Provenance: Sendable, Hashable, Codable {
    public var loadID: String
    public var sourceFile: String
    public var line: Int
    public var loadedAt: String

    public init(loadID: String, sourceFile: String, line: Int, loadedAt: String) {
        self.loadID = loadID
        self.sourceFile = sourceFile
        self.line = line
        self.loadedAt = loadedAt
    }
}
