import Foundation
import RastroModel

/// A company's name in parts, so that mentions can vary it the way people do: dropping or
/// rewriting the legal form, abbreviating words, losing accents, upper-casing, mistyping.
struct CompanyName: Sendable, Hashable {
    var words: [String]
    var legalForm: String

    var canonical: String { legalForm.isEmpty ? words.joined(separator: " ") : words.joined(separator: " ") + ", " + legalForm }
    var core: String { words.joined(separator: " ") }
}

/// Word lists and the variation people introduce when they write names down. Everything here is
/// invented from common Spanish and English business vocabulary; any likeness to a real company
/// is accidental.
enum Names {
    static let mexicanForms = ["S.A. de C.V.", "S. de R.L. de C.V.", "S.A.P.I. de C.V.", "S.A.", "S.C."]
    static let mexicanFormWeights = [0.55, 0.2, 0.1, 0.1, 0.05]
    static let foreignForms: [String: [String]] = [
        "US": ["Inc.", "LLC", "Corp.", "Co."], "CN": ["Co., Ltd.", "Ltd."], "IN": ["Pvt. Ltd.", "Ltd."],
        "DE": ["GmbH", "AG"], "NL": ["B.V."], "BE": ["NV"], "KR": ["Co., Ltd."], "JP": ["K.K.", "Co., Ltd."], "ES": ["S.L.", "S.A."],
    ]

    static let heads = ["Química", "Químicos", "Industrias", "Distribuidora", "Grupo", "Comercializadora", "Laboratorios",
                        "Farmacéutica", "Solventes", "Reactivos", "Productos Químicos", "Insumos", "Servicios Químicos",
                        "Especialidades Químicas", "Proveedora", "Compañía Química"]
    static let tails = ["del Pacífico", "del Bajío", "de Occidente", "del Norte", "del Golfo", "Azteca", "Mexicana", "Nacional",
                        "Internacional", "del Centro", "Industrial", "Integral", "Moderna", "Continental", "del Sureste",
                        "Tapatía", "Regiomontana", "Poblana", "Jalisciense", "Sinaloense", "Sonorense", "Michoacana",
                        "Peninsular", "Universal", "Delta", "Alfa", "Omega", "Fénix", "Cóndor", "Águila Real", "San Miguel",
                        "Santa Fe", "Guadalupe", "Los Altos", "Valle Verde", "Río Bravo", "Sierra Madre", "Cumbres",
                        "Horizonte", "Atlántida", "Vértice", "Nova", "Prisma", "Cristal", "Vanguardia", "Unión", "Progreso"]
    static let endUserHeads = ["Laboratorios", "Farmacéutica", "Productos Farmacéuticos", "Manufacturas", "Industrias",
                               "Pinturas y Recubrimientos", "Plásticos", "Tenería", "Perfumería", "Biológicos"]
    static let universities = ["Universidad Autónoma de", "Instituto Tecnológico de", "Universidad Politécnica de",
                               "Centro de Investigación Química de"]
    static let carrierHeads = ["Transportes", "Autotransportes", "Fletes", "Logística", "Transportadora", "Carga Pesada"]
    static let brokerHeads = ["Agencia Aduanal", "Servicios Aduanales", "Comercio Exterior", "Agentes Aduanales"]
    static let foreignHeads = ["Chemical", "Pharma", "Fine Chemicals", "Industrial", "Chem", "Bio-Tech", "Materials",
                               "Pharmaceutical", "Trading", "Import & Export", "Synthesis"]
    static let foreignTails: [String: [String]] = [
        "CN": ["Hebei Shengda", "Wuhan Kaixin", "Shanghai Yuanhe", "Jiangsu Hengrui", "Zhejiang Tianyu", "Shandong Xinhua",
               "Hubei Jusheng", "Nanjing Lianhe", "Tianjin Hongda", "Guangzhou Meihua", "Henan Wanxiang", "Anhui Zhongxing"],
        "IN": ["Aarti", "Shree Ganesh", "Vasudha", "Sai Life", "Gujarat Organics", "Deccan", "Mumbai Synth", "Hyderabad Labs"],
        "DE": ["Rheinland", "Nordchemie", "Bayerische", "Elbe"], "NL": ["Maas", "Holland"], "BE": ["Schelde"],
        "US": ["Gulf Coast", "Lone Star", "Pacific", "Midwest", "Atlantic", "Great Lakes", "Texan", "Keystone"],
        "KR": ["Hanil", "Daesung"], "JP": ["Nippon", "Kanto"], "ES": ["Levante", "Iberia"],
    ]

