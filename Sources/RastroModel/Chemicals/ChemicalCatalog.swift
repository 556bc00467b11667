public import Foundation

/// The chemical catalog shipped with Rastro (`Resources/chemicals.json`), indexed by CAS number and
/// by every name and synonym (case-, accent- and punctuation-insensitive).
public struct ChemicalCatalog: Sendable {
    public let chemicals: [Chemical]
    private let byCAS: [String: Int]
    private let byName: [String: Int]

    /// The catalog shipped as a package resource, loaded and checked once.
    public static let shipped: ChemicalCatalog = {
        do {
            guard let url = Bundle.module.url(forResource: "chemicals", withExtension: "json") else {
                throw ModelError(.catalog, "chemicals.json is missing from the package resources")
            }
            return try ChemicalCatalog(json: Data(contentsOf: url))
        } catch {
            // The catalog ships inside the binary's bundle; a broken one is a build defect, not input.
            preconditionFailure("the shipped chemical catalog is invalid: \(error)")
        }
    }()

    /// Decodes and checks a catalog: unknown keys, bad or duplicate CAS numbers and names that
    /// point to two chemicals are rejected.
    public init(json: Data) throws {
        guard let root = try JSONSerialization.jsonObject(with: json) as? [String: Any],
              let list = root["chemicals"] as? [[String: Any]] else {
            throw ModelError(.catalog, "the catalog must be an object with a \"chemicals\" array")
        }
        let allowedRoot: Set<String> = ["format", "source", "chemicals"]
        if let unknown = root.keys.first(where: { !allowedRoot.contains($0) }) {
            throw ModelError(.catalog, "unknown key \"\(unknown)\" at the catalog's top level")
        }
        let allowed = Set(Chemical.CodingKeys.allCases.map(\.rawValue))
        for (position, entry) in list.enumerated() {
            if let unknown = entry.keys.first(where: { !allowed.contains($0) }) {
                throw ModelError(.catalog, "chemical #\(position + 1): unknown key \"\(unknown)\"")
            }
        }
        let chemicals = try JSONDecoder().decode([String: [Chemical]].self, from: JSONSerialization.data(withJSONObject: ["c": list]))["c"]!
        var byCAS: [String: Int] = [:]
        var byName: [String: Int] = [:]
        for (position, chemical) in chemicals.enumerated() {
            guard let cas = CASNumber(chemical.cas), cas.text == chemical.cas else {
                throw ModelError(.catalog, "chemical #\(position + 1): CAS number \(chemical.cas) fails its check digit or format")
            }
            if byCAS.updateValue(position, forKey: cas.text) != nil {
                throw ModelError(.catalog, "CAS number \(cas.text) appears twice")
            }
            for name in [chemical.nameEN, chemical.nameES] + chemical.synonyms {
                let key = Self.nameKey(name)
                if let other = byName[key], other != position {
                    throw ModelError(.catalog, "name \"\(name)\" points to both \(chemicals[other].cas) and \(cas.text)")
                }
                byName[key] = position
            }
        }
        self.chemicals = chemicals
        self.byCAS = byCAS
        self.byName = byName
    }

    public func chemical(cas: String) -> Chemical? {
        guard let canonical = CASNumber(cas) else { return nil }
        return byCAS[canonical.text].map { chemicals[$0] }
    }

    public func chemical(named name: String) -> Chemical? {
        byName[Self.nameKey(name)].map { chemicals[$0] }
    }

    /// Resolves a declared chemical: by CAS first, then by name. Nil means unlisted.
    public func resolve(cas: String?, name: String?) -> Chemical? {
        if let cas, let found = chemical(cas: cas) { return found }
        if let name, let found = chemical(named: name) { return found }
        return nil
    }

    /// The lookup key of a name: lower case, no accents, letters and digits only, single spaces.
    public static func nameKey(_ name: String) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "en_US_POSIX"))
            .lowercased()
        var out = ""
        var pendingSpace = false
        for scalar in folded.unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) {
                if pendingSpace, !out.isEmpty { out.append(" ") }
                pendingSpace = false
                out.unicodeScalars.append(scalar)
            } else {
                pendingSpace = true
            }
        }
        return out
    }
}
