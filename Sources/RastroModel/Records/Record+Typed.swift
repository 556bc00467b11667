/// Field access used by the typed record initializers.
extension Record {
    func string(_ name: String) -> String? { self[name].text }

    func required(_ name: String) throws -> String {
        guard let value = self[name].text else {
            throw ModelError(.conversion, "\(kind.rawValue) \(id): \(name) is missing")
        }
        return value
    }

    func double(_ name: String) -> Double? { self[name].number }

    func requiredDouble(_ name: String) throws -> Double {
        guard let value = self[name].number else {
            throw ModelError(.conversion, "\(kind.rawValue) \(id): \(name) is missing")
        }
        return value
    }

    func expect(_ expected: Kind) throws {
        guard kind == expected else {
            throw ModelError(.conversion, "a \(kind.rawValue) record is not one of \(expected.rawValue)")
        }
    }

    /// The declared chemical of a record whose kind names one.
    func chemicalDeclaration() -> ChemicalDeclaration {
        ChemicalDeclaration(cas: string("chemical_cas"), name: string("chemical_name"), catalogCAS: chemicalRef)
    }
}

/// A chemical as a record declares it, and what the catalog made of it.
public struct ChemicalDeclaration: Sendable, Hashable {
    public var cas: String?
    public var name: String?
    /// The catalog entry's CAS number, or nil when the chemical is not in the catalog.
    public var catalogCAS: String?
    public var isListed: Bool { catalogCAS != nil }
}
