import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RastroModel
import RastroIngest
import RastroShare
@_spi(Testing) import RastroStore
import RastroTesting

/// A browser for workbench tests: keeps cookies, never follows redirects, reads pages as text. The
/// one HTTP client of the workbench's tests.
final class WorkbenchClient: @unchecked Sendable {
    struct Page {
        var status: Int
        var headers: [String: [String]]
        var body: String
        func header(_ name: String) -> String? { headers[name.lowercased()]?.first }
        /// The value of the first hidden `_csrf` field.
        var csrf: String? {
            guard let range = body.range(of: #"name="_csrf" value=""#) else { return nil }
            return String(body[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    static let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
    let base: String
    /// Sent as `Accept-Language` when set (the server otherwise answers in its default language).
    let language: String?
    var cookies: [String: String] = [:]

    init(base: String, language: String? = nil) {
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.language = language
    }

    func get(_ path: String) async throws -> Page { try await send(path, method: .GET, form: nil) }

    func post(_ path: String, _ form: [(String, String)], origin: String? = nil) async throws -> Page {
        try await send(path, method: .POST, form: form, origin: origin)
    }

    private func send(_ path: String, method: HTTPMethod, form: [(String, String)]?, origin: String? = nil) async throws -> Page {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if !cookies.isEmpty {
            request.headers.add(name: "Cookie", value: cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; "))
        }
        if let origin { request.headers.add(name: "Origin", value: origin) }
        if let language { request.headers.add(name: "Accept-Language", value: language) }
        if let form {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            let body = form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
            request.body = .bytes(ByteBuffer(string: body))
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        }
        let response = try await Self.client.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 32 * 1024 * 1024)
        var headers: [String: [String]] = [:]
        for header in response.headers { headers[header.name.lowercased(), default: []].append(header.value) }
        for line in headers["set-cookie"] ?? [] {
            let pair = line.split(separator: ";").first.map(String.init) ?? ""
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else { continue }
            if parts[1].isEmpty || line.lowercased().contains("max-age=0") { cookies[parts[0]] = nil } else { cookies[parts[0]] = parts[1] }
        }
        return Page(status: Int(response.status.code), headers: headers, body: String(buffer: bytes))
    }

    /// Signs in through the form, as a browser does.
    @discardableResult
    func signIn(_ user: String, _ password: String) async throws -> Page {
        let form = try await get("/login")
        return try await post("/login", [("_csrf", form.csrf ?? ""), ("user", user), ("password", password), ("next", "/")])
    }
}

/// A node MX-FUSION with a US member, three users and three consignments: one released to
/// US-DEA, one for Mexico only, and one TLP:RED of MX-FUSION's own.
struct WorkbenchFixture {
    let test: TestStore
    static let released = "C-26-0000001", mexicoOnly = "C-26-0000002", red = "C-26-0000003"
    static let passwords = ["ana": "ana-password-1", "tom": "tom-password-1", "root": "root-password-1"]

    static func make(_ backend: TestBackend) async throws -> WorkbenchFixture {
        let test = try await TestStore.make(backend, organization: "MX-FUSION", country: "MX")
        let node = test.settings.viewer
        try await test.store.addMember(Member(orgID: "US-DEA", country: "US", name: "DEA"), by: node)
        for (user, org, role) in [("ana", "MX-FUSION", Viewer.Role.analyst), ("tom", "US-DEA", .liaison), ("root", "MX-FUSION", .admin)] {
            try await test.store.addUser(UserAccount(userID: user, orgID: org, role: role, displayName: user,
                                                     passwordHash: Credentials.hashPassword(passwords[user]!, cost: 4)), by: node)
        }
        let header = "consignment_id,arrival_date,port_locode,chemical_cas,quantity_kg,importer_name,originator,tlp,releasable_to"
        let folder = try Fixtures.folder(["consignments.csv": """
            \(header)
            \(released),2026-03-02,MXZLO,41661-47-6,500,Quimica Released SA de CV,MX-ANAM,amber,MX;US-DEA
            \(mexicoOnly),2026-03-05,MXZLO,41661-47-6,250,Importadora Solo Mexico SA,MX-ANAM,amber,MX
            \(red),2026-04-01,MXLZC,79099-07-3,75,Secreto Rojo SA,MX-FUSION,red,

            """])
        _ = try await Ingestor(store: test.store, settings: test.settings, options: IngestOptions()).run([folder])
        return WorkbenchFixture(test: test)
    }
}