    static let firstNames = ["José", "Juan", "Luis", "Carlos", "Jorge", "Miguel", "Francisco", "Alejandro", "Roberto", "Fernando",
                             "Ricardo", "Eduardo", "Javier", "Sergio", "Arturo", "Raúl", "Héctor", "Óscar", "Manuel", "Jesús",
                             "María", "Guadalupe", "Ana", "Patricia", "Laura", "Claudia", "Verónica", "Gabriela", "Adriana",
                             "Leticia", "Mónica", "Silvia", "Alejandra", "Rocío", "Teresa", "Lucía", "Fernanda", "Sofía"]
    static let surnames = ["Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez", "Ramírez",
                           "Cruz", "Flores", "Gómez", "Morales", "Vázquez", "Reyes", "Jiménez", "Torres", "Díaz", "Gutiérrez",
                           "Ruiz", "Mendoza", "Aguilar", "Ortiz", "Moreno", "Castillo", "Romero", "Álvarez", "Méndez", "Chávez",
                           "Rivera", "Juárez", "Ramos", "Domínguez", "Herrera", "Medina", "Castro", "Vargas", "Guzmán",
                           "Velázquez", "Salazar", "Núñez", "Ibarra", "Zúñiga", "Ochoa", "Quintero", "Beltrán", "Esquivel"]
    static let streets = ["Av. Insurgentes", "Calle Hidalgo", "Av. Juárez", "Calle Morelos", "Av. Revolución", "Calle Allende",
                          "Blvd. Industrial", "Av. de las Industrias", "Calle 5 de Mayo", "Av. Universidad", "Calle Zaragoza",
                          "Av. López Mateos", "Calle Independencia", "Av. Vallarta", "Calle Guerrero", "Carretera Federal 15",
                          "Av. Constitución", "Calle Obregón", "Av. Patria", "Calle Aldama", "Parque Industrial Norte",
                          "Av. Tecnológico", "Calle Matamoros", "Av. Lázaro Cárdenas", "Calle Niños Héroes"]
    static let colonias = ["Centro", "Industrial", "Del Valle", "Las Águilas", "San Rafael", "Jardines", "La Loma", "El Rosario",
                           "Santa Cruz", "Los Pinos", "Moderna", "Reforma", "Obrera", "San José", "Lomas del Sol",
                           "Parque Industrial", "Ciudad Industrial", "El Mirador", "Las Flores", "Nueva Esperanza"]
    static let residentialColonias = ["Infonavit Las Palmas", "Fraccionamiento Los Olivos", "Col. Lomas de San Juan",
                                      "Fraccionamiento Villa Real", "Col. Valle Dorado", "Privada Las Rosas", "Col. Bugambilias"]
    static let declaredUses = ["fabricación de medicamentos", "reventa a usuarios autorizados", "uso industrial",
                               "investigación y docencia", "formulación de productos", "síntesis farmacéutica autorizada"]

