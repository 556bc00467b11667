/// Case and accent folding for matching: lower case, Latin accents removed (ñ → n), everything
/// that is not a letter or digit turned into a single space, trimmed.
public enum Fold {
    public static func text(_ input: String) -> String {
        var out = ""
        out.reserveCapacity(input.utf8.count)
        var pendingSpace = false
        for scalar in input.unicodeScalars {
            guard let folded = fold(scalar) else {
                pendingSpace = !out.isEmpty
                continue
            }
            if folded.isEmpty { continue }
            if pendingSpace {
                out.append(" ")
                pendingSpace = false
            }
            out.append(folded)
        }
        return out
    }

    /// Words of the folded text.
    public static func words(_ input: String) -> [String] {
        text(input).split(separator: " ").map(String.init)
    }

    /// One scalar folded: lower-case letters or digits, "" for joiners (`'` in `Int'l` → `intl`),
    /// nil for separators.
    static func fold(_ scalar: Unicode.Scalar) -> String? {
        switch scalar.value {
        case 0x30...0x39, 0x61...0x7A: return String(Character(scalar))
        case 0x41...0x5A: return String(Character(Unicode.Scalar(scalar.value + 0x20)!))
        case 0x27, 0x2019: return ""
        default: break
        }
        switch scalar {
        case "á", "à", "ä", "â", "ã", "Á", "À", "Ä", "Â", "Ã": return "a"
        case "é", "è", "ë", "ê", "É", "È", "Ë", "Ê": return "e"
        case "í", "ì", "ï", "î", "Í", "Ì", "Ï", "Î": return "i"
        case "ó", "ò", "ö", "ô", "õ", "Ó", "Ò", "Ö", "Ô", "Õ": return "o"
        case "ú", "ù", "ü", "û", "Ú", "Ù", "Ü", "Û": return "u"
        case "ñ", "Ñ": return "n"
        case "ç", "Ç": return "c"
        default:
            return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                ? String(Character(scalar)).lowercased() : nil
        }
    }
}
