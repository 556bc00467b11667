@testable import RastroResolve
import RastroModel
import Testing

/// The party comparison as the resolver runs it (numbered features, packed codes, pairs generated record by record)
/// against plain reference versions written from the field rules.
@Suite struct PartyComparisonTests {
    /// The pattern of two mentions computed the plain way: sets of words, the edit distance table.
    static func reference(_ a: PartyProfile, _ b: PartyProfile) -> FellegiSunter.Pattern {
        var pattern = FellegiSunter.Pattern(repeating: -1, count: PartyComparison.fields.count)
        if !a.name.core.isEmpty, !b.name.core.isEmpty {
            if Set(a.name.tokens) == Set(b.name.tokens) {
                pattern[0] = 3
            } else {
                let similarity = Similarity.jaroWinkler(a.name.core, b.name.core)
                let words = wordsAgree(a.name.tokens, b.name.tokens)
                pattern[0] = similarity < 0.85 || words == 0 ? 0 : similarity >= 0.94 && words == 2 ? 2 : 1
            }
        }
        if let x = a.taxID, let y = b.taxID { pattern[1] = x == y ? 2 : Similarity.editDistance(x, y, limit: 1) <= 1 ? 1 : 0 }
        if let x = a.street, let y = b.street { pattern[2] = x == y ? (a.number != nil && a.number == b.number ? 2 : 1) : 0 }
        let pairs: [(String?, String?)] = [(a.postalCode, b.postalCode), (a.phone, b.phone), (a.email, b.email),
                                           (a.country, b.country), (a.name.legalForm, b.name.legalForm)]
        for (offset, pair) in pairs.enumerated() {
            if let x = pair.0, let y = pair.1 { pattern[3 + offset] = x == y ? 1 : 0 }
        }
        return pattern
    }

    /// 2 when the names have as many words and each word of each has a counterpart in the other
    /// (the same word, a start of at least 3 letters, or Jaro–Winkler ≥ 0.85), 1 when the name with
    /// fewer words has a counterpart for each, else 0.
    static func wordsAgree(_ a: [String], _ b: [String]) -> Int {
        func covered(_ words: [String], by others: [String]) -> Bool {
            words.allSatisfy { word in
                others.contains { other in
                    (min(word.count, other.count) >= 3 && (word.hasPrefix(other) || other.hasPrefix(word)))
                        || word == other || Similarity.jaroWinkler(word, other) >= 0.85
                }
            }
        }
        if a.count != b.count { return (a.count < b.count ? covered(a, by: b) : covered(b, by: a)) ? 1 : 0 }
        return covered(a, by: b) && covered(b, by: a) ? 2 : 0
    }

    /// Names that share their first words but not the word that tells them apart are different;
    /// a typo or an abbreviation keeps them close, a word more or less similar.
    @Test func aSharedStartIsNotASimilarName() {
        func level(_ x: String, _ y: String) -> Int8 {
            PartyComparison.compare(PartyProfile(Self.named(x)), PartyProfile(Self.named(y)))[0]
        }
        #expect(Similarity.jaroWinkler("especialidades quimicas esquivel", "especialidades quimicas occidente hermanos") >= 0.85)
        #expect(level("Especialidades Químicas Esquivel, S.A. de C.V.", "Especialidades Químicas de Occidente Hermanos, S.A. de C.V.") == 0)
        #expect(level("Solventes Azteca", "Solventes Andina") == 0)
        #expect(level("ESPECILIDADES QUIMICAS ESQUIVEL SA DE CV", "Especialidades Químicas Esquivel, S.A. de C.V.") == 2)
        #expect(level("Quimica del Pacifco", "Química del Pacífico, S.A. de C.V.") == 2)
        // A word more or less: similar at most, however close the strings.
        #expect(Similarity.jaroWinkler("farmaceutica sonorense", "farmaceutica sonorense hermanos") >= 0.94)
        #expect(level("Farmacéutica Sonorense", "Farmacéutica Sonorense Hermanos, S.A. de C.V.") == 1)
        #expect(level("Solventes Aztecas S. de R.L.", "Solventes Azteca") == 2)
        #expect(level("Química del Pacífico", "Química Pacífico Industrial, S.A.") == 1)
    }

    static func named(_ name: String) -> PartyMention {
        PartyMention(mention: Mention(kind: .organizations, id: "M", role: .self), name: name, taxID: nil, address: nil,
                     postalCode: nil, country: nil, phone: nil, email: nil)
    }

