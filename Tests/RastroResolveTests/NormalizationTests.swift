import RastroModel
import RastroResolve
import Testing

/// Names, addresses, phones and tax ids made comparable: every legal form, abbreviation and
/// accent case of the tables.
@Suite struct NormalizationTests {
    @Test(arguments: [
        ("Química del Pacífico, S.A. de C.V.", "quimica pacifico", "sa de cv"),
        ("QUIMICA DEL PACIFICO SA DE CV", "quimica pacifico", "sa de cv"),
        ("Quím. del Pacifico", "quimica pacifico", nil),
        ("Distribuidora Azteca, S. de R.L. de C.V.", "distribuidora azteca", "s de rl de cv"),
        ("Distr. Azteca S DE RL DE CV", "distribuidora azteca", "s de rl de cv"),
        ("Grupo Vértice, S.A.P.I. de C.V.", "grupo vertice", "sapi de cv"),
        ("GPO VERTICE SAPI DE CV", "grupo vertice", "sapi de cv"),
        ("Servicios Químicos Unión, S.C.", "servicios quimica union", "sc"),
        ("Fundación Química, A.C.", "fundacion quimica", "ac"),
        ("Cía. Química Nacional, S.A.", "compania quimica nacional", "sa"),
        ("Comerc. Int'l del Norte", "comercializadora internacional norte", nil),
        ("Gulf Coast Chemical, Inc.", "gulf coast chemical", "inc"),
        ("Lone Star Pharma LLC", "lone star pharmaceutical", "llc"),
        ("Hebei Shengda Fine Chemicals Co., Ltd.", "hebei shengda fine chemical", "co ltd"),
        ("Keystone Materials Corp.", "keystone materials", "corp"),
        ("Midwest Trading Co.", "midwest trading", "co"),
        ("Pacific Synthesis Ltd.", "pacific synthesis", "ltd"),
        ("Labs. Farm. Hnos. Ñúñez", "laboratorios farmaceutica hermanos nunez", nil),
    ] as [(String, String, String?)])
    func companyNames(_ raw: String, _ core: String, _ form: String?) {
        let name = NormalizedName(raw)
        #expect(name.core == core, "\(raw)")
        #expect(name.legalForm == form, "\(raw)")
    }

    @Test func foldingRemovesAccentsCaseAndPunctuation() {
        #expect(Fold.text("  ÁÉÍÓÚ áéíóú Üü Ññ Çç  ") == "aeiou aeiou uu nn cc")
        #expect(Fold.text("S.A. de C.V.") == "s a de c v")
        #expect(Fold.text("Int'l / 5 de Mayo #12") == "intl 5 de mayo 12")
    }

    @Test func addresses() {
        let a = NormalizedAddress("Av. Insurgentes Sur No. 1602, Col. Crédito Constructor, C.P. 03940, Ciudad de México")
        #expect(a.street == ["avenida", "insurgentes", "sur"])
        #expect(a.number == "1602")
        #expect(a.postalCode == "03940")
        #expect(a.colonia == ["credito", "constructor"])
        let b = NormalizedAddress("AVENIDA INSURGENTES SUR #1602 COL CREDITO CONSTRUCTOR CP 03940")
        #expect(b.streetKey == a.streetKey && b.number == a.number && b.postalCode == a.postalCode)
        let c = NormalizedAddress("Calle Hidalgo 2591, Col. Industrial, C.P. 57224, Texcoco de Mora, México")
        #expect(c.street == ["calle", "hidalgo"] && c.number == "2591" && c.postalCode == "57224")
        #expect(NormalizedAddress("Blvd. Industrial 10").street == ["bulevar", "industrial"])
    }

    @Test(arguments: [
        ("33 1234 5678", "+523312345678"), ("(33) 1234-5678", "+523312345678"), ("+52 33 1234 5678", "+523312345678"),
        ("+52 1 33 1234 5678", "+523312345678"), ("044 33 1234 5678", "+523312345678"), ("01 33 1234 5678", "+523312345678"),
        ("0052 33 1234 5678", "+523312345678"), ("1234", nil),
    ] as [(String, String?)])
    func mexicanPhones(_ raw: String, _ expected: String?) {
        #expect(Phone.e164(raw) == expected, "\(raw)")
    }

    @Test func usPhones() {
        #expect(Phone.e164("(713) 555-0100", defaultCountry: "US") == "+17135550100")
        #expect(Phone.e164("+1 713 555 0100") == "+17135550100")
    }

    /// Real-form RFCs: companies (12 characters) and persons (13), the check digit computed by SAT's rule.
    @Test func rfcValidation() {
        for valid in ["SAT970701NN3", "CFE370814QI0", "TME840315KT6", "GODE561231GR8", "XEXX010101000"] {
            #expect((try? RFC.validate(valid).get())?.text == valid, "\(valid)")
        }
        #expect((try? RFC.validate("sat-970701-nn3").get())?.text == "SAT970701NN3")
        #expect(RFC.validate("SAT970701NN4") == .failure(.checkDigit))
        #expect(RFC.validate("SAT971301NN3") == .failure(.date))
        #expect(RFC.validate("SAT970230NN3") == .failure(.date))
        #expect(RFC.validate("S4T970701NN3") == .failure(.letters))
        #expect(RFC.validate("SAT97070NN3") == .failure(.length))
        #expect(RFC.checkDigit("SAT970701NN") == "3")
    }

    @Test func phoneticKeysJoinSpellingsThatSoundAlike() {
        #expect(Phonetic.key("Vázquez") == Phonetic.key("Basquez"))
        #expect(Phonetic.key("Química") == Phonetic.key("Kimica"))
        #expect(Phonetic.key("Llanos") == Phonetic.key("Yanos"))
        #expect(Phonetic.key("Hernández") == Phonetic.key("Ernandes"))
        #expect(Phonetic.key("Gerardo") == Phonetic.key("Jerardo"))
        #expect(Phonetic.key("Pacífico") != Phonetic.key("Atlántico"))
    }

    @Test func similarityMeasures() {
        #expect(Similarity.jaroWinkler("martha", "marhta") > 0.96 && Similarity.jaroWinkler("martha", "marhta") < 0.962)
        #expect(Similarity.jaroWinkler("dixon", "dicksonx") > 0.81 && Similarity.jaroWinkler("dixon", "dicksonx") < 0.82)
        #expect(Similarity.jaroWinkler("abc", "abc") == 1 && Similarity.jaroWinkler("abc", "xyz") == 0)
        #expect(Similarity.editDistance("SAT970701NN3", "SAT970701NM3") == 1)
        #expect(Similarity.editDistance("SAT970701NN3", "SAT970701N3N") == 1)
        #expect(Similarity.editDistance("abc", "xyzw", limit: 2) == 3)
    }
}
