import Foundation
import RastroTesting
import Testing

/// End-to-end on the `rastro` binary: a Mexican analyst sends a lead to a US liaison working in
/// the Mexican node; the liaison sees the lead and the evidence released to it, never the RED
/// records behind it; the outcome flows back; the audit log verifies.
@Suite struct SharingCommandTests {
    func rastro(_ arguments: [String], _ url: String, as who: String? = nil, stdin: String? = nil) async throws -> RastroProcess.Result {
        var full = arguments + ["--database", url]
        if let who { full += ["--as", who] }
        return try await RastroProcess.run(full)
    }

    func json(_ result: RastroProcess.Result) throws -> Any {
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    @Test(arguments: TestBackend.all)
    func leadFromAMexicanAnalystToAUSLiaison(_ backend: TestBackend) async throws {
        let url = backend.freshURL()
        #expect(try await rastro(["init", "--organization", "MX-SAT", "--country", "MX"], url).status == 0)
        #expect(try await rastro(["ingest", Fixtures.packageRoot + "/Examples/small"], url).status == 0)
        // An informant's report the node keeps to itself (RED), naming an importer of the example.
        let red = try Fixtures.file("incidents.csv", """
            incident_id,date,kind,entity_names,description,tlp,releasable_to,originator
            INC-RED-1,2026-08-01,suspicious_order,Quim. del Pacifico,informant: orders for a third party,red,US-DEA,MX-SAT
            """)
        #expect(try await rastro(["ingest", red], url).status == 0)
        #expect(try await rastro(["analyze", "--json"], url).status == 0)
        #expect(try await rastro(["org", "add", "US-DEA", "--country", "US", "--name", "DEA liaison office"], url).status == 0)
        #expect(try await rastro(["user", "add", "ana", "--org", "MX-SAT", "--role", "analyst", "--no-password"], url).status == 0)
        #expect(try await rastro(["user", "add", "tom", "--org", "US-DEA", "--role", "liaison", "--no-password"], url).status == 0)
        // A liaison is not an admin.
        let refused = try await rastro(["user", "add", "eve", "--org", "US-DEA", "--role", "admin", "--no-password"], url, as: "tom")
        #expect(refused.status == 2 && refused.stderr.contains("not an admin"))

        // The analyst picks the top consignment alert and sends it.
        let alerts = try #require(try json(try await rastro(["alerts", "--json"], url, as: "ana")) as? [[String: Any]])
        let top = try #require(alerts.first { alert in
            alert["kind"] as? String == "consignments" && ((alert["reasons"] as? [[String: Any]]) ?? []).contains { reason in
                ((reason["evidence"] as? [[String: String]]) ?? []).contains { $0["id"] == "INC-RED-1" }
            }
        }, "an alert should rest on the RED report")
        let consignment = try #require(top["id"] as? String)
        let created = try await rastro(["lead", "create", "--consignment", consignment, "--title", "Mislabelled precursor", "--summary",
                                  "Please check the buyer", "--json"], url, as: "ana")
        let lead = try #require((try json(created) as? [String: Any])?["leadID"] as? String)
        let send = try await rastro(["lead", "send", lead, "--to", "US-DEA"], url, as: "ana")
        #expect(send.status == 0, "\(send.stderr)")
        #expect(send.stderr.contains("withheld"))

        // What the analyst sees, with each evidence record's marking.
        let mine = try #require(try json(try await rastro(["lead", "show", lead, "--json"], url, as: "ana")) as? [String: Any])
        let evidence = try #require(mine["evidence"] as? [[String: String]])
        var redEvidence: [String] = []
        for reference in evidence {
            let shown = try #require(try json(try await rastro(["show", reference["kind"]!, reference["id"]!, "--json"], url)) as? [[String: Any]])
            if shown.last?["tlp"] as? String == "red" { redEvidence.append(reference["kind"]! + "/" + reference["id"]!) }
        }
        #expect(redEvidence == ["incidents/INC-RED-1"])

