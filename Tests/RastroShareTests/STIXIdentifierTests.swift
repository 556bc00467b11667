import Foundation
import RastroModel
@testable import RastroShare
import Testing

/// UUIDv5 ids, TLP 2.0 markings and STIX timestamps.
@Suite struct STIXIdentifierTests {
    @Test func uuidV5MatchesTheRFCExample() throws {
        // RFC 9562 appendix A.4: the DNS namespace and "www.example.com".
        let dns = try #require(STIXIdentifier.uuidBytes("6ba7b810-9dad-11d1-80b4-00c04fd430c8"))
        #expect(STIXIdentifier.uuidV5(namespace: dns, name: "www.example.com") == "2ed6657d-e927-568b-95e1-2665a8aea6a2")
    }

    @Test func recordIDsAreStableAndDependOnOriginatorKindAndID() {
        let one = STIXIdentifier.record("x-rastro-consignment", originator: "MX-SAT", kind: .consignments, id: "C-1")
        #expect(one == STIXIdentifier.record("x-rastro-consignment", originator: "MX-SAT", kind: .consignments, id: "C-1"))
        #expect(one.hasPrefix("x-rastro-consignment--") && STIXIdentifier.isValid(one))
        let version = one.dropFirst("x-rastro-consignment--".count).dropFirst(14).first
        #expect(version == "5")
        #expect(one != STIXIdentifier.record("x-rastro-consignment", originator: "MX-SEMAR", kind: .consignments, id: "C-1"))
        #expect(one != STIXIdentifier.record("x-rastro-consignment", originator: "MX-SAT", kind: .transfers, id: "C-1"))
        #expect(one != STIXIdentifier.record("x-rastro-consignment", originator: "MX-SAT", kind: .consignments, id: "C-2"))
    }

    @Test func everyTLPLevelHasItsTLP2MarkingDefinition() throws {
        let expected: [TLP: String] = [
            .clear: "94868c89-83c2-464b-929b-a1a8aa3c8487", .green: "bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
            .amber: "55d920b0-5e8b-4f79-9ee9-91f868d9b421", .amberStrict: "939a9414-2ddd-4d32-a0cd-375ea402b003",
            .red: "e828b379-4e03-4974-9ac4-e53a884c97c1",
        ]
        for tlp in TLP.allCases {
            let id = STIXVocabulary.markingID(tlp)
            #expect(id == "marking-definition--" + expected[tlp]!)
            #expect(STIXVocabulary.tlp(ofMarking: id) == tlp)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(STIXVocabulary.markingDefinition(tlp).json.utf8)) as? [String: Any])
            let extensions = try #require(object["extensions"] as? [String: [String: String]])
            #expect(extensions[STIXVocabulary.tlpExtension]?["tlp_2_0"] == tlp.rawValue)
            #expect(object["name"] as? String == tlp.label)
        }
        // TLP 1.0's WHITE reads as CLEAR; an unknown marking is no TLP.
        #expect(STIXVocabulary.tlp(ofMarking: "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9") == .clear)
        #expect(STIXVocabulary.tlp(ofMarking: "marking-definition--00000000-0000-4000-8000-000000000000") == nil)
    }

    @Test func timestampsHaveMillisecondsInUTC() {
        #expect(STIXTime.format("2026-03-02T14:05:00Z") == "2026-03-02T14:05:00.000Z")
        #expect(STIXTime.format("2026-03-02T14:05:00Z", extraMilliseconds: 2) == "2026-03-02T14:05:00.002Z")
        #expect(STIXTime.format("2026-03-02T14:05:00.25Z") == "2026-03-02T14:05:00.250Z")
        #expect(STIXTime.format("2026-03-02T08:05:00-06:00") == "2026-03-02T14:05:00.000Z")
        #expect(STIXTime.format("2026-03-02") == "2026-03-02T00:00:00.000Z")
        #expect(STIXTime.format("yesterday") == nil)
    }

    @Test func objectsSerializeWithSortedKeys() {
        let object = STIXObject(["type": .string("note"), "id": .string("note--x"), "created": .string("c"), "b": .array([.integer(1), .number(2.5)]),
                                 "a": .object(["z": .bool(true), "y": .string("q\"")])])
        #expect(object.json == #"{"a":{"y":"q\"","z":true},"b":[1,2.5],"created":"c","id":"note--x","type":"note"}"#)
        #expect(object.version == "c")
    }
}
