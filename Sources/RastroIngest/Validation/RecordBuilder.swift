public import RastroModel

/// Builds records from named text cells with the same rules as a contract file's rows (for
/// sources that are not CSV or NDJSON files, such as STIX objects): each cell is a column name
/// (a field, `tlp`, `releasable_to`, `originator`, or an extra column kept as an attribute) and
/// its text; problems come back as `file:line: column: reason`.
public final class RecordBuilder {
    private let validator: RowValidator
    private var row = RawRow()

    /// `file` and the lines given to `build` name where the cells came from in problems.
    public init(kind: Kind, file: String, defaultTLP: TLP, defaultOriginator: String) {
        validator = RowValidator(kind: kind, file: file, defaults: .init(tlp: defaultTLP, originator: defaultOriginator))
    }

    /// The record the cells make, or nil and every problem with them.
    public func build(_ cells: [(column: String, text: String)], line: Int) -> (record: Record?, problems: [IngestError]) {
        do {
            try validator.bind(header: cells.map(\.column), complete: false)
        } catch {
            return (nil, [IngestError(.row, file: validator.file, line: line, column: error.column, reason: error.reason)])
        }
        row.reset(line: line)
        for cell in cells {
            row.storage.append(contentsOf: cell.text.utf8)
            row.endCell()
        }
        var problems: [IngestError] = []
        return (validator.validate(row, problems: &problems), problems)
    }
}
