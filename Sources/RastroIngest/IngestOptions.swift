public import RastroModel

/// How `rastro ingest` treats its input; every default is the contract's.
public struct IngestOptions: Sendable {
    /// Force the kind of every file instead of telling it from the file name. Default: from the name.
    public var kind: Kind?
    /// Load the good rows of a file that has bad ones, and write the bad ones to `rejectsPath`.
    /// Default: false (a file with a bad row is rejected whole).
    public var skipInvalid = false
    /// Where rejected rows go (NDJSON, one object per row with its reasons). Default with
    /// `skipInvalid`: `rastro-rejects.ndjson` in the working directory.
    public var rejectsPath: String?
    /// Originator of rows without an `originator` column. Default: the node's organization.
    public var originator: String?
    /// TLP of rows without a `tlp` column. Default: the node's default (AMBER).
    public var tlp: TLP?
    /// Releasable-to of rows without a `releasable_to` column. Default: nobody outside the originator.
    public var releasableTo: [String] = []
    /// The longest record accepted: 1 MiB. Longer means a broken file (or an unclosed quote).
    public var maxRecordBytes = 1 << 20
    /// Problems kept per file for the report: 100 (all are counted; all go to the rejects file).
    public var maxProblemsPerFile = 100

    public init() {}
}