        // The liaison: the lead, the released evidence, never a RED record.
        let theirs = try #require(try json(try await rastro(["lead", "show", lead, "--json"], url, as: "tom")) as? [String: Any])
        let released = try #require(theirs["evidence"] as? [[String: String]]).map { $0["kind"]! + "/" + $0["id"]! }
        #expect(!released.isEmpty && released.count < evidence.count)
        #expect(Set(released).isDisjoint(with: redEvidence))
        #expect(theirs["withheldEvidence"] == nil, "the recipient is not told what it does not get")
        for reference in released {
            let parts = reference.split(separator: "/", maxSplits: 1).map(String.init)
            #expect(try await rastro(["show", parts[0], parts[1]], url, as: "tom").status == 0)
        }
        for reference in redEvidence {
            let parts = reference.split(separator: "/", maxSplits: 1).map(String.init)
            let hidden = try await rastro(["show", parts[0], parts[1]], url, as: "tom")
            #expect(hidden.status == 1 && hidden.stdout.isEmpty)
        }
        let leadText = try await rastro(["lead", "show", lead], url, as: "tom").stdout
        for reference in redEvidence { #expect(!leadText.contains(reference.split(separator: "/").last!)) }
        #expect(!leadText.contains("informant"))
        if !released.contains("consignments/" + consignment) {
            #expect(!leadText.contains(consignment), "the subject's id reached a liaison who may not see its record")
        }
        #expect(!leadText.contains("withheld"), "the recipient is not told that something was withheld")
        // Findings for the liaison hold nothing that rests on what it may not see.
        let findings = try #require(try json(try await rastro(["findings"], url, as: "tom")) as? [String: Any])
        let all = try #require(try json(try await rastro(["findings"], url)) as? [String: Any])
        #expect(((findings["consignments"] as? [Any]) ?? []).count < ((all["consignments"] as? [Any]) ?? []).count)

        // The liaison works the lead; its notes stay its own; the outcome returns.
        #expect(try await rastro(["lead", "note", lead, "asked CBP for the container"], url, as: "tom").status == 0)
        #expect(try await rastro(["lead", "ack", lead], url, as: "tom").status == 0)
        #expect(try await rastro(["lead", "outcome", lead, "seizure"], url, as: "tom").status == 1, "an outcome needs the lead accepted")
        #expect(try await rastro(["lead", "decide", lead, "accept", "--reason", "in our area"], url, as: "tom").status == 0)
        #expect(try await rastro(["lead", "ack", lead], url, as: "ana").status == 1, "only the recipient acknowledges")
        #expect(try await rastro(["lead", "outcome", lead, "seizure", "--note", "120 kg"], url, as: "tom").status == 0)
        let back = try #require(try json(try await rastro(["lead", "show", lead, "--json"], url, as: "ana")) as? [String: Any])
        #expect((back["lead"] as? [String: Any])?["outcome"] as? String == "seizure")
        let history = try #require(back["history"] as? [[String: Any]])
        #expect(!history.contains { $0["action"] as? String == "note" }, "the liaison's note stayed with US-DEA")
        let summary = try #require(try json(try await rastro(["analyze", "--json"], url)) as? [String: Any])
        let precision = try #require(summary["leadPrecision"] as? [[String: Any]])
        #expect(!precision.isEmpty && precision.allSatisfy { $0["confirmed"] as? Int == 1 })

        // Who saw what is on the record, and the record is intact.
        let log = try #require(try json(try await rastro(["audit", "log", "--limit", "200", "--json"], url)) as? [[String: Any]])
        let tomReads = log.filter { $0["actor"] as? String == "tom" && $0["action"] as? String == "read" }
        #expect(!tomReads.isEmpty)
        #expect(log.contains { $0["actor"] as? String == "tom" && $0["action"] as? String == "lead.outcome" })
        var keyOption: [String] = []
        if url.hasPrefix("postgres") { keyOption = ["--signing-key", try Fixtures.folder([:]) + "/node.key"] }
        #expect(try await rastro(["audit", "checkpoint"] + keyOption, url).status == 0)
        let verify = try await rastro(["audit", "verify"] + keyOption, url)
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
    }

    /// `rastro stats` counts from the marking census once it has built it, rebuilds it after a
    /// load, and answers each viewer as the scan would (the RED report is the node's alone).
    @Test(arguments: TestBackend.all)
    func statsFollowLoadsThroughTheCensus(_ backend: TestBackend) async throws {
        let url = backend.freshURL()
        #expect(try await rastro(["init", "--organization", "MX-SAT", "--country", "MX"], url).status == 0)
        #expect(try await rastro(["ingest", Fixtures.packageRoot + "/Examples/small"], url).status == 0)
        #expect(try await rastro(["org", "add", "US-DEA", "--country", "US", "--name", "DEA liaison office"], url).status == 0)
        let incidents: (String?) async throws -> [Int] = { who in
            let stats = try #require(try json(try await rastro(["stats", "--json"], url, as: who)) as? [[String: Any]])
            let rows = stats.filter { $0["kind"] as? String == "incidents" }
            let records = { (rows: [[String: Any]]) in rows.reduce(0) { $0 + ($1["records"] as? Int ?? 0) } }
            return [records(rows), records(rows.filter { $0["tlp"] as? String == "red" })]
        }
        let before = try await incidents(nil), liaisonBefore = try await incidents("US-DEA")
        #expect(try await incidents(nil) == before, "the census's answer is the scan's")
        let red = try Fixtures.file("incidents.csv", """
            incident_id,date,kind,entity_names,description,tlp,releasable_to,originator
            INC-RED-1,2026-08-01,suspicious_order,Quim. del Pacifico,informant: orders for a third party,red,US-DEA,MX-SAT
            """)
        #expect(try await rastro(["ingest", red], url).status == 0)
        #expect(try await incidents(nil) == [before[0] + 1, before[1] + 1])
        #expect(try await incidents("US-DEA") == liaisonBefore)
        #expect(try await incidents(nil) == [before[0] + 1, before[1] + 1])
    }
}
