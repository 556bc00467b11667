import RastroModel
import Testing

@Suite struct CASNumberTests {
    @Test(arguments: ["108-24-7", "39742-60-4", "21409-26-7", "23056-29-3", "125541-22-2", "1609-66-1", "41661-47-6", "79099-07-3", "7732-18-5"])
    func validNumbersPass(_ text: String) {
        #expect(CASNumber(text)?.text == text)
    }

    @Test func wrongCheckDigitIsNamed() {
        #expect(CASNumber.validate("108-24-8") == .failure(.checkDigit))
        #expect(CASNumber.validate("39742-60-5") == .failure(.checkDigit))
    }

    @Test(arguments: ["", "108247", "108-2-7", "1-24-7", "abc-de-f", "108-24-77", "12345678-12-3"])
    func malformedNumbersAreFormatErrors(_ text: String) {
        #expect(CASNumber.validate(text) == .failure(.format))
    }

    @Test func leadingZerosAndPrefixAreNormalized() {
        #expect(CASNumber("0108-24-7")?.text == "108-24-7")
        #expect(CASNumber("CAS: 108-24-7")?.text == "108-24-7")
        #expect(CASNumber(" 108-24-7 ")?.text == "108-24-7")
    }
}
