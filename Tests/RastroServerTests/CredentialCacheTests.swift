import Foundation
@testable import RastroServer
import RastroShare
import RastroStore
import RastroTesting
import Testing

/// The credential cache renews an entry in the background before it expires, and a revoked
/// credential still stops working within the entry's lifetime.
@Suite struct CredentialCacheTests {
    @Test func aRevokedTokenStopsWorkingWithinTheLifetime() async throws {
        let test = try await TestStore.make(.sqlite, organization: "MX-FUSION", country: "MX")
        defer { Task { await test.dispose() } }
        let node = test.settings.viewer
        try await test.store.addMember(Member(orgID: "US-DEA", country: "US", name: "DEA"), by: node)
        try await test.store.addUser(UserAccount(userID: "tom", orgID: "US-DEA", role: .liaison, displayName: "tom"), by: node)
        let token = Credentials.newToken()
        try await test.store.addToken(APITokenRecord(tokenID: token.id, userID: "tom", label: "test"), hash: Credentials.tokenHash(token.token), by: node)
        let lifetime = 1.2
        let cache = CredentialCache(store: test.store, ttl: lifetime)
        let header = "Bearer " + token.token
        let first = await cache.viewer(authorization: header)
        #expect(first?.organization == "US-DEA")
        // Used steadily past its lifetime, the entry is renewed in the background: still accepted.
        let start = Date()
        while Date().timeIntervalSince(start) < 2.5 * lifetime {
            #expect(await cache.viewer(authorization: header)?.organization == "US-DEA")
            try await Task.sleep(for: .milliseconds(50))
        }
        // Revoked: refused within about one lifetime, and from then on.
        try await test.store.revokeToken(token.id, by: node)
        var refusedAfter: Double?
        let revoked = Date()
        while Date().timeIntervalSince(revoked) < 6 * lifetime {
            if await cache.viewer(authorization: header) == nil {
                refusedAfter = Date().timeIntervalSince(revoked)
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let after = try #require(refusedAfter)
        // A check that began before the revocation may renew the entry once more; a second of slack
        // for a loaded CI machine, where a check can wait that long for a core.
        #expect(after <= 2 * lifetime + 1)
        #expect(await cache.viewer(authorization: header) == nil)
        #expect(await cache.viewer(authorization: "Bearer rst_bogus000_nothing") == nil)
    }
}
