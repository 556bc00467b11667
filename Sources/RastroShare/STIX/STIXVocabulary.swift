public import RastroModel

/// The fixed objects every Rastro bundle carries: the TLP 2.0 marking definitions, Rastro's own
/// identity and the extension definition that declares Rastro's object types and properties.
public enum STIXVocabulary {
    /// The TLP 2.0 marking-definition extension (FIRST TLP 2.0 for STIX 2.1, OASIS common objects).
    public static let tlpExtension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

    /// The marking-definition ids that the TLP 2.0 extension fixes for each level.
    public static func markingID(_ tlp: TLP) -> String {
        switch tlp {
        case .clear: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
        case .green: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
        case .amber: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
        case .amberStrict: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
        case .red: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
        }
    }

    /// The TLP level of a marking-definition id: TLP 2.0's, and TLP 1.0's four (STIX 2.1 §7.2.1.4:
    /// WHITE is read as CLEAR).
    public static func tlp(ofMarking id: String) -> TLP? {
        if let level = TLP.allCases.first(where: { markingID($0) == id }) { return level }
        switch id {
        case "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": return .clear
        case "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": return .green
        case "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": return .amber
        case "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": return .red
        default: return nil
        }
    }

    /// The marking-definition object of a TLP 2.0 level, as the extension defines it.
    public static func markingDefinition(_ tlp: TLP) -> STIXObject {
        STIXObject([
            "type": .string("marking-definition"), "spec_version": .string("2.1"), "id": .string(markingID(tlp)),
            "created": .string("2022-10-01T00:00:00.000Z"), "name": .string(tlp.label),
            "extensions": .object([tlpExtension: .object(["extension_type": .string("property-extension"),
                                                          "tlp_2_0": .string(tlp.rawValue)])]),
        ])
    }

    /// When Rastro's mapping (and so its extension definition) was fixed.
    static let mappingTime = "2026-01-01T00:00:00.000Z"

    /// Rastro itself, the creator of its extension definition and of the ports' locations.
    public static let rastroIdentityID = STIXIdentifier.id("identity", "rastro/identity/rastro")

    public static var rastroIdentity: STIXObject {
        STIXObject([
            "type": .string("identity"), "spec_version": .string("2.1"), "id": .string(rastroIdentityID),
            "created": .string(mappingTime), "modified": .string(mappingTime), "name": .string("Rastro"),
            "identity_class": .string("system"),
            "description": .string("Rastro, the open-source platform that traces regulated precursor chemicals."),
        ])
    }

    /// The extension definition of Rastro's records in STIX.
    public static let extensionID = STIXIdentifier.id("extension-definition", "rastro/extension-definition/records-v1")

    /// The custom object types, by the kind each one carries.
    public static let customTypes: [Kind: String] = [
        .consignments: "x-rastro-consignment", .transfers: "x-rastro-transfer", .legs: "x-rastro-leg",
        .trackPoints: "x-rastro-track-point", .usageReports: "x-rastro-usage-report",
    ]

    /// The STIX type a kind's records become.
    public static func type(of kind: Kind) -> String {
        switch kind {
        case .organizations: "identity"
        case .incidents: "incident"
        case .observations: "sighting"
        default: customTypes[kind]!
        }
    }

    /// The properties Rastro adds to standard objects (declared as a top-level property extension).
    public static let properties = [
        "x_rastro_kind", "x_rastro_id", "x_rastro_fields", "x_rastro_attributes", "x_rastro_redacted", "x_rastro_version",
        "x_rastro_originator", "x_rastro_releasable_to", "x_rastro_org_id", "x_rastro_country", "x_rastro_lead", "x_rastro_lead_event",
    ]

    public static var extensionDefinition: STIXObject {
        STIXObject([
            "type": .string("extension-definition"), "spec_version": .string("2.1"), "id": .string(extensionID),
            "created": .string(mappingTime), "modified": .string(mappingTime), "created_by_ref": .string(rastroIdentityID),
            "name": .string("Rastro records"),
            "description": .string("""
                Rastro's data contract v1 in STIX 2.1: consignments, transfers, legs, track points and usage reports as new \
                objects (x-rastro-*), and the x_rastro_* properties that carry a record's kind, id, fields, releasability and \
                originator on every object Rastro writes.
                """),
            "schema": .string("Rastro docs/stix.md, mapping version 1"),
            "version": .string("1.0.0"),
            "extension_types": .array([.string("new-sdo"), .string("toplevel-property-extension")]),
            "extension_properties": .array(properties.map(STIXValue.string)),
        ])
    }

    /// The `extensions` property of an object of `type`.
    static func extensions(for type: String) -> STIXValue {
        let kind = type.hasPrefix("x-rastro-") ? "new-sdo" : "toplevel-property-extension"
        return .object([extensionID: .object(["extension_type": .string(kind)])])
    }

    /// The objects at the head of every export: the five marking definitions, Rastro's identity
    /// and the extension definition.
    public static var preamble: [STIXObject] {
        TLP.allCases.map(markingDefinition) + [rastroIdentity, extensionDefinition]
    }
}
