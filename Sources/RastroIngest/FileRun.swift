import RastroModel
import RastroStore

/// One file's pass: read, validate, hand valid records to the store, collect problems. It is the
/// state of the file's load: once a row fails without `skipInvalid`, writing stops and the file
/// is discarded at its end (the scan goes on, so that every bad row is reported).
struct FileRun {
    struct Context {
        var index: Int
        var count: Int
        var bytesBefore: Int
        var bytesTotal: Int
        var progress: (@Sendable (IngestProgress) -> Void)?
    }

    let input: InputFile
    let defaults: RowValidator.Defaults
    let options: IngestOptions
    let rejects: RejectsWriter?
    let context: Context
    private(set) var problems: [IngestError] = []
    private(set) var problemCount = 0
    private(set) var rowsRead = 0
    private(set) var rejectedRows = 0
    private var writing = true
    /// The last line whose rejects are in the rejects file, and the same at the start of this pass:
    /// a replayed pass does not write them twice.
    private var rejectsWrittenThrough = 0
    private var rejectsSkipThrough = 0

    init(input: InputFile, defaults: RowValidator.Defaults, options: IngestOptions, rejects: RejectsWriter?, context: Context) {
        self.input = input
        self.defaults = defaults
        self.options = options
        self.rejects = rejects
        self.context = context
    }

    mutating func fail(_ error: IngestError) {
        problemCount += 1
        if problems.count < options.maxProblemsPerFile { problems.append(error) }
    }

    /// Reads the whole file and hands its valid records to `sink`. May be called again when the
    /// store undid a first attempt: every count starts over.
    mutating func produce(into sink: any RecordSink) async throws -> FileDecision {
        problems = []
        problemCount = 0
        rowsRead = 0
        rejectedRows = 0
        writing = true
        rejectsSkipThrough = rejectsWrittenThrough
        let validator = RowValidator(kind: input.kind, file: input.path, defaults: defaults)
        var row = RawRow()
        var rowProblems: [IngestError] = []
        switch input.format {
        case .csv:
            var reader = try CSVReader(path: input.path, maxRecordBytes: options.maxRecordBytes)
            guard try reader.next(into: &row) else {
                throw IngestError(.file, file: input.path, reason: "empty file: no header row")
            }
            let header = (0..<row.count).map { row.string($0) }
            guard header.allSatisfy({ $0.utf8.count == row.range(header.firstIndex(of: $0)!).count }),
                  (0..<row.count).allSatisfy({ String(validating: row.storage[row.range($0)], as: UTF8.self) != nil })
            else { throw IngestError(.file, file: input.path, line: 1, reason: "the header is not UTF-8 text: not a CSV file") }
            try validator.bind(header: header, complete: true)
            while try reader.next(into: &row) {
                try await handle(row, validator: validator, header: header, problems: &rowProblems, sink: sink)
                if rowsRead & 0x3FFF == 0 { report(bytes: reader.bytesRead, finished: false) }
            }
            report(bytes: reader.bytesRead, finished: true)
        case .ndjson:
            var reader = try NDJSONReader(path: input.path, maxRecordBytes: options.maxRecordBytes)
            loop: while true {
                switch try reader.next(into: &row) {
                case .end:
                    break loop
                case .invalid(let line, let reason):
                    rowsRead += 1
                    reject(IngestError(.row, file: input.path, line: line, reason: reason), header: [], row: nil)
                case .row(let grew):
                    if grew { try validator.bind(header: reader.header, complete: false) }
                    try await handle(row, validator: validator, header: reader.header, problems: &rowProblems, sink: sink)
                }
                if rowsRead & 0x3FFF == 0 { report(bytes: reader.bytesRead, finished: false) }
            }
            report(bytes: reader.bytesRead, finished: true)
        }
        if rowsRead == 0, problemCount == 0 {
            throw IngestError(.file, file: input.path, reason: "no records (only a header, or nothing at all)")
        }
        return FileDecision(keep: writing, rowsRead: rowsRead, rejected: rejectedRows)
    }

    private mutating func handle(_ row: RawRow, validator: RowValidator, header: [String], problems: inout [IngestError],
                                 sink: any RecordSink) async throws {
        rowsRead += 1
        problems.removeAll(keepingCapacity: true)
        if let record = validator.validate(row, problems: &problems) {
            if writing { try await sink.write(record) }
            return
        }
        for (position, problem) in problems.enumerated() {
            reject(problem, header: header, row: position == 0 ? row : nil, countRow: position == 0)
        }
    }

    private mutating func reject(_ problem: IngestError, header: [String], row: RawRow?, countRow: Bool = true) {
        fail(problem)
        if countRow { rejectedRows += 1 }
        if let rejects {
            let line = problem.line ?? 0
            if line > rejectsSkipThrough {
                rejects.write(problem, kind: input.kind, header: header, row: row)
                rejectsWrittenThrough = max(rejectsWrittenThrough, line)
            }
        } else {
            writing = false
        }
    }

    private func report(bytes: Int, finished: Bool) {
        context.progress?(IngestProgress(file: input.path, fileIndex: context.index, fileCount: context.count,
                                         bytesDone: context.bytesBefore + bytes, bytesTotal: context.bytesTotal,
                                         rows: rowsRead, finishedFile: finished))
    }
}
