import Foundation
import RastroIngest
import RastroModel
import RastroResolve
import RastroServer
import RastroShare
@_spi(Testing) import RastroStore
import RastroTesting

/// A node (MX-FUSION) with the `Examples/small` data, a few more consignments (one RED of the
/// node's own, one AMBER released to US-DEA and MX, one whose importer's name starts with `=`), the
/// parties resolved, and analysts of the node (ana) and of US-DEA (tom); the workbench running.
struct WorkbenchWorld {
    let test: TestStore
    let server: RunningServer
    static let password = "correct horse battery"

    static let extra = """
        consignment_id,arrival_date,port_locode,chemical_cas,chemical_name,quantity_kg,importer_name,importer_tax_id,importer_address,exporter_name,exporter_country,origin_port_locode,hs_code,bill_of_lading,vessel_imo,container_id,declared_use,pen_reference,originator,tlp,inspector_notes,releasable_to
        C-RED-1,2026-09-02,MXZLO,67-56-1,Metanol,1200,"Química del Pacífico, S.A. de C.V.",QPA980312AB0,"Blvd. Miguel de la Madrid Hurtado km 9.5, Col. Salahua, Manzanillo, Col., C.P. 28869",Sombra Chemicals Ltd.,CN,CNSHA,2905.11.01,BLRED1,9473121,REDU0000001,Solvente,,MX-FUSION,red,,
        C-US-1,2026-09-03,MXZLO,67-56-1,Metanol,900,"Química del Pacífico, S.A. de C.V.",QPA980312AB0,"Blvd. Miguel de la Madrid Hurtado km 9.5, Col. Salahua, Manzanillo, Col., C.P. 28869",Jiangsu Dongrun Fine Chemicals Co.,CN,CNSHA,2905.11.01,BLUS1,9473121,USAU0000001,Solvente,,MX-SAT,amber,,US-DEA;MX
        C-FORM-1,2026-09-04,MXZLO,108-88-3,Tolueno,100,"=HYPERLINK(""x"") Pinturas Norteñas",PNO010101AA1,"Calle 1, Monterrey, N.L., C.P. 64000",Exporter Inc.,US,USHOU,2902.30.01,BLF1,9473121,FORM0000001,Pinturas,,MX-SAT,clear,,

        """

    static func make(_ backend: TestBackend) async throws -> WorkbenchWorld {
        let test = try await TestStore.make(backend, organization: "MX-FUSION", country: "MX")
        let node = test.settings.viewer
        try await test.store.addMember(Member(orgID: "US-DEA", country: "US", name: "DEA"), by: node)
        _ = try await Ingestor(store: test.store, settings: test.settings, options: IngestOptions())
            .run([Fixtures.packageRoot + "/Examples/small"])
        _ = try await Ingestor(store: test.store, settings: test.settings, options: IngestOptions())
            .run([try Fixtures.folder(["consignments.csv": extra])])
        let hash = Credentials.hashPassword(password, cost: 4)
        for (user, org, role) in [("ana", "MX-FUSION", Viewer.Role.analyst), ("lia", "MX-FUSION", .liaison), ("tom", "US-DEA", .analyst)] {
            try await test.store.addUser(UserAccount(userID: user, orgID: org, role: role, displayName: user, passwordHash: hash), by: node)
        }
        try await resolve(test)
        let server = try await RunningServer.start(test.url)
        return WorkbenchWorld(test: test, server: server)
    }

    /// What `rastro resolve` does: one resolution over every mention, stored.
    static func resolve(_ test: TestStore) async throws {
        let store = test.store, settings = test.settings
        let (mentions, markings) = try await MentionReader.read(in: store, viewer: settings.processingViewer)
        let outcome = Resolution().run(mentions: mentions, markings: markings, decisions: try await store.decisions(),
                                       state: try await store.resolutionState(), reestimate: false, node: settings.organization,
                                       actor: "test", runID: UUID().uuidString.lowercased(), startedAt: "2026-10-01T00:00:00Z",
                                       now: { "2026-10-01T00:00:01Z" })
        try await store.writeResolution(outcome.write)
    }

    /// A browser of `user`, signed in, in Spanish.
    func browser(_ user: String) async throws -> WorkbenchClient {
        let browser = signedOut()
        let answer = try await browser.signIn(user, Self.password)
        guard answer.status == 303, browser.cookies["rastro_session"] != nil else { throw CancellationError() }
        return browser
    }

    /// A browser without a session, in Spanish.
    func signedOut() -> WorkbenchClient { WorkbenchClient(base: server.base, language: "es") }

    /// The entity of the importer of consignment `id`.
    func importerEntity(_ id: String) async throws -> String? {
        try await EntityView.entityID(of: Mention(kind: .consignments, id: id, role: .importer), viewer: test.settings.viewer, in: test.store)
    }

    func stop() async {
        await server.stop()
        await test.dispose()
    }
}
