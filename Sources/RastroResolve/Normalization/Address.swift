/// A Mexican (or US) street address made comparable: street-type words canonical (`Av.` →
/// `avenida`), the colonia and postal code set apart, the house number found (`No. 12`, `#12`).
public struct NormalizedAddress: Sendable, Hashable {
    /// Street words without the number, canonical street type first when there is one.
    public let street: [String]
    public let number: String?
    public let colonia: [String]
    /// Five-digit postal code (`C.P. 44100`), when given.
    public let postalCode: String?

    public var streetKey: String { street.joined(separator: " ") }

    public init(_ raw: String) {
        var words = Fold.words(raw)
        func isPostal(_ word: String) -> Bool { word.count == 5 && word.allSatisfy(\.isNumber) }
        // The colonia: after "col" / "colonia" / "fracc" up to the postal code or the city part.
        var colonia: [String] = []
        if let index = words.firstIndex(where: { ["col", "colonia", "fracc", "fraccionamiento"].contains($0) }) {
            var end = index + 1
            while end < words.count, !Self.cityMarkers.contains(words[end]), !isPostal(words[end]) { end += 1 }
            colonia = Array(words[(index + 1)..<end]).filter { !NormalizedName.stopWords.contains($0) }
            words.removeSubrange(index..<end)
        }
        self.colonia = colonia
        // Postal code: "cp 44100", "c p 44100", or a lone 5-digit word; the city part after it goes too.
        var postal: String?
        if let index = words.indices.first(where: { isPostal(words[$0]) }) {
            postal = words[index]
            var start = index
            if start > 0, words[start - 1] == "cp" { start -= 1 } else if start > 1, words[start - 2] == "c", words[start - 1] == "p" { start -= 2 }
            words.removeSubrange(start...)
        }
        postalCode = postal
        // The number: after "no", "num", "numero", "#", or the first all-digit word.
        var number: String?
        if let index = words.firstIndex(where: { ["no", "num", "numero", "n"].contains($0) }), index + 1 < words.count {
            number = words[index + 1]
            words.removeSubrange(index...(index + 1))
        } else if let index = words.firstIndex(where: { $0.first?.isNumber == true }) {
            number = words[index]
            words.remove(at: index)
        }
        self.number = number
        street = words.map { Self.streetTypes[$0] ?? $0 }.filter { !NormalizedName.stopWords.contains($0) }
    }

    static let streetTypes: [String: String] = [
        "av": "avenida", "ave": "avenida", "avda": "avenida", "blvd": "bulevar", "blvr": "bulevar", "boulevard": "bulevar",
        "c": "calle", "cll": "calle", "calz": "calzada", "carr": "carretera", "cto": "circuito", "priv": "privada",
        "prol": "prolongacion", "and": "andador", "st": "street", "rd": "road", "dr": "drive", "hwy": "highway",
    ]

    /// Words after which the colonia ends (the city part of a one-line address).
    static let cityMarkers: Set<String> = ["cp", "c", "municipio", "mpio", "delegacion", "alcaldia"]
}

/// Phones in E.164 (`+523312345678`): Mexican numbers of 10 national digits (old `044`/`045`/`01`
/// and `+521` mobile prefixes dropped), US/Canada numbers of 10 digits with `+1`.
public enum Phone {
    public static func e164(_ raw: String, defaultCountry: String = "MX") -> String? {
        let plus = raw.trimmingPrefixWhitespace().hasPrefix("+")
        var digits = raw.filter(\.isASCII).filter(\.isNumber).map(String.init).joined()
        if plus || digits.hasPrefix("00") {
            if digits.hasPrefix("00") { digits.removeFirst(2) }
            if digits.hasPrefix("521"), digits.count == 13 { digits = "52" + digits.dropFirst(3) }
            if digits.hasPrefix("52"), digits.count == 12 { return "+" + digits }
            if digits.hasPrefix("1"), digits.count == 11 { return "+" + digits }
            return (8...15).contains(digits.count) ? "+" + digits : nil
        }
        for prefix in ["044", "045"] where digits.hasPrefix(prefix) && digits.count == 13 { digits.removeFirst(3) }
        if digits.hasPrefix("01"), digits.count == 12 { digits.removeFirst(2) }
        if digits.hasPrefix("1"), digits.count == 11, defaultCountry == "US" { return "+" + digits }
        guard digits.count == 10 else { return nil }
        return defaultCountry == "US" ? "+1" + digits : "+52" + digits
    }
}

extension String {
    func trimmingPrefixWhitespace() -> Substring { drop { $0 == " " || $0 == "\t" } }
}
