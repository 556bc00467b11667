import Foundation
import RastroModel

/// One STIX object being imported: its decoded properties and where it came from.
struct STIXSourceObject {
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    let properties: [String: Any]
    let type: String
    let id: String
    let source: String
    let line: Int
    let column: Int

    init(bytes: [UInt8], source: String, line: Int, column: Int) throws(Problem) {
        self.source = source
        self.line = line
        self.column = column
        let place = "\(source):\(line): column \(column)"
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw Problem(description: "\(place): not a JSON object")
        }
        properties = object
        guard let type = object["type"] as? String, !type.isEmpty else { throw Problem(description: "\(place): type: missing") }
        guard let id = object["id"] as? String, STIXIdentifier.isValid(id), id.hasPrefix(type + "--") else {
            throw Problem(description: "\(source):\(line): id: not a STIX id of type \(type) (type--UUID)")
        }
        self.type = type
        self.id = id
    }

    func string(_ key: String) -> String? { properties[key] as? String }

    func strings(_ key: String) -> [String] { (properties[key] as? [Any])?.compactMap { $0 as? String } ?? [] }

    func object(_ key: String) -> [String: Any]? { properties[key] as? [String: Any] }

    /// `source:line: column: reason`, the contract's form of a problem.
    func problem(_ column: String, _ reason: String) -> String {
        "\(source):\(line): \(column): \(reason)"
    }

    /// The TLP of the object's markings: the most restrictive TLP marking it names, or nil.
    var tlp: TLP? {
        strings("object_marking_refs").compactMap(STIXVocabulary.tlp(ofMarking:)).max()
    }

    /// A JSON number (not a boolean), or nil.
    static func number(_ value: Any?) -> Double? {
        guard let number = value as? NSNumber, String(cString: number.objCType) != "c" else { return nil }
        return number.doubleValue
    }

    /// A JSON scalar as a contract cell's text, or nil for anything else.
    static func text(_ value: Any) -> String? {
        switch value {
        case let text as String: return text
        case let number as NSNumber:
            // JSON's true and false decode as booleans, whose type code is `c`; numbers never do.
            if String(cString: number.objCType) == "c" { return number.boolValue ? "true" : "false" }
            return FieldValue.format(number.doubleValue)
        default: return nil
        }
    }
}
