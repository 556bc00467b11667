import RastroModel

/// Validates rows of one file against its kind's schema and builds `Record`s. Knows which column
/// feeds which field, marking, or extra attribute.
final class RowValidator {
    /// Marking values used when a row has no marking columns.
    struct Defaults {
        var tlp: TLP
        var originator: String
        var releasableTo: [String] = []
    }

    private enum Target {
        case field(Int)
        case tlp
        case releasableTo
        case originator
        case attribute(String)
    }

    let schema: KindSchema
    let file: String
    let defaults: Defaults
    private let parser: CellParser
    private var targets: [Target] = []
    private var header: [String] = []
    private let idIndexes: [Int]
    /// Field indexes of the rules that span fields, resolved once.
    private let oneOfIndexes: [(names: [String], indexes: [Int])]
    private let pairs: [(Int, Int)]
    private let ordered: [(Int, Int)]
    private let entityLists: (Int, Int)?
    private let chemicalIndexes: (cas: Int, name: Int)?
    /// Chemical resolutions already made in this file, keyed by CAS and name.
    private let chemicalCache = ChemicalCache()
    /// The marking of rows without marking columns, built once.
    private let defaultMarking: Marking
    /// Per field, resolved once so that the row loop copies no `Field` values.
    private let fieldTypes: [FieldType]
    private let requiredIndexes: [Int]
    /// The last row's marking cells (tlp, releasable_to, originator, each followed by 0) and marking.
    private var lastMarkingKey: [UInt8] = []
    private var lastMarking: Marking?

    init(kind: Kind, file: String, defaults: Defaults, catalog: ChemicalCatalog = .shipped, countries: Countries = .shipped) {
        schema = kind.schema
        self.file = file
        self.defaults = defaults
        parser = CellParser(catalog: catalog, countries: countries)
        defaultMarking = Marking(tlp: defaults.tlp, releasableTo: defaults.releasableTo, originator: defaults.originator)
        fieldTypes = kind.schema.fields.map(\.type)
        requiredIndexes = kind.schema.fields.indices.filter { kind.schema.fields[$0].required }
        idIndexes = kind.schema.idIndexes
        let schema = kind.schema
        oneOfIndexes = schema.oneOf.map { group in (group, group.compactMap(schema.index(of:))) }
        pairs = [("lat", "lon"), ("origin_lat", "origin_lon"), ("destination_lat", "destination_lon")].compactMap { pair in
            guard let first = schema.index(of: pair.0), let second = schema.index(of: pair.1) else { return nil }
            return (first, second)
        }
        ordered = [("departed_at", "arrived_at"), ("period_start", "period_end")].compactMap { pair in
            guard let first = schema.index(of: pair.0), let second = schema.index(of: pair.1) else { return nil }
            return (first, second)
        }
        entityLists = schema.index(of: "entity_names").flatMap { names in schema.index(of: "entity_tax_ids").map { (names, $0) } }
        chemicalIndexes = schema.hasChemical ? (schema.index(of: "chemical_cas")!, schema.index(of: "chemical_name")!) : nil
    }

    /// Maps header names (case-insensitive, trimmed) to fields. With `complete`, checks that the
    /// required columns are there (CSV headers; NDJSON rows are checked per row instead).
    func bind(header names: [String], complete: Bool) throws(IngestError) {
        var seen = Set<String>()
        header = names.map { $0.trimmingWhitespace().lowercased() }
        targets = []
        for name in header {
            guard !name.isEmpty else { throw IngestError(.file, file: file, line: 1, reason: "a column has no name") }
            guard seen.insert(name).inserted else {
                throw IngestError(.file, file: file, line: 1, column: name, reason: "the column appears twice")
            }
            if let index = schema.index(of: name) {
                targets.append(.field(index))
            } else {
                switch name {
                case "tlp": targets.append(.tlp)
                case "releasable_to": targets.append(.releasableTo)
                case "originator": targets.append(.originator)
                default: targets.append(.attribute(name))
                }
            }
        }
        guard complete else { return }
        for field in schema.fields where field.required && !seen.contains(field.name) {
            throw IngestError(.file, file: file, line: 1, column: field.name,
                              reason: "missing required column for \(schema.kind.rawValue)")
        }
        for group in schema.oneOf where !group.contains(where: seen.contains) {
            throw IngestError(.file, file: file, line: 1,
                              reason: "missing required column: one of \(group.joined(separator: ", ")) for \(schema.kind.rawValue)")
        }
    }

