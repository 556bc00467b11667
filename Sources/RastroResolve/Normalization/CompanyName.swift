/// A party's name made comparable: folded, its legal form recognised and set apart, common
/// abbreviations expanded, stop words dropped. "Química del Pacífico, S.A. de C.V.",
/// "QUIMICA DEL PACIFICO SA DE CV" and "Quím. del Pacifico" all give the core `quimica pacifico`.
public struct NormalizedName: Sendable, Hashable {
    /// The words that name the party, in order, abbreviations expanded, stop words and the legal
    /// form removed.
    public let tokens: [String]
    /// The legal form's canonical code (`sa de cv`, `s de rl de cv`, `llc` …), or nil.
    public let legalForm: String?

    public var core: String { tokens.joined(separator: " ") }

    public init(_ raw: String) {
        var words = Fold.words(raw)
        legalForm = Self.stripLegalForm(&words)
        tokens = words.map { Self.abbreviations[$0] ?? $0 }.filter { !Self.stopWords.contains($0) }
    }

    /// Legal forms, longest first, as folded word sequences, with their canonical code.
    static let legalForms: [(words: [String], code: String)] = {
        let forms: [(String, String)] = [
            ("s a p i de c v", "sapi de cv"), ("sapi de cv", "sapi de cv"), ("s a p i", "sapi"), ("sapi", "sapi"),
            ("s de r l de c v", "s de rl de cv"), ("s de rl de cv", "s de rl de cv"), ("s de r l", "s de rl"), ("s de rl", "s de rl"),
            ("s a b de c v", "sab de cv"), ("sab de cv", "sab de cv"),
            ("s a de c v", "sa de cv"), ("sa de cv", "sa de cv"), ("s a", "sa"), ("sa", "sa"),
            ("s c", "sc"), ("sc", "sc"), ("a c", "ac"), ("ac", "ac"), ("s c de r l", "sc de rl"),
            ("sociedad anonima de capital variable", "sa de cv"), ("sociedad anonima", "sa"), ("sociedad civil", "sc"),
            ("asociacion civil", "ac"),
            ("incorporated", "inc"), ("inc", "inc"), ("l l c", "llc"), ("llc", "llc"), ("limited", "ltd"), ("ltd", "ltd"),
            ("co ltd", "co ltd"), ("corporation", "corp"), ("corp", "corp"), ("company", "co"), ("co", "co"), ("gmbh", "gmbh"),
            ("ag", "ag"), ("b v", "bv"), ("bv", "bv"), ("nv", "nv"), ("pvt ltd", "pvt ltd"), ("k k", "kk"), ("s l", "sl"), ("plc", "plc"),
        ]
        return forms.map { (words: $0.0.split(separator: " ").map(String.init), code: $0.1) }
            .sorted { $0.words.count > $1.words.count }
    }()

    /// Removes a legal form at the end of the name (where it belongs); returns its code.
    static func stripLegalForm(_ words: inout [String]) -> String? {
        for form in legalForms where words.count > form.words.count && Array(words.suffix(form.words.count)) == form.words {
            words.removeLast(form.words.count)
            // "Co., Ltd." and the like: a second form right before the first.
            if let inner = legalForms.first(where: { words.count > $0.words.count && Array(words.suffix($0.words.count)) == $0.words
                && ["co", "corp"].contains($0.code) }) {
                words.removeLast(inner.words.count)
                return inner.code + " " + form.code
            }
            return form.code
        }
        return nil
    }

    /// Folded abbreviations and their expansions.
    static let abbreviations: [String: String] = [
        "quim": "quimica", "quimicos": "quimica", "cia": "compania", "distr": "distribuidora", "dist": "distribuidora",
        "distrib": "distribuidora", "intl": "internacional", "int": "internacional", "inds": "industrias", "ind": "industrias",
        "industrial": "industrial", "labs": "laboratorios", "lab": "laboratorios", "comerc": "comercializadora",
        "prods": "productos", "prod": "productos", "servs": "servicios", "serv": "servicios", "farm": "farmaceutica",
        "nal": "nacional", "transp": "transportes", "hnos": "hermanos", "mex": "mexicana", "gpo": "grupo",
        "chem": "chemical", "chemicals": "chemical", "pharma": "pharmaceutical", "intl.": "internacional", "corp": "corporation",
    ]

    static let stopWords: Set<String> = ["de", "del", "la", "las", "el", "los", "y", "e", "the", "and", "of"]
}
