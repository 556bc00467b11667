public import Foundation

/// The workbench's message catalog: every string a page shows, in English and Spanish. It is
/// read from `Web/messages/*.json`, each file `{"en": {key: text}, "es": {key: text}}` for one
/// area of the workbench; a key defined twice, or missing in one language, is an error at start.
public struct Catalog: Sendable {
    public enum Language: String, Sendable, CaseIterable {
        case en, es

        /// The locale numbers and dates are written in.
        var locale: Locale { Locale(identifier: self == .en ? "en_US" : "es_MX") }
        public var other: Language { self == .en ? .es : .en }
    }

    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    public let messages: [Language: [String: String]]

    private let templateTables: [Language: [String: String]]

    public init(messages: [Language: [String: String]]) {
        self.messages = messages
        templateTables = messages.mapValues { table in
            Dictionary(table.map { ($0.key.replacingOccurrences(of: ".", with: "_"), $0.value) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// Loads every catalog file in `directory`.
    public static func load(directory: URL) throws -> Catalog {
        var messages: [Language: [String: String]] = [.en: [:], .es: [:]]
        var origin: [String: String] = [:]
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        var problems: [String] = []
        for file in files {
            let data = try Data(contentsOf: directory.appendingPathComponent(file))
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: [String: String]] else {
                throw Problem(description: "\(file): not an object of languages, each an object of strings")
            }
            let keys = Set(object.values.flatMap(\.keys))
            for language in Language.allCases {
                let table = object[language.rawValue] ?? [:]
                for key in keys.subtracting(table.keys).sorted() { problems.append("\(file): \(key): missing in \(language.rawValue)") }
                for (key, text) in table {
                    if language == .en {
                        if let other = origin[key] { problems.append("\(file): \(key): already defined in \(other)") }
                        origin[key] = file
                    }
                    messages[language]![key] = text
                }
            }
            for language in object.keys where Language(rawValue: language) == nil {
                problems.append("\(file): \(language): not a language of the workbench")
            }
        }
        guard problems.isEmpty else { throw Problem(description: problems.joined(separator: "\n")) }
        return Catalog(messages: messages)
    }

    /// The messages of a language as templates name them: `{{t.alerts_title}}` for `alerts.title`
    /// (a dot in a Mustache name walks into an object).
    public func table(_ language: Language) -> [String: String] { templateTables[language] ?? [:] }

    /// A message, or its key in brackets when it is missing (a test keeps that from happening).
    public func text(_ key: String, _ language: Language) -> String {
        messages[language]?[key] ?? "[\(key)]"
    }

    /// The language a browser prefers (its Accept-Language), Spanish when it names none we have.
    public static func preferred(_ acceptLanguage: String?) -> Language {
        guard let header = acceptLanguage else { return .es }
        var best: (Language, Double)?
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased() else { continue }
            let quality = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            guard let language = Language(rawValue: primary) else { continue }
            if best == nil || quality > best!.1 { best = (language, quality) }
        }
        return best?.0 ?? .es
    }
}

/// Numbers, quantities and dates written in a language's locale.
struct Formats {
    let language: Catalog.Language
    private let integer: NumberFormatter
    private let decimal: NumberFormatter
    private let day: DateFormatter
    private let moment: DateFormatter
    private let twoPlaces: NumberFormatter

    init(_ language: Catalog.Language) {
        self.language = language
        integer = NumberFormatter()
        integer.locale = language.locale
        integer.numberStyle = .decimal
        integer.maximumFractionDigits = 0
        decimal = NumberFormatter()
        decimal.locale = language.locale
        decimal.numberStyle = .decimal
        decimal.minimumFractionDigits = 1
        decimal.maximumFractionDigits = 1
        day = DateFormatter()
        day.locale = language.locale
        day.timeZone = TimeZone(identifier: "UTC")
        day.dateStyle = .medium
        day.timeStyle = .none
        moment = DateFormatter()
        moment.locale = language.locale
        moment.timeZone = TimeZone(identifier: "UTC")
        moment.dateStyle = .medium
        moment.timeStyle = .short
        twoPlaces = NumberFormatter()
        twoPlaces.locale = language.locale
        twoPlaces.minimumFractionDigits = 2
        twoPlaces.maximumFractionDigits = 2
        twoPlaces.minimumIntegerDigits = 1
    }

    func number(_ value: Double) -> String {
        let formatter = NumberFormatter()
        formatter.locale = language.locale
        formatter.numberStyle = .decimal
        formatter.maximumFractionDigits = 6
        return formatter.string(from: NSNumber(value: value)) ?? String(value)
    }

    func count(_ value: Int) -> String { integer.string(from: NSNumber(value: value)) ?? String(value) }
    func kilograms(_ value: Double) -> String { (decimal.string(from: NSNumber(value: value)) ?? String(value)) + " kg" }
    func score(_ value: Double) -> String { twoPlaces.string(from: NSNumber(value: value)) ?? String(value) }

    /// An ISO 8601 date or timestamp of the contract (`2026-03-14`, `2026-03-14T10:05:00Z`),
    /// written in the locale; anything else as it is.
    func date(_ text: String) -> String {
        guard text.count >= 10 else { return text }
        let parts = text.prefix(10).split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return text }
        var components = DateComponents(calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "UTC"),
                                        year: parts[0], month: parts[1], day: parts[2])
        let hasTime = text.count >= 16 && text.dropFirst(10).first == "T"
        if hasTime {
            let clock = text.dropFirst(11).prefix(5).split(separator: ":").compactMap { Int($0) }
            if clock.count == 2 { components.hour = clock[0]; components.minute = clock[1] }
        }
        guard let date = components.date else { return text }
        return (hasTime ? moment : day).string(from: date)
    }
}
