public import RastroModel

/// Field redaction: personal data is withheld from readers outside the originator's country
/// unless the originator released the record to the reader's organization by name.
///
/// | kind | personal fields |
/// | --- | --- |
/// | organizations | representative, phone, email |
/// | incidents | entity_names, entity_tax_ids, description |
/// | observations | description |
/// | any | extra columns (attributes): their content is unknown, so they are treated as personal |
///
/// A reader sees them when it is the originator, when its country is the originator's country,
/// or when the record's releasable-to names its organization (a country is not enough). The
/// node's own processing reads them (`Viewer.Purpose.processing`) and never displays them.
public struct Redactor: Sendable {
    public static let personalFields: [Kind: [String]] = [
        .organizations: ["representative", "phone", "email"],
        .incidents: ["entity_names", "entity_tax_ids", "description"],
        .observations: ["description"],
    ]

    public let viewer: Viewer
    /// Organization id (upper-cased) → country, for the node and its members.
    public let countries: [String: String]

    public init(viewer: Viewer, countries: [String: String]) {
        self.viewer = viewer
        self.countries = countries
    }

    /// The country of an originator: a member's registered country; else, by the convention that
    /// agency ids start with their country (`MX-SAT`, `US-DEA`), that prefix when it is a country
    /// code; else unknown.
    public func country(of originator: String) -> String? {
        let key = originator.uppercased()
        if let country = countries[key] { return country }
        let prefix = key.split(separator: "-", maxSplits: 1).first.map(String.init) ?? ""
        return prefix.count == 2 && Countries.shipped.contains(prefix) && key.count > 3 ? prefix : nil
    }

    /// True when personal fields of a record with `marking` are withheld from the viewer.
    public func withholds(_ marking: Marking) -> Bool {
        if viewer.purpose == .processing { return false }
        let organization = viewer.organization.uppercased()
        if marking.originator.uppercased() == organization { return false }
        if marking.releasableTo.contains(organization) { return false }
        return country(of: marking.originator) != viewer.country
    }

    public func redacted(_ record: Record) -> Record {
        var record = record
        apply(&record)
        return record
    }

    /// Removes the personal fields the viewer may not see and lists them in `redactedFields`.
    public func apply(_ record: inout Record) {
        guard Self.personalFields[record.kind] != nil || !record.attributes.isEmpty, withholds(record.marking) else { return }
        for name in Self.personalFields[record.kind] ?? [] {
            guard let index = record.kind.schema.index(of: name), record.values[index] != .null else { continue }
            record.values[index] = .null
            record.redactedFields.append(name)
        }
        if !record.attributes.isEmpty {
            record.redactedFields += record.attributes.map(\.name)
            record.attributes = []
        }
    }
}

extension Store {
    /// The redactor for `viewer` (reads the member directory once).
    public func redactor(for viewer: Viewer) async throws -> Redactor {
        Redactor(viewer: viewer, countries: viewer.purpose == .processing ? [:] : try await memberCountries())
    }
}
