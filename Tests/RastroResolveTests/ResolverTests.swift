import Foundation
import RastroModel
import RastroResolve
import Testing

/// The model and the clustering: EM finds sensible m and u without labels, a chain of weak links
/// stays apart, and a known synthetic set is resolved well.
@Suite struct ResolverTests {
    /// A synthetic set with known truth: companies with several mentions each, written with the
    /// variation real paperwork has (legal form dropped or abbreviated, upper case, a typo, a tax
    /// id missing or mistyped).
    static func syntheticSet(entities: Int, seed: UInt64) -> (mentions: [PartyMention], truth: [Int]) {
        var random = Generator(seed: seed)
        let heads = ["Química", "Distribuidora", "Laboratorios", "Solventes", "Reactivos", "Industrias", "Comercializadora", "Grupo"]
        let tails = ["Pacífico", "Bajío", "Occidente", "Norte", "Golfo", "Azteca", "Sierra", "Valle", "Cumbres", "Delta",
                     "Hernández", "García", "Ramírez", "Torres", "Vázquez", "Núñez", "Ibarra", "Quintero", "Ochoa", "Zúñiga"]
        let places = ["Guadalajara", "Zapopan", "Monterrey", "Puebla", "León", "Querétaro"]
        var mentions: [PartyMention] = []
        var truth: [Int] = []
        for entity in 0..<entities {
            let core = "\(heads[random.int(heads.count)]) \(tails[random.int(tails.count)]) \(tails[random.int(tails.count)])"
            let form = ["S.A. de C.V.", "S. de R.L. de C.V.", "S.A."][random.int(3)]
            let letters = Array("ABCDEFGHJKLMNPRSTUVWXYZ")
            var body = String((0..<3).map { _ in letters[random.int(letters.count)] })
            body += String(format2(random.int(99))) + format2(1 + random.int(12)) + format2(1 + random.int(28))
            body += String(letters[random.int(letters.count)]) + String(random.int(10))
            let rfc = body + String(RFC.checkDigit(body)!)
            let street = "Av. \(tails[random.int(tails.count)]) \(1 + random.int(3000))"
            let phone = "33\(1_000_0000 + random.int(8_999_9999))"
            for copy in 0..<(1 + random.int(5)) {
                var name = core + ", " + form
                switch random.int(6) {
                case 0: name = core
                case 1: name = fold(core + " " + form.replacingOccurrences(of: ".", with: "")).uppercased()
                case 2: name = core.replacingOccurrences(of: "Química", with: "Quím.").replacingOccurrences(of: "Distribuidora", with: "Distr.")
                case 3:
                    var characters = Array(core)
                    let at = 3 + random.int(characters.count - 6)
                    characters.swapAt(at, at + 1)
                    name = String(characters)
                default: break
                }
                var tax: String? = rfc
                if random.int(6) == 0 { tax = nil } else if random.int(20) == 0 {
                    var characters = Array(rfc)
                    characters[11] = characters[11] == "1" ? "2" : "1"
                    tax = String(characters)
                }
                let kind = copy == 0 ? Kind.organizations : .transfers
                mentions.append(PartyMention(mention: Mention(kind: kind, id: "M\(mentions.count)", role: copy == 0 ? .self : .to), name: name,
                                             taxID: tax, address: random.int(2) == 0 ? "\(street), C.P. 44\(100 + random.int(800))" : nil,
                                             city: places[random.int(places.count)], phone: copy == 0 ? phone : nil))
                truth.append(entity)
            }
        }
        return (mentions, truth)
    }

    static func format2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    static func fold(_ text: String) -> String { Fold.text(text) }

    static func pairwise(_ labels: [Int], _ truth: [Int]) -> (precision: Double, recall: Double) {
        var together = 0, predicted = 0, actual = 0
        for i in labels.indices {
            for j in (i + 1)..<labels.count {
                let p = labels[i] == labels[j], t = truth[i] == truth[j]
                if p { predicted += 1 }
                if t { actual += 1 }
                if p && t { together += 1 }
            }
        }
        return (predicted == 0 ? 1 : Double(together) / Double(predicted), actual == 0 ? 1 : Double(together) / Double(actual))
    }

    @Test func emFindsSensibleProbabilitiesAndTheSetResolves() {
        let (mentions, truth) = Self.syntheticSet(entities: 400, seed: 3)
        let result = Resolver().resolve(mentions)
        let model = result.model
        #expect(model.converged)
        // Name: matches mostly share their core words; random pairs almost never do.
        #expect(model.m[0][3] > 0.4 && model.u[0][3] < 0.01)
        // Tax id: matches mostly carry the same one; non-matches almost never.
        #expect(model.m[1][2] > 0.8 && model.u[1][2] < 0.01)
        #expect(model.weight(field: 0, level: 0) < 0 && model.weight(field: 1, level: 0) < 0)
        let scores = Self.pairwise(result.labels, truth)
        #expect(scores.precision > 0.97 && scores.recall > 0.97, "precision \(scores.precision), recall \(scores.recall)")
    }

    /// A chain of records, each strongly like the next but unlike the ones further on, stays in
    /// small groups; a clique of the same strength becomes one group.
    @Test func aChainOfWeakLinksStaysApart() {
        let count = 12
        let chain = (0..<(count - 1)).map { Clustering.Edge(a: $0, b: $0 + 1, probability: 0.95) }
        let labels = Clustering(threshold: 0.9, average: 0.6).cluster(count: count, edges: chain,
                                                                      score: { abs($0 - $1) == 1 ? 0.95 : 0.02 }, cannotLink: { _, _ in false })
        #expect(Set(labels).count >= count / 2)
        #expect(Dictionary(grouping: labels, by: { $0 }).values.allSatisfy { $0.count <= 2 })

        var clique: [Clustering.Edge] = []
        for a in 0..<count { for b in (a + 1)..<count { clique.append(.init(a: a, b: b, probability: 0.95)) } }
        let together = Clustering(threshold: 0.9, average: 0.6).cluster(count: count, edges: clique, score: { _, _ in 0.95 },
                                                                         cannotLink: { _, _ in false })
        #expect(Set(together).count == 1)
    }

    @Test func differentValidTaxIDsNeverMerge() {
        let a = PartyMention(mention: Mention(kind: .organizations, id: "A", role: .self), name: "Química del Pacífico, S.A. de C.V.",
                             taxID: "QPA970701AB7")
        var b = a
        b.mention = Mention(kind: .organizations, id: "B", role: .self)
        b.taxID = "QPA970701AB" + String(RFC.checkDigit("QPA970701AB")!)
        var c = a
        c.mention = Mention(kind: .organizations, id: "C", role: .self)
        c.taxID = "QPB980101CD" + String(RFC.checkDigit("QPB980101CD")!)
        let labels = Resolver().resolve([a, b, c]).labels
        #expect(labels[1] != labels[2])
    }
}

/// A tiny seeded generator for the tests.
struct Generator {
    private var random: SplitMix64
    init(seed: UInt64) { random = SplitMix64(seed: seed) }
    mutating func int(_ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }
}
