import Foundation
import RastroIngest
import RastroModel
import RastroShare
@_spi(Testing) import RastroStore
import RastroTesting
import Testing

/// Randomized: organizations, users, markings, records (with re-marked second versions), derived
/// results and leads; every read path is checked against `Reference`, a deliberately plain
/// transcription of docs/sharing.md. Zero leaks allowed, counts and derived results included.
@Suite struct PolicyPropertyTests {
    struct Random {
        var generator: SplitMix64
        init(state: UInt64) { generator = SplitMix64(seed: state) }
        mutating func next() -> UInt64 { generator.next() }
        mutating func int(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
        mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }
        mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
        mutating func subset<T>(_ items: [T], percent: Int) -> [T] { items.filter { _ in chance(percent) } }
    }

    /// The node is MX-SAT. Members: these, with their countries; XX- and ZZ- originators are not.
    static let members: [(String, String)] = [("MX-SAT", "MX"), ("MX-SEMAR", "MX"), ("US-DEA", "US"), ("US-CBP", "US"), ("CO-DIJIN", "CO")]
    static let originators = ["MX-SAT", "MX-SEMAR", "US-DEA", "US-CBP", "CO-DIJIN", "MX-FGR", "ZZ-UNKNOWN"]
    static let parties = ["MX", "US", "CO", "US-DEA", "us-cbp", "MX-SEMAR", "CO-DIJIN", "MX-FGR", "GT"]

    /// The policy, written out plainly from the table in docs/sharing.md.
    enum Reference {
        static func visible(_ marking: Marking, to viewer: Viewer) -> Bool {
            let organization = viewer.organization.uppercased()
            if marking.originator == viewer.organization { return true }
            switch marking.tlp {
            case .clear, .green: return true
            case .amber: return marking.releasableTo.contains(organization) || marking.releasableTo.contains(viewer.country)
            case .amberStrict: return marking.releasableTo.contains(organization)
            case .red: return false
            }
        }

        static func countryOf(_ originator: String) -> String? {
            if let member = members.first(where: { $0.0 == originator.uppercased() }) { return member.1 }
            if originator.uppercased().hasPrefix("MX-") { return "MX" }   // MX-FGR: by its id's prefix
            return nil                                                    // ZZ is no country
        }

        static func personalWithheld(_ marking: Marking, from viewer: Viewer) -> Bool {
            if marking.originator.uppercased() == viewer.organization.uppercased() { return false }
            if marking.releasableTo.contains(viewer.organization.uppercased()) { return false }
            return countryOf(marking.originator) != viewer.country
        }
    }

    struct Row {
        var kind: Kind
        var id: String
        var marking: Marking
        var personal: [String: String]
    }

    static func marking(_ random: inout Random) -> (tlp: String, releasable: String, originator: String) {
        let tlp = random.pick(["clear", "green", "amber", "amber", "amber+strict", "red"])
        let releasable = random.subset(parties, percent: 25).joined(separator: ";")
        return (tlp, releasable, random.pick(originators))
    }