    /// Validates one row. Returns the record, or nil with every problem appended to `problems`.
    func validate(_ row: RawRow, problems: inout [IngestError]) -> Record? {
        let before = problems.count
        func fail(_ column: String?, _ reason: Reason) {
            problems.append(IngestError(.row, file: file, line: row.line, column: column, reason: reason.description))
        }
        if row.count != targets.count, row.present.allSatisfy({ $0 }) {
            fail(nil, .wrongFieldCount(expected: targets.count, found: row.count))
            return nil
        }
        var values = [FieldValue](repeating: .null, count: fieldTypes.count)
        var attributes: [Record.Attribute] = []
        var marked = false
        var markingCells: [Range<Int>?] = [nil, nil, nil]
        var marking = defaultMarking
        row.storage.withUnsafeBufferPointer { storage in
            for (column, target) in targets.enumerated() where row.present[column] {
                let range = row.range(column)
                var lower = range.lowerBound, upper = range.upperBound
                while lower < upper, Self.isSpace(storage[lower]) { lower += 1 }
                while upper > lower, Self.isSpace(storage[upper - 1]) { upper -= 1 }
                if lower == upper { continue }
                let bytes = UnsafeBufferPointer(rebasing: storage[lower..<upper])
                switch target {
                case .field(let index):
                    switch parser.parse(bytes, as: fieldTypes[index]) {
                    case .success(let value): values[index] = value
                    case .failure(let reason): fail(schema.fields[index].name, reason)
                    }
                case .tlp:
                    marked = true
                    markingCells[0] = lower..<upper
                case .releasableTo:
                    marked = true
                    markingCells[1] = lower..<upper
                case .originator:
                    marked = true
                    markingCells[2] = lower..<upper
                case .attribute(let name):
                    if let text = CellParser.utf8(bytes) {
                        attributes.append(Record.Attribute(name: name, value: text))
                    } else {
                        fail(name, .notUTF8)
                    }
                }
            }
        }
        if marked { marking = resolveMarking(row, markingCells, fail: fail) }
        for index in requiredIndexes where values[index] == .null {
            let name = schema.fields[index].name
            if !problems[before...].contains(where: { $0.column == name }) { fail(name, .missing) }
        }
        for (group, indexes) in oneOfIndexes {
            if indexes.allSatisfy({ values[$0] == .null }), !problems[before...].contains(where: { group.contains($0.column ?? "") }) {
                fail(group[0], .missingOneOf(group))
            }
        }
        // Rules across fields only make sense once every field is valid on its own.
        if problems.count == before { crossFieldChecks(values, fail: fail) }
        guard problems.count == before else { return nil }
        var id: String
        if idIndexes.count == 1 {
            id = values[idIndexes[0]].display
        } else {
            let parts = idIndexes.map { values[$0].display }
            id = String()
            id.reserveCapacity(parts.reduce(parts.count - 1) { $0 + $1.utf8.count })
            for (position, part) in parts.enumerated() {
                if position > 0 { id.append("@") }
                id.append(part)
            }
        }
        attributes.sort { $0.name < $1.name }
        var chemicalRef: String?
        if let (cas, name) = chemicalIndexes {
            chemicalRef = chemicalCache.resolve(cas: values[cas].text, name: values[name].text, catalog: parser.catalog)
        }
        return Record(kind: schema.kind, id: id, values: values, attributes: attributes,
                      marking: marking,
                      chemicalRef: chemicalRef, line: row.line)
    }

    /// The marking of a row with marking columns. Rows of one file nearly always repeat the same
    /// cells, so the last row's cells and marking are kept and reused when the bytes are equal.
    private func resolveMarking(_ row: RawRow, _ cells: [Range<Int>?], fail: (String?, Reason) -> Void) -> Marking {
        var key: [UInt8] = []
        row.storage.withUnsafeBufferPointer { storage in
            for cell in cells {
                if let cell { key.append(contentsOf: UnsafeBufferPointer(rebasing: storage[cell])) }
                key.append(0)
            }
        }
        if let last = lastMarking, key == lastMarkingKey { return last }
        var tlp = defaults.tlp
        var releasable = defaults.releasableTo
        var originator = defaults.originator
        var failed = false
        row.storage.withUnsafeBufferPointer { storage in
            func text(_ index: Int) -> String? {
                cells[index].map { CellParser.utf8(UnsafeBufferPointer(rebasing: storage[$0])) ?? "\u{FFFD}" }
            }
            if let value = text(0) {
                if let level = TLP(parsing: value) { tlp = level } else { fail("tlp", .tlp); failed = true }
            }
            if let value = text(1) {
                let tokens = value.split(separator: ";").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
                if tokens.allSatisfy(Marking.isValidParty) { releasable = tokens } else { fail("releasable_to", .party); failed = true }
            }
            if let value = text(2) {
                if Marking.isValidParty(value) { originator = value } else { fail("originator", .party); failed = true }
            }
        }
        let marking = Marking(tlp: tlp, releasableTo: releasable, originator: originator)
        if !failed {
            lastMarkingKey = key
            lastMarking = marking
        }
        return marking
    }

    /// Rules that span fields: coordinate pairs, time order, aligned lists.
    private func crossFieldChecks(_ values: [FieldValue], fail: (String?, Reason) -> Void) {
        let fields = schema.fields
        for (first, second) in pairs {
            if values[first] != .null, values[second] == .null { fail(fields[first].name, .pairIncomplete(fields[second].name)) }
            if values[second] != .null, values[first] == .null { fail(fields[second].name, .pairIncomplete(fields[first].name)) }
        }
        for (early, late) in ordered {
            if let start = values[early].text, let end = values[late].text, end < start { fail(fields[late].name, .before(fields[early].name)) }
        }
        if let (names, taxIDs) = entityLists, let nameList = values[names].text, let taxList = values[taxIDs].text,
           nameList.split(separator: ";", omittingEmptySubsequences: false).count
            != taxList.split(separator: ";", omittingEmptySubsequences: false).count {
            fail(fields[taxIDs].name, .listLengths(fields[names].name, fields[taxIDs].name))
        }
    }

    @inline(__always) static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }
}

/// Remembers how declared chemicals resolved, so that a file naming the same chemical a million
/// times folds its name once.
final class ChemicalCache {
    private struct Key: Hashable {
        var cas: String?
        var name: String?
    }

    private var resolved: [Key: String?] = [:]

    func resolve(cas: String?, name: String?, catalog: ChemicalCatalog) -> String? {
        let key = Key(cas: cas, name: name)
        if let known = resolved[key] { return known }
        let value = catalog.resolve(cas: cas, name: name)?.cas
        if resolved.count < 100_000 { resolved[key] = value }
        return value
    }
}
