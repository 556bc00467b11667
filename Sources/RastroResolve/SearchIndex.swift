public import RastroModel
public import RastroStore

/// The workbench's search: words folded as the resolver folds names (case and accents out), so
/// that "quimica" finds "Química", and each word of a query widened to the indexed words within
/// one edit of it (or that it starts), so that a one-letter typo still finds the name. Tax ids,
/// CAS numbers and linked ids are whole tokens; a chemical's English or Spanish name (from the
/// shipped catalog) adds its CAS number. The index is derived from the records and refreshed
/// before a search when a load or a resolution run is newer than it.
public actor SearchIndex {
    /// Every indexed word, sorted (a prefix's words are one range), and by length with its
    /// scalars (a word within one edit has a length within one).
    private var vocabulary: [String] = []
    private var byLength: [Int: [(word: String, scalars: [Unicode.Scalar])]] = [:]
    private var vocabularyState: SearchIndexState?

    public init() {}

    /// Brings the index up to date with the store's loads and resolution (`writes`: the store the
    /// node writes through; `viewer`: the node's processing viewer).
    public func refresh(_ writes: Store, viewer: Viewer) async throws {
        let state = try await writes.searchIndexState()
        if !state.isCurrent {
            if state.indexedFile != state.lastFile {
                for kind in Kind.allCases {
                    guard let fields = SearchFields.of[kind], !(fields.names + fields.tokens).isEmpty else { continue }
                    let sources = try await writes.searchSources(kind, afterFile: state.indexedFile, viewer: viewer)
                    var words: [(word: String, id: String)] = []
                    for source in sources {
                        for name in fields.names { for word in Self.words(source.values[name] ?? "") { words.append((word: word, id: source.id)) } }
                        for token in fields.tokens { if let word = Self.token(source.values[token] ?? "") { words.append((word: word, id: source.id)) } }
                    }
                    try await writes.replaceSearchWords(kind.rawValue, afterFile: state.indexedFile, words: words)
                }
            }
            if state.indexedRun != state.lastRun {
                let words = try await writes.entityNameRows().flatMap { row in Self.words(row.name).map { (word: $0, id: row.id) } }
                try await writes.replaceSearchWords("entities", afterFile: nil, words: words)
            }
            try await writes.setSearchMarks(file: state.lastFile, run: state.lastRun)
        }
        let now = SearchIndexState(indexedFile: state.lastFile, lastFile: state.lastFile, indexedRun: state.lastRun, lastRun: state.lastRun)
        if vocabularyState != now {
            vocabulary = try await writes.searchVocabulary().sorted()
            byLength = Dictionary(grouping: vocabulary.map { (word: $0, scalars: Array($0.unicodeScalars)) }, by: \.scalars.count)
            vocabularyState = now
        }
    }

    /// Whether the index and its vocabulary are as `state` (read on any connection) says the store
    /// is: then `refresh` has nothing to do, and a search need not wait for the write connection.
    public func isCurrent(with state: SearchIndexState) -> Bool {
        state.isCurrent && vocabularyState == state
    }

    /// The store query for `text`: its id, its whole-token forms (tax id, CAS, linked id), the CAS
    /// numbers of catalog chemicals it names, and each of its words widened by spelling.
    public func query(_ text: String) -> SearchQuery {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return SearchQuery() }
        var any = Set<String>()
        if let token = Self.token(trimmed) { any.insert(token) }
        for cas in Self.chemicals(named: trimmed) { any.insert(cas) }
        let words = Self.words(trimmed)
        let sets = words.map { expand($0) }
        return SearchQuery(id: trimmed, anyWord: any.sorted(), allOf: sets.contains(where: \.isEmpty) ? [] : sets)
    }

    /// The indexed words a query word stands for: itself, words it starts (three letters or
    /// more), and words within one edit (four letters or more). At most 200.
    func expand(_ word: String) -> [String] {
        var out: [String] = []
        let scalars = Array(word.unicodeScalars)
        // The word itself and the words it starts: a range of the sorted vocabulary.
        var low = 0, high = vocabulary.count
        while low < high {
            let middle = (low + high) / 2
            if vocabulary[middle] < word { low = middle + 1 } else { high = middle }
        }
        var index = low
        while index < vocabulary.count, out.count < 200, vocabulary[index] == word || (scalars.count >= 3 && vocabulary[index].hasPrefix(word)) {
            out.append(vocabulary[index])
            index += 1
        }
        guard scalars.count >= 4 else { return out }
        var seen = Set(out)
        for length in (scalars.count - 1)...(scalars.count + 1) {
            for candidate in byLength[length] ?? [] where out.count < 200 && Self.withinOneEdit(scalars, candidate.scalars) {
                if seen.insert(candidate.word).inserted { out.append(candidate.word) }
            }
        }
        return out
    }

    /// True when `text`'s words are each within one edit of (or start) a word of `name`: how a
    /// shown name is checked against the query it was found by.
    public static func matches(_ text: String, name: String) -> Bool {
        let wanted = words(text), held = words(name)
        guard !wanted.isEmpty else { return false }
        return wanted.allSatisfy { word in
            let scalars = Array(word.unicodeScalars)
            return held.contains { candidate in
                candidate == word || (scalars.count >= 3 && candidate.hasPrefix(word))
                    || (scalars.count >= 4 && withinOneEdit(scalars, Array(candidate.unicodeScalars)))
            }
        }
    }

    /// The words of a name as indexed: folded, two characters or more.
    public static func words(_ text: String) -> [String] {
        Fold.words(text).filter { $0.unicodeScalars.count >= 2 }
    }

    /// A whole token as indexed: folded, without spaces, hyphens kept (`67-56-1`, `qpa980312ab0`).
    public static func token(_ text: String) -> String? {
        let folded = text.split(separator: "-", omittingEmptySubsequences: false).map { Fold.text(String($0)).replacingOccurrences(of: " ", with: "") }
            .joined(separator: "-")
        return folded.count >= 2 ? folded : nil
    }

    /// CAS numbers of the catalog chemicals whose English or Spanish name, or a synonym, the text
    /// names (folded; a one-letter typo allowed from five letters on).
    public static func chemicals(named text: String) -> [String] {
        let wanted = Fold.text(text)
        guard wanted.count >= 3 else { return [] }
        let scalars = Array(wanted.unicodeScalars)
        var out: [String] = []
        for chemical in ChemicalCatalog.shipped.chemicals {
            let names = ([chemical.nameEN, chemical.nameES] + chemical.synonyms).map(Fold.text)
            if names.contains(where: { $0 == wanted || (scalars.count >= 4 && $0.hasPrefix(wanted))
                || (scalars.count >= 5 && withinOneEdit(scalars, Array($0.unicodeScalars))) }) {
                out.append(chemical.cas)
            }
        }
        return out
    }

    /// Levenshtein distance ≤ 1 (one insertion, deletion or substitution), or one transposition.
    static func withinOneEdit(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Bool {
        if abs(a.count - b.count) > 1 { return false }
        var i = 0
        while i < a.count, i < b.count, a[i] == b[i] { i += 1 }
        if i == a.count && i == b.count { return true }
        if a.count == b.count {
            if a[(i + 1)...] == b[(i + 1)...] { return true }
            return i + 1 < a.count && a[i] == b[i + 1] && a[i + 1] == b[i] && a[(i + 2)...] == b[(i + 2)...]
        }
        return a.count > b.count ? a[(i + 1)...] == b[i...] : a[i...] == b[(i + 1)...]
    }
}
