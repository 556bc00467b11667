extension KindSchema {
    static let businessTypes = ["manufacturer", "distributor", "broker", "carrier", "pharmacy", "laboratory", "agency", "other"]
    static let trackSources = ["gps", "checkpoint", "aerial", "ais"]
    static let observationKinds = ["vehicle", "site_activity", "chemical_signature", "waste_dump", "other"]
    static let incidentKinds = ["seizure", "illicit_lab", "stopped_shipment", "suspicious_order", "theft"]

    /// The schema of each kind, as data contract v1 defines it.
    public static func of(_ kind: Kind) -> KindSchema { all[kind]! }

    private static let all: [Kind: KindSchema] = {
        var result: [Kind: KindSchema] = [:]
        for schema in definitions { result[schema.kind] = schema }
        return result
    }()

    private static let definitions: [KindSchema] = [
        KindSchema(kind: .organizations, fields: [
            Field("org_id", .identifier, required: true), Field("name", .text, required: true),
            Field("country", .country, required: true), Field("tax_id", .identifier),
            Field("business_type", .enumeration(businessTypes)), Field("address", .text), Field("city", .text),
            Field("state", .text), Field("postal_code", .identifier), Field("lat", .latitude), Field("lon", .longitude),
            Field("registered_on", .date), Field("representative", .text), Field("phone", .text), Field("email", .email),
        ], idFields: ["org_id"], oneOf: [], hasChemical: false),
        KindSchema(kind: .consignments, fields: [
            Field("consignment_id", .identifier, required: true), Field("arrival_date", .date, required: true),
            Field("port_locode", .locode, required: true), Field("chemical_cas", .cas), Field("chemical_name", .text),
            Field("quantity_kg", .quantity, required: true), Field("importer_name", .text, required: true),
            Field("importer_tax_id", .identifier), Field("importer_address", .text), Field("exporter_name", .text),
            Field("exporter_country", .country), Field("origin_port_locode", .locode), Field("hs_code", .hsCode),
            Field("bill_of_lading", .identifier), Field("vessel_imo", .identifier), Field("container_id", .identifier),
            Field("declared_use", .text), Field("pen_reference", .identifier),
        ], idFields: ["consignment_id"], oneOf: [["chemical_cas", "chemical_name"]], hasChemical: true),
        KindSchema(kind: .transfers, fields: [
            Field("transfer_id", .identifier, required: true), Field("date", .date, required: true),
            Field("chemical_cas", .cas), Field("chemical_name", .text), Field("quantity_kg", .quantity, required: true),
            Field("from_name", .text, required: true), Field("to_name", .text, required: true),
            Field("from_tax_id", .identifier), Field("to_tax_id", .identifier), Field("to_address", .text),
            Field("consignment_id", .identifier), Field("document_ref", .identifier),
        ], idFields: ["transfer_id"], oneOf: [["chemical_cas", "chemical_name"]], hasChemical: true),
        KindSchema(kind: .legs, fields: [
            Field("leg_id", .identifier, required: true), Field("vehicle_id", .identifier, required: true),
            Field("departed_at", .timestamp, required: true), Field("arrived_at", .timestamp),
            Field("origin_lat", .latitude), Field("origin_lon", .longitude),
            Field("destination_lat", .latitude), Field("destination_lon", .longitude),
            Field("carrier_name", .text), Field("transfer_id", .identifier), Field("consignment_id", .identifier),
        ], idFields: ["leg_id"], oneOf: [["transfer_id", "consignment_id"]], hasChemical: false),
        KindSchema(kind: .trackPoints, fields: [
            Field("vehicle_id", .identifier, required: true), Field("recorded_at", .timestamp, required: true),
            Field("lat", .latitude, required: true), Field("lon", .longitude, required: true),
            Field("source", .enumeration(trackSources)), Field("speed_kmh", .number(min: 0, max: 1_000)),
        ], idFields: ["vehicle_id", "recorded_at"], oneOf: [], hasChemical: false),
        KindSchema(kind: .usageReports, fields: [
            Field("report_id", .identifier, required: true), Field("org_tax_id", .identifier), Field("org_name", .text),
            Field("chemical_cas", .cas), Field("chemical_name", .text),
            Field("period_start", .date, required: true), Field("period_end", .date, required: true),
            Field("received_kg", .quantity), Field("consumed_kg", .quantity), Field("stock_end_kg", .quantity),
        ], idFields: ["report_id"], oneOf: [["org_tax_id", "org_name"], ["chemical_cas", "chemical_name"]], hasChemical: true),
        KindSchema(kind: .observations, fields: [
            Field("observation_id", .identifier, required: true), Field("observed_at", .timestamp, required: true),
            Field("lat", .latitude, required: true), Field("lon", .longitude, required: true),
            Field("kind", .enumeration(observationKinds), required: true), Field("confidence", .number(min: 0, max: 1)),
            Field("source", .text), Field("description", .text), Field("vehicle_id", .identifier),
        ], idFields: ["observation_id"], oneOf: [], hasChemical: false),
        KindSchema(kind: .incidents, fields: [
            Field("incident_id", .identifier, required: true), Field("date", .date, required: true),
            Field("kind", .enumeration(incidentKinds), required: true), Field("lat", .latitude), Field("lon", .longitude),
            Field("country", .country), Field("chemical_cas", .cas), Field("chemical_name", .text),
            Field("quantity_kg", .quantity), Field("entity_names", .list), Field("entity_tax_ids", .list),
            Field("description", .text),
        ], idFields: ["incident_id"], oneOf: [], hasChemical: true),
    ]
}
