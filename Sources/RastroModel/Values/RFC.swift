/// The Mexican tax id (Registro Federal de Contribuyentes): 3 letters (companies) or 4 (persons),
/// the date of incorporation or birth as YYMMDD, a two-character homoclave and a check digit.
/// The check digit is SAT's modulus-11 over the first 11 or 12 characters.
public struct RFC: Sendable, Hashable, CustomStringConvertible {
    public let text: String

    /// The characters of an RFC and their values in the check-digit sum.
    static let alphabet: [Character: Int] = {
        var values: [Character: Int] = [:]
        for (index, character) in "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ".enumerated() { values[character] = index }
        return values
    }()

    public enum Problem: Error, Sendable, Hashable {
        case length, letters, date, homoclave, checkDigit
    }

    public var description: String { text }
    /// True for a company (12 characters), false for a person (13).
    public var isCompany: Bool { text.count == 12 }

    /// Checks structure, date and check digit. Accepts lower case, spaces and hyphens, and
    /// returns the compact upper-case form.
    public static func validate(_ raw: String) -> Result<RFC, Problem> {
        let compact = String(raw.uppercased().filter { $0 != " " && $0 != "-" && $0 != "." })
        let characters = Array(compact)
        guard characters.count == 12 || characters.count == 13 else { return .failure(.length) }
        let letters = characters.count - 9
        guard characters[0..<letters].allSatisfy({ $0.isLetter || $0 == "&" }) else { return .failure(.letters) }
        let digits = characters[letters..<(letters + 6)]
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let date = Int(String(digits)) else { return .failure(.date) }
        let (month, day) = (date / 100 % 100, date % 100)
        let year = date / 10_000
        let monthDays = [31, year % 4 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), (1...monthDays[month - 1]).contains(day) else { return .failure(.date) }
        let homoclave = characters[(letters + 6)..<(letters + 8)]
        guard homoclave.allSatisfy({ ($0.isASCII && ($0.isNumber || $0.isLetter)) }) else { return .failure(.homoclave) }
        guard let expected = checkDigit(String(characters.dropLast())), expected == characters.last else {
            return .failure(.checkDigit)
        }
        return .success(RFC(text: compact))
    }

    /// The check digit for the first 11 (company) or 12 (person) characters, or nil when a
    /// character is outside the RFC alphabet.
    public static func checkDigit(_ body: String) -> Character? {
        var characters = Array(body.uppercased())
        if characters.count == 11 { characters.insert(" ", at: 0) }
        guard characters.count == 12 else { return nil }
        var sum = 0
        for (position, character) in characters.enumerated() {
            guard let value = alphabet[character] else { return nil }
            sum += value * (13 - position)
        }
        let remainder = sum % 11
        if remainder == 0 { return "0" }
        let digit = 11 - remainder
        return digit == 10 ? "A" : Character(String(digit))
    }

    private init(text: String) {
        self.text = text
    }
}