    /// Writes one version of every record; returns what was written, by kind and id.
    static func write(_ random: inout Random, organizations: Int, consignments: Int, incidents: Int) throws -> (String, [Row]) {
        var rows: [Row] = []
        var orgCSV = "org_id,name,country,representative,phone,email,tlp,releasable_to,originator\n"
        for index in 0..<organizations {
            let (tlp, releasable, originator) = marking(&random)
            let person = "Persona \(random.int(1000))", phone = "+52 33 \(1000 + random.int(8999)) 0000", email = "p\(index)@example.mx"
            orgCSV += "ORG-\(index),Empresa \(index),MX,\(person),\(phone),\(email),\(tlp),\(releasable),\(originator)\n"
            rows.append(Row(kind: .organizations, id: "ORG-\(index)",
                            marking: Marking(tlp: TLP(rawValue: tlp)!, releasableTo: releasable.split(separator: ";").map(String.init), originator: originator),
                            personal: ["representative": person, "phone": phone, "email": email]))
        }
        var consignmentCSV = "consignment_id,arrival_date,port_locode,chemical_cas,quantity_kg,importer_name,tlp,releasable_to,originator\n"
        for index in 0..<consignments {
            let (tlp, releasable, originator) = marking(&random)
            consignmentCSV += "C-\(index),2026-03-0\(1 + random.int(9)),MXZLO,39742-60-4,\(10 + random.int(500)),Empresa \(random.int(organizations)),\(tlp),\(releasable),\(originator)\n"
            rows.append(Row(kind: .consignments, id: "C-\(index)",
                            marking: Marking(tlp: TLP(rawValue: tlp)!, releasableTo: releasable.split(separator: ";").map(String.init), originator: originator),
                            personal: [:]))
        }
        var incidentCSV = "incident_id,date,kind,entity_names,description,tlp,releasable_to,originator\n"
        for index in 0..<incidents {
            let (tlp, releasable, originator) = marking(&random)
            let names = "Empresa \(random.int(organizations));Juan \(random.int(100))", description = "informe \(index)"
            incidentCSV += "INC-\(index),2026-04-0\(1 + random.int(9)),seizure,\(names),\(description),\(tlp),\(releasable),\(originator)\n"
            rows.append(Row(kind: .incidents, id: "INC-\(index)",
                            marking: Marking(tlp: TLP(rawValue: tlp)!, releasableTo: releasable.split(separator: ";").map(String.init), originator: originator),
                            personal: ["entity_names": names, "description": description]))
        }
        let folder = try Fixtures.folder(["organizations.csv": orgCSV, "consignments.csv": consignmentCSV, "incidents.csv": incidentCSV])
        return (folder, rows)
    }

