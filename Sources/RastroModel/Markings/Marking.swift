/// Who owns a record and who else may see it: a TLP 2.0 level, a releasable-to set of ISO
/// countries and organization ids, and the originating organization.
public struct Marking: Sendable, Hashable, Codable {
    public var tlp: TLP
    /// Countries (ISO 3166-1 alpha-2) and organization ids, upper-cased and sorted.
    public private(set) var releasableTo: [String]
    public var originator: String
    /// The stored form of `releasableTo`: `;US;US-DEA;` (delimiters on both ends so that a
    /// `LIKE '%;US;%'` test matches whole tokens), or the empty string. Built once: loads read it
    /// for every row.
    public private(set) var releasableToStored: String

    public init(tlp: TLP, releasableTo: some Sequence<String> = [], originator: String) {
        self.tlp = tlp
        let parties = releasableTo.map { $0.uppercased() }
        self.releasableTo = parties.count < 2 ? parties : Set(parties).sorted()
        self.originator = originator
        releasableToStored = self.releasableTo.isEmpty ? "" : ";" + self.releasableTo.joined(separator: ";") + ";"
    }

    private enum CodingKeys: String, CodingKey {
        case tlp, releasableTo, originator
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(tlp: try container.decode(TLP.self, forKey: .tlp),
                  releasableTo: try container.decode([String].self, forKey: .releasableTo),
                  originator: try container.decode(String.self, forKey: .originator))
    }

    /// Reads the stored form back.
    public static func parseStoredReleasable(_ stored: String) -> [String] {
        stored.split(separator: ";").map(String.init)
    }

    /// True when `token` is a syntactically valid organization id or country code:
    /// letters, digits, `-`, `.` and `_`, 2 to 64 characters.
    public static func isValidParty(_ token: some StringProtocol) -> Bool {
        guard (2...64).contains(token.utf8.count) else { return false }
        return token.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x2E || byte == 0x5F
        }
    }
}

extension Marking {
    /// The marking of something derived from records with these markings, by `originator`: the
    /// most restrictive TLP of them, and, when that is AMBER or AMBER+STRICT, only the parties
    /// that every AMBER or AMBER+STRICT source releases to (CLEAR and GREEN sources restrict nothing).
    public static func mostRestrictive(_ markings: some Sequence<Marking>, originator: String) -> Marking {
        var tlp = TLP.clear
        var parties: Set<String>?
        for marking in markings {
            tlp = max(tlp, marking.tlp)
            if marking.tlp == .amber || marking.tlp == .amberStrict {
                parties = parties.map { $0.intersection(marking.releasableTo) } ?? Set(marking.releasableTo)
            }
        }
        let released = (tlp == .amber || tlp == .amberStrict) ? (parties ?? []) : []
        return Marking(tlp: tlp, releasableTo: released, originator: originator)
    }
}
