public import RastroModel

/// One party mention with the attributes its record gives, as the contract's findings section
/// defines mentions: organization rows, importers, exporters, transfers' from and to, usage
/// reports' organizations, incidents' named parties.
public struct PartyMention: Sendable, Hashable {
    public var mention: Mention
    public var name: String
    public var taxID: String?
    public var address: String?
    public var city: String?
    public var state: String?
    public var postalCode: String?
    public var country: String?
    public var phone: String?
    public var email: String?
    public var representative: String?

    public init(mention: Mention, name: String, taxID: String? = nil, address: String? = nil, city: String? = nil, state: String? = nil,
                postalCode: String? = nil, country: String? = nil, phone: String? = nil, email: String? = nil,
                representative: String? = nil) {
        self.mention = mention
        self.name = name
        self.taxID = taxID
        self.address = address
        self.city = city
        self.state = state
        self.postalCode = postalCode
        self.country = country
        self.phone = phone
        self.email = email
        self.representative = representative
    }

    /// The mentions one record holds.
    public static func mentions(in record: Record) -> [PartyMention] {
        func text(_ field: String) -> String? {
            if case .text(let value) = record[field], !value.isEmpty { return value }
            return nil
        }
        switch record.kind {
        case .organizations:
            guard let name = text("name") else { return [] }
            return [PartyMention(mention: Mention(kind: .organizations, id: record.id, role: .self), name: name, taxID: text("tax_id"),
                                 address: text("address"), city: text("city"), state: text("state"), postalCode: text("postal_code"),
                                 country: text("country"), phone: text("phone"), email: text("email"),
                                 representative: text("representative"))]
        case .consignments:
            var out: [PartyMention] = []
            if let name = text("importer_name") {
                out.append(PartyMention(mention: Mention(kind: .consignments, id: record.id, role: .importer), name: name,
                                        taxID: text("importer_tax_id"), address: text("importer_address"), country: "MX"))
            }
            if let name = text("exporter_name") {
                out.append(PartyMention(mention: Mention(kind: .consignments, id: record.id, role: .exporter), name: name,
                                        country: text("exporter_country")))
            }
            return out
        case .transfers:
            var out: [PartyMention] = []
            if let name = text("from_name") {
                out.append(PartyMention(mention: Mention(kind: .transfers, id: record.id, role: .from), name: name, taxID: text("from_tax_id")))
            }
            if let name = text("to_name") {
                out.append(PartyMention(mention: Mention(kind: .transfers, id: record.id, role: .to), name: name, taxID: text("to_tax_id"),
                                        address: text("to_address")))
            }
            return out
        case .usageReports:
            guard text("org_name") != nil || text("org_tax_id") != nil else { return [] }
            return [PartyMention(mention: Mention(kind: .usageReports, id: record.id, role: .reporter),
                                 name: text("org_name") ?? "", taxID: text("org_tax_id"))]
        case .incidents:
            guard let names = text("entity_names") else { return [] }
            let taxIDs = text("entity_tax_ids")?.split(separator: ";", omittingEmptySubsequences: false).map(String.init) ?? []
            return names.split(separator: ";", omittingEmptySubsequences: false).enumerated().map { slot, name in
                let tax = slot < taxIDs.count && !taxIDs[slot].isEmpty ? taxIDs[slot] : nil
                return PartyMention(mention: Mention(kind: .incidents, id: "\(record.id)#\(slot)", role: .named),
                                    name: String(name), taxID: tax, country: text("country"))
            }
        default:
            return []
        }
    }
}