    @Test(arguments: TestBackend.all.flatMap { backend in (backend == .sqlite ? [11, 12, 13] : [21] as [UInt64]).map { (backend, $0) } })
    func everyReadPathMatchesTheReferencePolicy(_ backend: TestBackend, _ seed: UInt64) async throws {
        var random = Random(state: seed)
        let test = try await TestStore.make(backend, organization: "MX-SAT", country: "MX")
        defer { Task { await test.dispose() } }
        let store = test.store
        let admin = test.settings.viewer
        for (organization, country) in Self.members where organization != "MX-SAT" {
            try await store.addMember(Member(orgID: organization, country: country, name: organization), by: admin)
        }
        var viewers: [Viewer] = []
        for (index, (organization, country)) in Self.members.enumerated() {
            let role = random.pick(Viewer.Role.allCases)
            try await store.addUser(UserAccount(userID: "user\(index)", orgID: organization, role: role, displayName: "U\(index)"), by: admin)
            viewers.append(Viewer(organization: organization, country: country, roles: [role], user: "user\(index)"))
        }
        viewers.append(Viewer(organization: "GT-PNC", country: "GT"))   // a previewed non-member

        // Two loads: the second re-marks some records, making new versions.
        let (first, firstRows) = try Self.write(&random, organizations: 30, consignments: 30, incidents: 12)
        _ = try await Ingestor(store: store, settings: test.settings, options: IngestOptions()).run([first])
        // A census of the first load only: stale after the second, so the counts below come from a scan.
        #expect(try await store.refreshMarkingCensus())
        let (second, secondRows) = try Self.write(&random, organizations: 30, consignments: 30, incidents: 12)
        _ = try await Ingestor(store: store, settings: test.settings, options: IngestOptions()).run([second])
        var versionsOf: [String: [Row]] = [:]
        for row in firstRows + secondRows { versionsOf["\(row.kind.rawValue)/\(row.id)", default: []].append(row) }
        let current = secondRows

        for viewer in viewers {
            for kind in [Kind.organizations, .consignments, .incidents] {
                let expected = current.filter { $0.kind == kind && Reference.visible($0.marking, to: viewer) }
                let records = try await store.currentRecords(kind, viewer: viewer)
                #expect(records.map(\.id).sorted() == expected.map(\.id).sorted(), "\(viewer) \(kind.rawValue)")
                #expect(try await store.count(kind, viewer: viewer) == expected.count)
                let narrow = try await store.currentRecords(kind, fields: [kind.schema.fields[0].name], viewer: viewer)
                #expect(narrow.map(\.id).sorted() == expected.map(\.id).sorted())
                let some = current.filter { $0.kind == kind }.map(\.id).filter { _ in random.chance(40) }
                let field = kind.schema.fields[0].name
                let looked = try await store.currentRecords(kind, where: field, in: some, viewer: viewer)
                #expect(looked.map(\.id).sorted() == expected.map(\.id).filter(some.contains).sorted())
                // Redaction of personal fields.
                for record in records {
                    guard let row = expected.first(where: { $0.id == record.id }) else { continue }
                    let withheld = Reference.personalWithheld(row.marking, from: viewer)
                    for (name, value) in row.personal {
                        if withheld {
                            #expect(record[name] == .null && record.redactedFields.contains(name), "\(viewer) sees \(name) of \(record.id)")
                        } else {
                            #expect(record[name] == .text(value), "\(viewer) lost \(name) of \(record.id)")
                        }
                    }
                }
                // Every version, each by its own marking.
                for id in current.filter({ $0.kind == kind }).map(\.id).prefix(12) {
                    let all = versionsOf["\(kind.rawValue)/\(id)"] ?? []
                    // Loading the same content again makes no version: count distinct consecutive markings.
                    var distinct: [Row] = []
                    for row in all where distinct.last.map({ $0.marking != row.marking || $0.personal != row.personal }) ?? true { distinct.append(row) }
                    let stored = try await store.versions(of: kind, id: id, viewer: viewer)
                    #expect(stored.count <= distinct.count)
                    for version in stored {
                        #expect(Reference.visible(version.record.marking, to: viewer), "\(viewer) sees a version of \(id) it may not")
                    }
                    let expectedCount = distinct.filter { Reference.visible($0.marking, to: viewer) }.count
                    #expect(stored.count == expectedCount, "\(viewer) versions of \(id)")
                }
            }
            // Statistics: counts per originator and TLP, by scan (the census is stale) and from the
            // census once rebuilt: the same rows, in the same order.
            #expect(try await store.freshCensusStats(viewer: viewer) == nil, "a stale census answered")
            let stats = try await store.stats(viewer: viewer)
            #expect(stats == (try await store.scanStats(viewer: viewer)))
            for kind in [Kind.organizations, .consignments, .incidents] {
                var expected: [String: Int] = [:]
                for row in current where row.kind == kind && Reference.visible(row.marking, to: viewer) {
                    expected["\(row.marking.originator)|\(row.marking.tlp.rawValue)", default: 0] += 1
                }
                var seen: [String: Int] = [:]
                for row in stats where row.kind == kind && row.records > 0 { seen["\(row.originator)|\(row.tlp.rawValue)"] = row.records }
                #expect(seen == expected, "\(viewer) stats of \(kind.rawValue)")
            }
            // Mentions (what entity listings and traces go through).
            let mentions = current.map { Mention(kind: $0.kind.rawValue, id: $0.id, role: .self) }
            let visible = try await store.visible(mentions, viewer: viewer)
            #expect(visible == Set(current.filter { Reference.visible($0.marking, to: viewer) }.map { Mention(kind: $0.kind.rawValue, id: $0.id, role: .self) }))
        }

        #expect(try await store.refreshMarkingCensus())
        #expect(try await !store.markingCensusIsStale())
        for viewer in viewers {
            let counted = try await store.freshCensusStats(viewer: viewer)
            #expect(counted != nil)
            #expect(counted == (try await store.scanStats(viewer: viewer)), "\(viewer) census")
            #expect(try await store.stats(viewer: viewer) == counted)
        }

        // Derived results: random findings over the records.
        let isVisible = { (viewer: Viewer, reference: Findings.EvidenceRef) -> Bool in
            current.first { $0.kind.rawValue == reference.kind && $0.id == reference.id }.map { Reference.visible($0.marking, to: viewer) } ?? false
        }
        let references = current.map { Findings.EvidenceRef(kind: $0.kind.rawValue, id: $0.id) }
        var findings = Findings()
        var consignmentInputs: [String: [Findings.EvidenceRef]] = [:]
        var entityInputs: [String: [Findings.EvidenceRef]] = [:]
        for row in current where row.kind == .consignments {
            findings.consignments.append(.init(consignmentID: row.id, risk: 0.5, flags: []))
            consignmentInputs[row.id] = random.subset(references, percent: 4)
        }
        for index in 0..<15 {
            let members = random.subset(references.filter { $0.kind != "consignments" }, percent: 8)
            guard !members.isEmpty else { continue }
            findings.entities.append(.init(entityID: "E-\(index)", name: "Entidad \(index)", risk: 0.7,
                                           mentions: members.map { Mention(kind: $0.kind, id: $0.id, role: .self) }))
            entityInputs["E-\(index)"] = random.subset(references, percent: 3)
        }
        for _ in 0..<10 { findings.areas.append(.init(lat: 19, lon: -99, radiusKm: 1, score: 0.5, evidence: random.subset(references, percent: 3))) }
        for viewer in viewers {
            var derived = DerivedResults(store: store, viewer: viewer, settings: test.settings)
            let shown = try await derived.findings(findings, consignmentInputs: consignmentInputs, entityInputs: entityInputs)
            if viewer.organization == "MX-SAT" {
                #expect(shown == findings)
                continue
            }
            let expectedConsignments = findings.consignments.filter { finding in
                isVisible(viewer, .init(kind: "consignments", id: finding.consignmentID))
                    && (consignmentInputs[finding.consignmentID] ?? []).allSatisfy { isVisible(viewer, $0) }
            }
            #expect(shown.consignments == expectedConsignments, "\(viewer) consignments")
            for entity in findings.entities {
                let visibleMentions = entity.mentions.filter { isVisible(viewer, .init(kind: $0.kind, id: $0.id)) }
                let got = shown.entities.first { $0.entityID == entity.entityID }
                if visibleMentions.isEmpty {
                    #expect(got == nil, "\(viewer) sees entity \(entity.entityID) with no visible mention")
                } else {
                    #expect(got?.mentions == visibleMentions)
                    let whole = visibleMentions.count == entity.mentions.count
                    #expect((got?.name != nil) == whole)
                    #expect((got?.risk != nil) == (whole && (entityInputs[entity.entityID] ?? []).allSatisfy { isVisible(viewer, $0) }))
                }
            }
            #expect(shown.areas == findings.areas.filter { $0.evidence.allSatisfy { isVisible(viewer, $0) } }, "\(viewer) areas")
        }

        // Leads: random creators, evidence they may see, random recipients, private notes.
        var created: [(id: String, origin: String, recipient: String?)] = []
        for number in 0..<8 {
            let creator = random.pick(Array(viewers.dropLast()))
            let evidence = random.subset(references.filter { isVisible(creator, $0) }, percent: 10)
            let desk = LeadDesk(store: store, viewer: creator)
            let reasons = [Lead.Reason(rule: "rule\(number % 3)", contribution: 1, detail: "d", evidence: Array(evidence.prefix(3))),
                           Lead.Reason(rule: "other", contribution: 1, detail: "e", evidence: Array(evidence.dropFirst(3)))]
            let lead = try await desk.create(subjectKind: "entities", subjectID: "E-\(number)", title: "lead \(number)", summary: "",
                                             score: 0.9, reasons: reasons)
            let recipient = random.pick(Self.members.filter { $0.0 != creator.organization })
            let sends = random.chance(75)
            if sends { _ = try await desk.send(lead.leadID, to: recipient.0) }
            created.append((lead.leadID, creator.organization, sends ? recipient.0 : nil))
            try await desk.note(lead.leadID, "internal \(number)")
        }
        for viewer in viewers {
            let listed = Set(try await store.leads(viewer: viewer).map(\.leadID))
            let expected = Set(created.filter { $0.origin == viewer.organization || $0.recipient == viewer.organization }.map(\.id))
            #expect(listed == expected, "\(viewer) leads")
            for leadID in listed {
                let view = try await LeadDesk(store: store, viewer: viewer).view(leadID)
                for reference in view.evidence { #expect(isVisible(viewer, reference), "\(viewer) sees evidence \(reference) of \(leadID)") }
                for reason in view.reasons { #expect(reason.evidence.allSatisfy { isVisible(viewer, $0) }) }
                for event in view.history where event.isPrivate { #expect(event.orgID == viewer.organization, "\(viewer) reads another's note") }
            }
        }
        #expect(created.contains { $0.recipient != nil })
    }
}
