/// The kinds of record in data contract v1, named as in the contract and in file names.
public enum Kind: String, CaseIterable, Sendable, Codable, Hashable, Comparable {
    case organizations
    case consignments
    case transfers
    case legs
    case trackPoints = "track_points"
    case usageReports = "usage_reports"
    case observations
    case incidents

    /// The SQL table that holds this kind's versions.
    public var table: String { rawValue }

    /// The kind's schema: its fields and requirements.
    public var schema: KindSchema { KindSchema.of(self) }

    public static func < (lhs: Kind, rhs: Kind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Tells the kind from a file name: `consignments.csv`, `consignments-2026-03.csv`,
    /// `Track_Points_day1.ndjson` … The longest kind name that starts the base name and is
    /// followed by its end, `-`, `_` or `.` wins.
    public static func fromFileName(_ name: String) -> Kind? {
        let base = name.lowercased()
        var best: Kind?
        for kind in allCases where base.hasPrefix(kind.rawValue) {
            let rest = base.dropFirst(kind.rawValue.count)
            guard let next = rest.first else { best = kind; continue }
            if next == "-" || next == "_" || next == "." {
                if best == nil || kind.rawValue.count > best!.rawValue.count { best = kind }
            }
        }
        return best
    }
}
