import Foundation
public import RastroModel

extension Evaluator {
    /// Why an input file of `rastro evaluate` cannot be used: the file and the reason.
    public struct InputError: Error, Sendable, Hashable, CustomStringConvertible {
        public enum Code: Sendable, Hashable {
            /// The file cannot be read at all (missing, a folder, unreadable): a usage error.
            case unreadable
            /// The file was read but its content is refused (not JSON, wrong shape, bad values).
            case rejected
        }

        public var code: Code
        public var path: String
        public var reason: String

        public init(_ code: Code, path: String, reason: String) {
            self.code = code
            self.path = path
            self.reason = reason
        }

        public var description: String { "\(path): \(reason)" }
    }

    /// Reads and checks a findings file (contract v1). Rejects what would make the figures
    /// meaningless rather than merely poor: a risk outside [0, 1], an area off the globe.
    public static func readFindings(at path: String) throws(InputError) -> Findings {
        let findings = try decode(Findings.self, at: path, what: "findings")
        if let problem = problem(in: findings) { throw InputError(.rejected, path: path, reason: problem) }
        return findings
    }

    /// Reads a truth file written by `rastro simulate`.
    public static func readTruth(at path: String) throws(InputError) -> Truth {
        let truth = try decode(Truth.self, at: path, what: "truth")
        guard truth.format == Truth.currentFormat else {
            throw InputError(.rejected, path: path, reason: "truth format \"\(truth.format)\" is not \(Truth.currentFormat)")
        }
        return truth
    }

    /// The first value of `findings` the contract forbids, described, or nil when there is none.
    public static func problem(in findings: Findings) -> String? {
        if let bad = findings.consignments.first(where: { !(0...1).contains($0.risk) }) {
            return "consignment \(bad.consignmentID): risk \(bad.risk) is outside [0, 1]"
        }
        for (offset, area) in findings.areas.enumerated() {
            if !(-90...90).contains(area.lat) { return "area \(offset + 1) (in list order): lat \(area.lat) is outside [-90, 90]" }
            if !(-180...180).contains(area.lon) { return "area \(offset + 1) (in list order): lon \(area.lon) is outside [-180, 180]" }
        }
        return nil
    }

    static func decode<Value: Decodable>(_ type: Value.Type, at path: String, what: String) throws(InputError) -> Value {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError(.unreadable, path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw InputError(.unreadable, path: path, reason: "is a folder, not a file") }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw InputError(.unreadable, path: path, reason: "cannot be read (\(error.localizedDescription))")
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw InputError(.rejected, path: path, reason: "not valid \(what) JSON: \(describe(error))")
        } catch {
            throw InputError(.rejected, path: path, reason: "not valid \(what) JSON: \(error.localizedDescription)")
        }
    }

    /// `consignments[3].risk: Expected to decode Double but found a string instead.` — where in
    /// the document, then what went wrong, without Foundation's nested underlying errors.
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "\(location(context.codingPath)): missing key \"\(key.stringValue)\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(location(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    /// A coding path as `entities[2].mentions[0].role`; `top level` when empty.
    static func location(_ path: [any CodingKey]) -> String {
        guard !path.isEmpty else { return "top level" }
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }
}