    @Test func codesDecodeToTheReferencePatterns() {
        var random = Generator(seed: 5)
        let names = ["Química del Pacífico, S.A. de C.V.", "QUIMICA DEL PACIFICO SA DE CV", "Pacífico Química", "Quimica del Pacifco",
                     "Solventes Azteca", "Solventes Aztecas S. de R.L.", "Solventes Andina", "Especialidades Químicas Esquivel",
                     "Especialidades Químicas de Occidente Hermanos", "ESPECILIDADES QUIMICAS ESQUIVEL", "Química Pacífico Industrial", "Solv. Aztlán", "", "Reactivos Norte LLC",
                     "Reactivos del Noreste"]
        let taxIDs: [String?] = [nil, "QPA970701NN3", "QPA970701NM3", "QPA970701N3N", "QPA97070NN3", "QPÑ970701NN3", "X"]
        let addresses: [String?] = [nil, "Av. Vallarta 1200, C.P. 44100", "Avenida Vallarta 1200", "Av. Vallarta 13", "Calle Norte 5"]
        let phones: [String?] = [nil, "33 1234 5678", "+52 33 1234 5678", "33 8765 4321"]
        let emails: [String?] = [nil, "ventas@qpa.mx", " Ventas@QPA.mx", "otro@qpa.mx"]
        let countries: [String?] = [nil, "MX", "mx", "US"]
        func mention() -> PartyMention {
            PartyMention(mention: Mention(kind: .organizations, id: "M", role: .self), name: names[random.int(names.count)],
                         taxID: taxIDs[random.int(taxIDs.count)], address: addresses[random.int(addresses.count)],
                         postalCode: [nil, "44100", "45010"][random.int(3)], country: countries[random.int(countries.count)],
                         phone: phones[random.int(phones.count)], email: emails[random.int(emails.count)])
        }
        let profiles = (0..<600).map { _ in PartyProfile(mention()) }
        let features = PartyFeatures(profiles)
        let pairs = (0..<12_000).map { _ in (random.int(profiles.count), random.int(profiles.count)) }
        let codes = features.codes(pairs)  // on every core
        var seen = Set<FellegiSunter.Pattern>()
        for (number, (a, b)) in pairs.enumerated() {
            let expected = Self.reference(profiles[a], profiles[b])
            let code = codes[number]
            #expect(PartyComparison.pattern(code: code) == expected)
            #expect(code == features.code(a, b))
            #expect(code == PartyFeatures([profiles[a], profiles[b]]).code(0, 1))
            // The code is the one stored pairs carry: each level + 1 as a base-5 digit.
            #expect(code == expected.reduce(UInt32(0)) { $0 * 5 + UInt32(Int($1) + 1) })
            #expect(code < Resolution.codeLimit(fields: PartyComparison.fields.count))
            seen.insert(expected)
        }
        // The data reaches every level of every field, so each rule above was exercised.
        for (field, spec) in PartyComparison.fields.enumerated() {
            for level in -1..<spec.levels.count {
                #expect(seen.contains { $0[field] == level }, "field \(spec.name) never at level \(level)")
            }
        }
    }

    @Test func pairsAreEveryPairOfEachBlockOnceInOrder() {
        var random = Generator(seed: 9)
        for records in [5, 300, 30_000] {
            var blocks: [String: [Int]] = [:]
            for key in 0..<(records / 3 + 2) {
                let size = random.int(8) == 0 ? 1 + random.int(12) : 1 + random.int(4)
                blocks["k\(key)"] = Array(Set((0..<size).map { _ in random.int(records) })).sorted()
            }
            let maxBlock = 6
            var expected = Set<[Int]>()
            for members in blocks.values where members.count <= maxBlock {
                for i in members.indices {
                    for j in members.indices where members[i] < members[j] { expected.insert([members[i], members[j]]) }
                }
            }
            let pairs = Blocking.pairs(within: blocks, maxBlock: maxBlock)
            #expect(pairs.count == expected.count)
            #expect(Set(pairs.map { [$0.0, $0.1] }) == expected)
            #expect(zip(pairs, pairs.dropFirst()).allSatisfy { ($0.0, $0.1) < ($1.0, $1.1) }, "pairs out of order or repeated")
        }
    }

    @Test func storedPairsReadBackAsWritten() {
        var random = Generator(seed: 3)
        let members = 500
        var pairs: [UInt64: UInt32] = [:]
        for _ in 0..<2_000 {
            let x = random.int(members), y = random.int(members)
            guard x != y else { continue }
            pairs[UInt64(min(x, y)) << 32 | UInt64(max(x, y))] = UInt32(random.int(Int(Resolution.codeLimit(fields: 8))))
        }
        let text = Resolution.encodePairs(pairs.shuffled().map { (Int32($0.key >> 32), Int32($0.key & 0xFFFF_FFFF), $0.value) })
        var read: [UInt64: UInt32] = [:]
        let decoded = Resolution.decodePairs(text, members: members) { x, y, code in
            #expect(x < y)
            #expect(read.updateValue(code, forKey: UInt64(x) << 32 | UInt64(y)) == nil, "pair \(x) \(y) written twice")
        }
        #expect(decoded)
        #expect(read == pairs)
        // Lines in order of their first position, partners in order within a line.
        let firsts = text.split(separator: "\n").map { Int($0.split(separator: " ")[0])! }
        #expect(firsts == firsts.sorted() && Set(firsts).count == firsts.count)
        #expect(Resolution.encodePairs([]) == "")
    }

    @Test func storedCodesAnswerAsADictionaryWouldInAnyOrder() {
        var random = Generator(seed: 4)
        var reference: [UInt64: UInt32] = [:]
        var codes = StoredCodes()
        for _ in 0..<5_000 {
            let key = UInt64(random.int(300)) << 32 | UInt64(random.int(300))
            guard reference[key] == nil else { continue }
            let code = UInt32(random.int(1_000))
            reference[key] = code
            codes.add(key, code)
        }
        codes.sort()
        let queries = (0..<20_000).map { _ in UInt64(random.int(300)) << 32 | UInt64(random.int(300)) }
        for batch in [queries.sorted(), queries, queries.sorted(by: >)] {
            for key in batch { #expect(codes.code(key) == reference[key]) }
        }
    }
}
