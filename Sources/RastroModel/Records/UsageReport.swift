/// A licensed user's periodic declaration of what it received, consumed and holds (`usage_reports`).
public struct UsageReport: Sendable, Hashable {
    public var reportID: String
    public var orgTaxID: String?
    public var orgName: String?
    public var chemical: ChemicalDeclaration
    public var periodStart: String
    public var periodEnd: String
    public var receivedKg: Double?
    public var consumedKg: Double?
    public var stockEndKg: Double?

    public init(_ record: Record) throws {
        try record.expect(.usageReports)
        reportID = record.id
        orgTaxID = record.string("org_tax_id")
        orgName = record.string("org_name")
        chemical = record.chemicalDeclaration()
        periodStart = try record.required("period_start")
        periodEnd = try record.required("period_end")
        receivedKg = record.double("received_kg")
        consumedKg = record.double("consumed_kg")
        stockEndKg = record.double("stock_end_kg")
    }
}