    /// Mexican postal code prefixes (first two digits) by state.
    static let postalPrefixes: [String: ClosedRange<Int>] = [
        "MX-AGU": 20...20, "MX-BCN": 21...22, "MX-BCS": 23...23, "MX-CAM": 24...24, "MX-COA": 25...27, "MX-COL": 28...28,
        "MX-CHP": 29...30, "MX-CHH": 31...33, "MX-CMX": 1...16, "MX-DUR": 34...35, "MX-GUA": 36...38, "MX-GRO": 39...41,
        "MX-HID": 42...43, "MX-JAL": 44...49, "MX-MEX": 50...57, "MX-MIC": 58...61, "MX-MOR": 62...62, "MX-NAY": 63...63,
        "MX-NLE": 64...67, "MX-OAX": 68...71, "MX-PUE": 72...75, "MX-QUE": 76...76, "MX-ROO": 77...77, "MX-SLP": 78...79,
        "MX-SIN": 80...82, "MX-SON": 83...85, "MX-TAB": 86...86, "MX-TAM": 87...89, "MX-TLA": 90...90, "MX-VER": 91...96,
        "MX-YUC": 97...97, "MX-ZAC": 98...99,
    ]

    static let abbreviations: [String: String] = [
        "Química": "Quím.", "Químicos": "Quím.", "Compañía": "Cía.", "Distribuidora": "Distr.", "Internacional": "Int'l",
        "Industrias": "Inds.", "Laboratorios": "Labs.", "Comercializadora": "Comerc.", "Productos": "Prods.",
        "Servicios": "Servs.", "Farmacéutica": "Farm.", "Nacional": "Nal.", "Transportes": "Transp.",
    ]

    // MARK: - Making names

    static func mexicanCompany(_ random: inout SimRandom, heads: [String] = heads) -> CompanyName {
        var words = [random.pick(heads)]
        if random.chance(0.75) { words.append(random.pick(tails)) } else { words.append(random.pick(surnames)) }
        if random.chance(0.12) { words.append(random.pick(["y Asociados", "Hermanos", "e Hijos", "Global", "Plus"])) }
        return CompanyName(words: words.flatMap { $0.split(separator: " ").map(String.init) },
                           legalForm: mexicanForms[random.weighted(mexicanFormWeights)])
    }

    static func foreignCompany(_ random: inout SimRandom, country: String) -> CompanyName {
        let tail = random.pick(foreignTails[country] ?? ["Global"])
        let head = random.pick(foreignHeads)
        return CompanyName(words: (tail + " " + head).split(separator: " ").map(String.init),
                           legalForm: random.pick(foreignForms[country] ?? ["Ltd."]))
    }

    static func person(_ random: inout SimRandom) -> String {
        "\(random.pick(firstNames)) \(random.pick(surnames)) \(random.pick(surnames))"
    }

    static func phone(_ random: inout SimRandom, city: String) -> String {
        let area: String
        switch city {
        case "Mexico City", "Iztapalapa", "Ecatepec de Morelos", "Nezahualcóyotl", "Naucalpan de Juárez": area = "55"
        case "Guadalajara", "Zapopan", "Tlaquepaque", "Tonalá": area = "33"
        case "Monterrey", "Guadalupe", "Apodaca", "San Nicolás de los Garza": area = "81"
        default: area = String(random.int(221...999))
        }
        var digits = area
        while digits.count < 10 { digits += String(random.int(0...9)) }
        return "+52" + digits
    }

    /// A valid company RFC: three letters from the name, the incorporation date, homoclave, check digit.
    static func companyRFC(_ random: inout SimRandom, name: CompanyName, founded day: Int) -> String {
        let letters = name.words.filter { $0.count > 2 && !["del", "de", "los", "las", "y"].contains($0.lowercased()) }
            .map { plainUpper($0).filter { $0.isLetter } }
            .filter { !$0.isEmpty }
        var initials = String(letters.prefix(3).compactMap(\.first))
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        while initials.count < 3 { initials.append(random.pick(alphabet)) }
        let date = Calendar.civil(day)
        let stamp = String(format2(date.year % 100)) + format2(date.month) + format2(date.day)
        let homo = Array("ABCDEFGHIJKLMNPQRSTUVWXYZ123456789")
        var body = initials + stamp + String(random.pick(homo)) + String(random.pick(homo))
        guard let digit = RFC.checkDigit(body) else { return body + "0" }
        body.append(digit)
        return body
    }

