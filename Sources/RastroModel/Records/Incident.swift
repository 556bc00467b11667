/// A seizure, dismantled illicit lab, stopped shipment, suspicious order or theft (`incidents`).
public struct Incident: Sendable, Hashable {
    public var incidentID: String
    public var date: String
    public var kind: String
    public var position: Coordinate?
    public var country: String?
    public var chemical: ChemicalDeclaration
    public var quantityKg: Double?
    /// The parties the report names, aligned by position; nil halves are unknown.
    public var namedParties: [NamedParty]
    public var description: String?

    /// The n-th party an incident names; its mention id is `INCIDENT_ID#n`.
    public struct NamedParty: Sendable, Hashable {
        public var name: String?
        public var taxID: String?
    }

    public init(_ record: Record) throws {
        try record.expect(.incidents)
        incidentID = record.id
        date = try record.required("date")
        kind = try record.required("kind")
        position = Coordinate(lat: record.double("lat"), lon: record.double("lon"))
        country = record.string("country")
        chemical = record.chemicalDeclaration()
        quantityKg = record.double("quantity_kg")
        let names = Self.slots(record.string("entity_names"))
        let taxIDs = Self.slots(record.string("entity_tax_ids"))
        namedParties = (0..<max(names.count, taxIDs.count)).map { index in
            NamedParty(name: index < names.count ? names[index] : nil, taxID: index < taxIDs.count ? taxIDs[index] : nil)
        }
        description = record.string("description")
    }

    static func slots(_ list: String?) -> [String?] {
        guard let list else { return [] }
        return list.split(separator: ";", omittingEmptySubsequences: false).map { slot in
            let value = slot.trimmingWhitespace()
            return value.isEmpty ? nil : value
        }
    }
}
