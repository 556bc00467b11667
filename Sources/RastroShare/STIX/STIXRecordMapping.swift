import RastroModel
import RastroStore

/// A record's version as STIX objects (docs/stix.md):
///
/// | kind | STIX |
/// | --- | --- |
/// | organizations | `identity` (identity_class organization) |
/// | incidents | `incident` |
/// | observations | `sighting` of a `location` (the observed place) |
/// | consignments, transfers, legs, track_points, usage_reports | `x-rastro-consignment`, … (new SDOs) |
///
/// Every record object carries the record whole in `x_rastro_*` properties (kind, id, fields,
/// extra columns, version), its marking as `object_marking_refs` (TLP 2.0) plus
/// `x_rastro_releasable_to`, and its originator as `created_by_ref` (the originator's identity)
/// plus `x_rastro_originator`. A redacted record lists the fields it lost in `x_rastro_redacted`.
enum STIXRecordMapping {
    /// The extra column in which a copy received without some fields names them.
    static let redactedAttribute = "x_rastro_redacted"

    static func objects(_ exported: ExportedVersion) -> [STIXObject] {
        let record = exported.record
        let type = STIXVocabulary.type(of: record.kind)
        let created = STIXTime.format(exported.firstLoadedAt) ?? STIXVocabulary.mappingTime
        var modified = STIXTime.format(exported.loadedAt, extraMilliseconds: exported.version - 1) ?? created
        if modified < created { modified = created }
        var properties = common(type: type, id: STIXIdentifier.record(type, originator: record.marking.originator, kind: record.kind,
                                                                      id: record.id),
                                marking: record.marking, created: created, modified: modified)
        properties["x_rastro_kind"] = .string(record.kind.rawValue)
        properties["x_rastro_id"] = .string(record.id)
        properties["x_rastro_version"] = .integer(exported.version)
        var fields: [String: STIXValue] = [:]
        for (field, value) in zip(record.kind.schema.fields, record.values) {
            switch value {
            case .null: continue
            case .text(let text): fields[field.name] = .string(text)
            case .number(let number): fields[field.name] = .number(number)
            }
        }
        properties["x_rastro_fields"] = .object(fields)
        // A copy stored without some fields (received redacted) keeps their names in the attribute
        // `x_rastro_redacted`; they are withheld again on every export of it.
        var withheld = Set(record.redactedFields.filter { $0 != STIXRecordMapping.redactedAttribute })
        var attributes: [String: STIXValue] = [:]
        for attribute in record.attributes {
            if attribute.name == STIXRecordMapping.redactedAttribute {
                withheld.formUnion(attribute.value.split(separator: ";").map(String.init))
            } else {
                attributes[attribute.name] = .string(attribute.value)
            }
        }
        if record.redactedFields.contains(STIXRecordMapping.redactedAttribute) { withheld.insert(STIXRecordMapping.redactedAttribute) }
        if !attributes.isEmpty { properties["x_rastro_attributes"] = .object(attributes) }
        if !withheld.isEmpty { properties["x_rastro_redacted"] = .array(withheld.sorted().map(STIXValue.string)) }
        var extra: [STIXObject] = []
        switch record.kind {
        case .organizations:
            properties["name"] = .string(record["name"].text ?? record.id)
            properties["identity_class"] = .string("organization")
        case .incidents:
            properties["name"] = .string("\(record["kind"].text ?? "incident") \(record.id)")
            if let description = record["description"].text { properties["description"] = .string(description) }
        case .observations:
            var place = common(type: "location", id: STIXIdentifier.id("location", "\(record.marking.originator)/observations-location/\(record.id)"),
                               marking: record.marking, created: created, modified: modified)
            place["latitude"] = .number(record["lat"].number ?? 0)
            place["longitude"] = .number(record["lon"].number ?? 0)
            place.removeValue(forKey: "extensions")
            place.removeValue(forKey: "x_rastro_originator")
            place.removeValue(forKey: "x_rastro_releasable_to")
            let placeObject = STIXObject(place)
            extra.append(placeObject)
            properties["sighting_of_ref"] = .string(placeObject.id)
            let seen = STIXTime.format(record["observed_at"].text ?? "") ?? created
            properties["first_seen"] = .string(seen)
            properties["last_seen"] = .string(seen)
            properties["count"] = .integer(1)
            if let confidence = record["confidence"].number { properties["confidence"] = .integer(Int((confidence * 100).rounded())) }
            if let description = record["description"].text { properties["description"] = .string(description) }
        default:
            properties["name"] = .string("\(record.kind.rawValue) \(record.id)")
        }
        return [STIXObject(properties)] + extra
    }

    /// The properties every object Rastro writes for a marked thing has.
    static func common(type: String, id: String, marking: Marking, created: String, modified: String) -> [String: STIXValue] {
        var properties: [String: STIXValue] = [
            "type": .string(type), "spec_version": .string("2.1"), "id": .string(id), "created": .string(created),
            "modified": .string(modified), "created_by_ref": .string(STIXIdentifier.organization(marking.originator)),
            "object_marking_refs": .array([.string(STIXVocabulary.markingID(marking.tlp))]),
            "x_rastro_originator": .string(marking.originator),
            "extensions": STIXVocabulary.extensions(for: type),
        ]
        if !marking.releasableTo.isEmpty { properties["x_rastro_releasable_to"] = .array(marking.releasableTo.map(STIXValue.string)) }
        return properties
    }

    /// A relationship that `source` (a record's object) states, marked with the most restrictive
    /// of the two ends' markings.
    static func relationship(from source: Record, sourceID: String, type: String, to targetID: String, targetMarking: Marking,
                             created: String, modified: String) -> STIXObject {
        let marking = Marking.mostRestrictive([source.marking, targetMarking], originator: source.marking.originator)
        var properties = common(type: "relationship",
                                id: STIXIdentifier.id("relationship", "\(source.marking.originator)/relationships/\(source.kind.rawValue)/\(source.id)/\(type)/\(targetID)"),
                                marking: marking, created: created, modified: modified)
        properties["relationship_type"] = .string(type)
        properties["source_ref"] = .string(sourceID)
        properties["target_ref"] = .string(targetID)
        return STIXObject(properties)
    }

    /// A port (UN/LOCODE) as a location: public knowledge, TLP:CLEAR, by Rastro.
    static func port(_ locode: String) -> STIXObject {
        STIXObject([
            "type": .string("location"), "spec_version": .string("2.1"), "id": .string(STIXIdentifier.id("location", "rastro/location/\(locode)")),
            "created": .string(STIXVocabulary.mappingTime), "modified": .string(STIXVocabulary.mappingTime),
            "created_by_ref": .string(STIXVocabulary.rastroIdentityID), "name": .string(locode),
            "country": .string(String(locode.prefix(2))),
            "object_marking_refs": .array([.string(STIXVocabulary.markingID(.clear))]),
        ])
    }
}