    /// The same RFC with one plausible slip (a changed homoclave or check character).
    static func mistyped(rfc: String, _ random: inout SimRandom) -> String {
        var characters = Array(rfc)
        guard characters.count >= 12 else { return rfc }
        let position = characters.count - 1 - random.int(0...2)
        let replacement = random.pick(Array("ABCDEFGHJKLMNPRSTUVWXYZ0123456789").filter { $0 != characters[position] })
        characters[position] = replacement
        return String(characters)
    }

    static func format2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    static func plainUpper(_ text: String) -> String {
        String(stripAccents(text).uppercased())
    }

    static func stripAccents(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "á": out.append("a"); case "é": out.append("e"); case "í": out.append("i"); case "ó": out.append("o")
            case "ú", "ü": out.append("u"); case "ñ": out.append("n")
            case "Á": out.append("A"); case "É": out.append("E"); case "Í": out.append("I"); case "Ó": out.append("O")
            case "Ú", "Ü": out.append("U"); case "Ñ": out.append("N")
            default: out.append(character)
            }
        }
        return out
    }

    // MARK: - Variation

    /// How much a mention's writer varies a name: honest paperwork mostly copies it, fronts and
    /// the schemes' mentions vary it more.
    enum Care { case careful, ordinary, sloppy }

    static func variant(_ name: CompanyName, _ random: inout SimRandom, care: Care) -> String {
        let keep: Double = care == .careful ? 0.75 : care == .ordinary ? 0.5 : 0.2
        if random.chance(keep) { return name.canonical }
        var words = name.words
        var form = name.legalForm
        switch random.int(0...9) {
        case 0, 1: // no legal form
            form = ""
        case 2, 3: // legal form without punctuation, upper case
            form = form.replacingOccurrences(of: ".", with: "").replacingOccurrences(of: ",", with: "").uppercased()
        case 4: // abbreviations
            words = words.map { abbreviations[$0] ?? $0 }
        default: break
        }
        var text = form.isEmpty ? words.joined(separator: " ") : words.joined(separator: " ") + (random.chance(0.5) ? ", " : " ") + form
        if random.chance(care == .sloppy ? 0.5 : 0.3) { text = plainUpper(text) } else if random.chance(0.2) { text = stripAccents(text) }
        if random.chance(care == .careful ? 0.02 : care == .ordinary ? 0.06 : 0.2) { text = typo(text, &random) }
        return text
    }

    /// One keyboard slip: a dropped, doubled or swapped letter.
    static func typo(_ text: String, _ random: inout SimRandom) -> String {
        var characters = Array(text)
        let letters = characters.indices.filter { characters[$0].isLetter }
        guard letters.count > 4 else { return text }
        let position = letters[random.int(1...(letters.count - 2))]
        switch random.int(0...2) {
        case 0: characters.remove(at: position)
        case 1: characters.insert(characters[position], at: position)
        default:
            if position + 1 < characters.count, characters[position + 1].isLetter { characters.swapAt(position, position + 1) }
        }
        return String(characters)
    }

    static func personVariant(_ name: String, _ random: inout SimRandom) -> String {
        switch random.int(0...5) {
        case 0: return plainUpper(name)
        case 1:
            let parts = name.split(separator: " ")
            return parts.count == 3 ? "\(parts[1]) \(parts[2]) \(parts[0])" : name
        case 2: return stripAccents(name)
        default: return name
        }
    }
}

/// Civil dates from day numbers (days since 1970-01-01), through the model's own conversions.
enum Calendar {
    static func civil(_ days: Int) -> (year: Int, month: Int, day: Int) { Timestamp.civilFromDays(days) }

    static func days(year: Int, month: Int, day: Int) -> Int { Timestamp.daysFromCivil(year: year, month: month, day: day) }

    static func date(_ days: Int) -> String {
        let (year, month, day) = civil(days)
        return "\(year)-\(Names.format2(month))-\(Names.format2(day))"
    }
}
