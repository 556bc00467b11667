public import RastroModel
public import RastroStore

/// What one file's load came to.
public struct FileReport: Sendable {
    public var file: InputFile
    public var counts: FileCounts
    /// The first problems (up to `IngestOptions.maxProblemsPerFile`), in file order.
    public var problems: [IngestError]
    /// All problems found, including those not kept.
    public var problemCount: Int
    /// Set when the whole file was refused (format, header, a broken record) or had bad rows.
    public var rejected: Bool { counts.discarded }
}

/// The outcome of an ingest run.
public struct IngestReport: Sendable {
    public var loadID: String?
    public var files: [FileReport] = []
    /// Where rejected rows were written, when any were.
    public var rejectsPath: String?

    /// Totals per kind, in contract order.
    public var totals: [(kind: Kind, counts: FileCounts)] {
        var byKind: [Kind: FileCounts] = [:]
        for file in files { byKind[file.file.kind, default: FileCounts()] = byKind[file.file.kind, default: FileCounts()] + file.counts }
        return Kind.allCases.compactMap { kind in byKind[kind].map { (kind, $0) } }
    }

    /// True when every row of every file was loaded.
    public var allLoaded: Bool { files.allSatisfy { !$0.rejected && $0.counts.rejected == 0 } }

    /// The summary kept with the load in the store.
    public var summaryJSON: String {
        let parts = totals.map { entry in
            "\"\(entry.kind.rawValue)\":{\"rows\":\(entry.counts.rowsRead),\"inserted\":\(entry.counts.inserted),\"versioned\":\(entry.counts.versioned),\"unchanged\":\(entry.counts.unchanged),\"rejected\":\(entry.counts.rejected)}"
        }
        return "{" + parts.joined(separator: ",") + "}"
    }
}

/// Progress of a running ingest, reported every few thousand rows and at each file's end.
public struct IngestProgress: Sendable {
    public var file: String
    public var fileIndex: Int
    public var fileCount: Int
    public var bytesDone: Int
    public var bytesTotal: Int
    public var rows: Int
    public var finishedFile: Bool
    /// Set once every file is read, when the load will build this many indexes before it
    /// commits (see `LoadTransaction.indexesToBuild`); 0 otherwise.
    public var buildingIndexes = 0
}
