/// A custody change — a sale, delivery or return between parties (`transfers`).
public struct Transfer: Sendable, Hashable {
    public var transferID: String
    public var date: String
    public var chemical: ChemicalDeclaration
    public var quantityKg: Double
    public var fromName: String
    public var toName: String
    public var fromTaxID: String?
    public var toTaxID: String?
    public var toAddress: String?
    /// The import the lot is traceable to, when known.
    public var consignmentID: String?
    public var documentRef: String?

    public init(_ record: Record) throws {
        try record.expect(.transfers)
        transferID = record.id
        date = try record.required("date")
        chemical = record.chemicalDeclaration()
        quantityKg = try record.requiredDouble("quantity_kg")
        fromName = try record.required("from_name")
        toName = try record.required("to_name")
        fromTaxID = record.string("from_tax_id")
        toTaxID = record.string("to_tax_id")
        toAddress = record.string("to_address")
        consignmentID = record.string("consignment_id")
        documentRef = record.string("document_ref")
    }
}
