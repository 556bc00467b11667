import Testing
@testable import RastroShare

@Suite struct CredentialsTests {
    @Test func passwordsVerifyOnlyThemselves() {
        let hash = Credentials.hashPassword("correct horse battery", cost: 4)
        #expect(hash.hasPrefix("$2"))
        #expect(Credentials.verifyPassword("correct horse battery", hash: hash))
        #expect(!Credentials.verifyPassword("correct horse batterY", hash: hash))
        #expect(!Credentials.verifyPassword("correct horse battery", hash: "plain"))
        #expect(Credentials.hashPassword("correct horse battery", cost: 4) != hash, "every hash has its own salt")
    }

    @Test func knownBcryptVector() {
        // OpenBSD's test vector: "U*U" with salt CCCCCCCCCCCCCCCCCCCCC., cost 5.
        #expect(Credentials.verifyPassword("U*U", hash: "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"))
        #expect(!Credentials.verifyPassword("U*V", hash: "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"))
    }

    @Test func tokensCarryTheirIDAndAreStoredHashed() {
        let (token, id, hash) = Credentials.newToken()
        #expect(Credentials.tokenID(token) == id)
        #expect(id.count == 8)
        #expect(hash == Credentials.tokenHash(token))
        #expect(hash.count == 64)
        #expect(!token.contains("/") && !token.contains("+") && !token.contains("="))
        #expect(Credentials.tokenID("rst_short_x") == nil)
        #expect(Credentials.tokenID("bearer") == nil)
        #expect(Credentials.newToken().token != token)
    }

    @Test func passwordRules() {
        #expect(Credentials.passwordProblem("short") != nil)
        #expect(Credentials.passwordProblem(String(repeating: "é", count: 40)) != nil)
        #expect(Credentials.passwordProblem("a long enough passphrase") == nil)
    }
}
