/// An import declaration or bill of lading of a chemical (`consignments`).
public struct Consignment: Sendable, Hashable {
    public var consignmentID: String
    public var arrivalDate: String
    public var portLOCODE: String
    public var chemical: ChemicalDeclaration
    public var quantityKg: Double
    public var importerName: String
    public var importerTaxID: String?
    public var importerAddress: String?
    public var exporterName: String?
    public var exporterCountry: String?
    public var originPortLOCODE: String?
    public var hsCode: String?
    public var billOfLading: String?
    public var vesselIMO: String?
    public var containerID: String?
    public var declaredUse: String?
    /// The pre-export notification (PEN Online) the shipment answers.
    public var penReference: String?

    public init(_ record: Record) throws {
        try record.expect(.consignments)
        consignmentID = record.id
        arrivalDate = try record.required("arrival_date")
        portLOCODE = try record.required("port_locode")
        chemical = record.chemicalDeclaration()
        quantityKg = try record.requiredDouble("quantity_kg")
        importerName = try record.required("importer_name")
        importerTaxID = record.string("importer_tax_id")
        importerAddress = record.string("importer_address")
        exporterName = record.string("exporter_name")
        exporterCountry = record.string("exporter_country")
        originPortLOCODE = record.string("origin_port_locode")
        hsCode = record.string("hs_code")
        billOfLading = record.string("bill_of_lading")
        vesselIMO = record.string("vessel_imo")
        containerID = record.string("container_id")
        declaredUse = record.string("declared_use")
        penReference = record.string("pen_reference")
    }
}
