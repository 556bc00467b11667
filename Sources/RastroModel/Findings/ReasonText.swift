import Foundation

/// A reason's sentence as a message (`ReasonTemplates`, key `reason.` + `key`) and the values that
/// fill its `{name}` slots: the analysis renders it in English for `RiskReason.detail` (the CLI,
/// the JSON outputs, STIX), and the workbench renders it in the reader's language.
public struct ReasonText: Sendable, Hashable, Codable {
    public var key: String
    public var values: [String: ReasonValue]

    public init(_ key: String, _ values: [String: ReasonValue] = [:]) {
        self.key = key
        self.values = values
    }
}

/// What fills a slot of a `ReasonText`.
public indirect enum ReasonValue: Sendable, Hashable, Codable {
    /// Shown as is in every language: ids, names, codes, coordinates and numbers already written
    /// with their decimals (both of the workbench's locales write a decimal point).
    case text(String)
    /// A catalog chemical, by its English and Spanish names.
    case chemical(en: String, es: String)
    /// Another message of the catalog, in the same language (a clause, or a word such as "before").
    case phrase(ReasonText)
}

/// Stored compactly, as reasons are kept for every score of a run: a text as a JSON string, a
/// chemical as `{"en": …, "es": …}`, a phrase as its `ReasonText` object.
extension ReasonValue {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
        } else if let names = try? container.decode([String: String].self), names.count == 2, let en = names["en"], let es = names["es"] {
            self = .chemical(en: en, es: es)
        } else {
            self = .phrase(try container.decode(ReasonText.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .chemical(let en, let es): try container.encode(["en": en, "es": es])
        case .phrase(let text): try container.encode(text)
        }
    }
}

extension ReasonValue: ExpressibleByStringInterpolation {
    public init(stringLiteral value: String) { self = .text(value) }
}

/// The sentences of `ReasonText`, in English and Spanish (`Resources/reasons.json`, keys
/// `reason.` + key): the analysis writes `RiskReason.detail` with the English ones, and the
/// workbench's catalog takes both languages from here.
public enum ReasonTemplates {
    /// Language code → catalog key → template.
    public static let messages: [String: [String: String]] = {
        guard let url = Bundle.module.url(forResource: "reasons", withExtension: "json"),
              let data = try? Data(contentsOf: url),
              let table = try? JSONDecoder().decode([String: [String: String]].self, from: data) else {
            preconditionFailure("the package resource reasons.json is missing or broken")
        }
        return table
    }()

    /// The sentence in `language` (`en` or `es`; English for any other, and for a key the
    /// language lacks), its `{name}` slots filled; a slot with no value is left as it is.
    public static func render(_ text: ReasonText, language: String) -> String {
        let key = "reason." + text.key
        guard let template = messages[language]?[key] ?? messages["en"]?[key] else { return text.key }
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            if let value = text.values[name] {
                switch value {
                case .text(let text): out += text
                case .chemical(let en, let es): out += language == "es" ? es : en
                case .phrase(let inner): out += render(inner, language: language)
                }
            } else {
                out += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
}

extension Chemical {
    /// The chemical as a reason names it: in the reader's language.
    public var reasonValue: ReasonValue { .chemical(en: nameEN, es: nameES) }
}
