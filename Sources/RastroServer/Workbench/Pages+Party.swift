import Foundation
import Hummingbird
import NIOCore
import RastroAnalysis
import RastroModel
import RastroResolve
import RastroShare
import RastroStore

extension Workbench {
    /// A resolved party as the viewer may see it: its members and their records, the evidence
    /// that joined them, its associations (a d3 graph over `graph.json`, and the same as a table),
    /// its mass balance per chemical, and its score with reasons. Analysts and admins of the node
    /// may confirm or split two mentions.
    func partyPage(_ call: Call) async throws -> Response {
        let store = read
        let entityID = call.parameter("id")
        guard let view = try await EntityView.load(store, entityID: entityID, viewer: call.viewer, explain: true) else { throw WebError.notFound() }
        let formats = Formats(call.language)
        let t = catalog.messages[call.language] ?? [:]
        // The largest parties have hundreds of members: a page of them at a time.
        let page = max(1, Int(call.query.first("page") ?? "") ?? 1)
        let shownMembers = Array(view.members.dropFirst((page - 1) * Self.partyMemberPageSize).prefix(Self.partyMemberPageSize))
        let members = shownMembers.map { member -> [String: Any] in
            let redacted = Set(member.redactedFields)
            func value(_ field: String, _ text: String?) -> [String: Any] {
                redacted.contains(field) ? ["redacted": true] : ["value": text ?? "", "has": text != nil]
            }
            let personal = member.mention.kind == Kind.organizations.rawValue
            return ["mention": DecisionDesk.text(member.mention), "kind": catalog.text("kind." + member.mention.kind, call.language),
                    "id": member.mention.id, "role": catalog.text("party.role." + member.mention.role.rawValue, call.language),
                    "href": "/records/" + Self.percentEncoded(member.mention.kind) + "/" + Self.percentEncoded(Store.recordID(of: member.mention)),
                    "name": member.name, "taxID": member.taxID ?? "", "address": member.address ?? "",
                    "phone": personal ? value("phone", member.phone) : ["value": member.phone ?? "", "has": member.phone != nil],
                    "marking": marking(member.marking), "redacted": !member.redactedFields.isEmpty]
        }
        let links = view.links.map { link -> [String: Any] in
            let explanation = link.explanation
            return ["left": DecisionDesk.text(explanation.left), "right": DecisionDesk.text(explanation.right),
                    "source": link.source == "model" ? catalog.text("party.link.model", call.language)
                        : catalog.text("party.link.confirm", call.language) + " " + link.source.replacingOccurrences(of: "confirm ", with: ""),
                    "probability": formats.score(explanation.probability), "total": formats.score(explanation.totalWeight),
                    "prior": formats.score(explanation.priorWeight), "conflict": explanation.conflict,
                    "fields": explanation.fields.map { field -> [String: Any] in
                        ["field": t["party.field." + field.field] ?? field.field, "left": field.left ?? "", "right": field.right ?? "",
                         "hasLeft": field.left != nil, "hasRight": field.right != nil,
                         "level": field.level.map { t["party.level." + Self.levelKey($0)] ?? $0 } ?? t["party.level.missing"] ?? "",
                         "weight": (field.weight >= 0 ? "+" : "") + formats.score(field.weight)]
                    }]
        }
        let names = try await associatedNames(view, viewer: call.viewer)
        let associations = view.associations.map { shared -> [String: Any] in
            ["kind": catalog.text("party.assoc." + shared.kind, call.language), "value": shared.value,
             "entities": shared.entities.map { ["id": $0, "name": names[$0] ?? "", "href": "/entities/" + Self.percentEncoded($0)] }]
        }
        let balance = try await balanceRows(view, viewer: call.viewer, formats)
        let shared = try await runs.shared(store, viewer: call.viewer, settings: settings)
        let assessment = shared?.detail?.entities.first { $0.id == entityID }
        let canDecide = canDecide(call.viewer)
        // Every visible member's record: the page lists a page of them, but its pair evidence and
        // mass balance draw on all of them.
        let memberRecords = Set(view.members.map { $0.mention.kind + "/" + Store.recordID(of: $0.mention) })
        try await audited(call, ["entities/" + entityID] + memberRecords.sorted(), "party")
        var values: [String: Any] = [
            "id": entityID, "name": view.name, "marking": marking(view.marking), "members": members,
            "memberCount": formats.count(view.members.count), "partial": view.members.count < view.storedMembers,
            "links": links, "hasLinks": !links.isEmpty, "associations": associations, "hasAssociations": !associations.isEmpty,
            "graph": "/entities/" + Self.percentEncoded(entityID) + "/graph.json",
            "balance": balance, "hasBalance": !balance.isEmpty,
            "canDecide": canDecide, "decide": "/entities/" + Self.percentEncoded(entityID) + "/decision",
            "choices": shownMembers.map { ["value": DecisionDesk.text($0.mention), "label": DecisionDesk.text($0.mention)] },
            "noAnalysis": shared == nil,
        ]
        if let assessment {
            let shown = reasons(assessment.reasons, formats).map { reason -> [String: Any] in
                var reason = reason
                reason["hasEvidence"] = !((reason["evidence"] as? [Any])?.isEmpty ?? true)
                return reason
            }
            values["score"] = ["value": formats.score(assessment.risk), "reasons": shown,
                               "hasReasons": !assessment.reasons.isEmpty]
        }
        if let outcome = call.query.first("decision"), ["recorded", "already", "refused", "contradiction", "unknown"].contains(outcome) {
            values["decision"] = ["text": catalog.text("party.decision." + outcome, call.language), "number": call.query.first("number") ?? "",
                                  "ok": outcome == "recorded" || outcome == "already"]
        }
        if assessment != nil { values["leadForm"] = leadForm(call, kind: "entities", id: entityID) }
        if view.members.count > Self.partyMemberPageSize {
            values["pagination"] = Self.pagination(total: view.members.count, page: page, size: Self.partyMemberPageSize) {
                "/entities/" + Self.percentEncoded(entityID) + "?page=\($0)#members-h"
            }
        }
        return try render(call, "party", title: "party.title", values)
    }

    static let partyMemberPageSize = 100

    /// Analysts and admins of the node record decisions on its resolution.
    func canDecide(_ viewer: Viewer) -> Bool {
        viewer.organization.uppercased() == settings.organization.uppercased() && !viewer.roles.isDisjoint(with: [.analyst, .admin])
    }

    /// The catalog key of a comparison level (`party.level.KEY`).
    static func levelKey(_ level: String) -> String {
        let known = ["different": "different", "same": "same", "same core words": "sameCore", "one slip apart": "oneSlip",
                     "same street": "sameStreet", "same street and number": "sameNumber"]
        if let key = known[level] { return key }
        if level.hasPrefix("similar") { return "similar" }
        if level.hasPrefix("close") { return "close" }
        return level
    }

    /// The names of the entities this one is associated with, as the viewer may see them.
    func associatedNames(_ view: EntityView, viewer: Viewer) async throws -> [String: String] {
        var names: [String: String] = [:]
        let store = read, stamp = try await entities.stamp(store)
        for entity in Set(view.associations.flatMap(\.entities)) {
            if let seen = try await entities.summary(store, entityID: entity, viewer: viewer, stamp: stamp) { names[entity] = seen.name }
        }
        return names
    }

    /// The entity's books per chemical from the records the viewer may see: received (imports and
    /// transfers in), transferred out, used per its usage reports, and unaccounted (the gaps).
    func balanceRows(_ view: EntityView, viewer: Viewer, _ formats: Formats) async throws -> [[String: Any]] {
        let mentions = Set(view.members.map(\.mention))
        func records(_ kind: Kind) async throws -> [Record] {
            let ids = view.members.filter { $0.mention.kind == kind.rawValue }.map { Store.recordID(of: $0.mention) }
            return try await read.currentRecords(kind, ids: ids, viewer: viewer)
        }
        let reports = try await records(.usageReports).compactMap { try? UsageReport($0) }
        guard !reports.isEmpty else { return [] }
        let consignments = try await records(.consignments).compactMap { try? Consignment($0) }
        let transfers = try await records(.transfers).compactMap { try? Transfer($0) }
        let entityID = view.entityID
        let rows = MassBalance.compute(consignments: consignments, transfers: transfers, usageReports: reports,
                                       entityOf: { mentions.contains($0) ? entityID : nil }).filter { $0.entityID == entityID }
        var byChemical: [String: [BalanceRow]] = [:]
        for row in rows { byChemical[row.chemical, default: []].append(row) }
        return byChemical.keys.sorted().map { chemical in
            let list = byChemical[chemical]!
            let name = chemicalName(cas: chemical.contains("-") ? chemical : nil, name: chemical, formats.language)
            let received = list.reduce(0) { $0 + $1.received.kg }, out = list.reduce(0) { $0 + $1.transferredOut.kg }
            let used = list.reduce(0) { $0 + $1.consumed.kg }, gap = list.filter { !$0.missingReport }.reduce(0) { $0 + $1.gap }
            let flagged = list.filter(\.flagged).count, missing = list.filter(\.missingReport).count
            return ["chemical": name, "cas": chemical, "received": formats.kilograms(received), "out": formats.kilograms(out),
                    "used": formats.kilograms(used), "gap": formats.kilograms(abs(gap) < 0.05 ? 0 : gap), "flagged": flagged > 0,
                    "flaggedCount": formats.count(flagged), "missing": formats.count(missing), "hasMissing": missing > 0,
                    "periods": formats.count(list.count)]
        }
    }

    /// The party's associations as a graph: this entity and the ones it shares a phone, address or
    /// representative with (those the viewer may see), for d3.
    func partyGraph(_ call: Call) async throws -> Response {
        let entityID = call.parameter("id")
        guard let view = try await EntityView.load(read, entityID: entityID, viewer: call.viewer) else { throw WebError.notFound() }
        let names = try await associatedNames(view, viewer: call.viewer)
        var nodes: [[String: Any]] = [["id": entityID, "name": view.name, "self": true, "href": "/entities/" + Self.percentEncoded(entityID)]]
        var index: [String: Int] = [entityID: 0]
        var links: [[String: Any]] = []
        for shared in view.associations {
            for other in shared.entities {
                if index[other] == nil {
                    index[other] = nodes.count
                    nodes.append(["id": other, "name": names[other] ?? "", "self": false, "href": "/entities/" + Self.percentEncoded(other)])
                }
                links.append(["source": 0, "target": index[other]!, "kind": shared.kind,
                              "label": catalog.text("party.assoc." + shared.kind, call.language), "value": shared.value])
            }
        }
        try await audited(call, nodes.map { "entities/" + ($0["id"] as? String ?? "") }, "party graph")
        let data = try JSONSerialization.data(withJSONObject: ["nodes": nodes, "links": links], options: [.sortedKeys])
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Confirm or split two mentions, as `rastro resolve confirm|split A B --note` does.
    func partyDecision(_ call: Call) async throws -> Response {
        guard canDecide(call.viewer) else { throw WebError(.forbidden, "error.forbidden") }
        let entityID = call.parameter("id")
        let back = "/entities/" + Self.percentEncoded(entityID) + "?decision="
        guard let action = ResolutionDecision.Action(rawValue: call.form.first("action") ?? "") else { throw WebError(.badRequest, "error.badRequest") }
        let other = (call.form.first("other") ?? "").trimmingCharacters(in: .whitespaces)
        guard let left = DecisionDesk.mention(call.form.first("left") ?? ""),
              let right = DecisionDesk.mention(other.isEmpty ? call.form.first("right") ?? "" : other) else { return Self.redirect(back + "unknown") }
        do {
            let viewer = call.viewer, note = call.form.first("note") ?? ""
            switch try await write({ writes in
                try await DecisionDesk.record(action, left, right, actor: viewer.actor, note: note, viewer: viewer, in: writes)
            }) {
            case .alreadyRecorded(let number): return Self.redirect(back + "already&number=\(number)")
            case .recorded(let number, _): return Self.redirect(back + "recorded&number=\(number)")
            }
        } catch let refusal as DecisionDesk.Refusal {
            switch refusal.reason {
            case .contradiction: return Self.redirect(back + "contradiction")
            case .noSuchMention: return Self.redirect(back + "unknown")
            case .sameMention: return Self.redirect(back + "refused")
            }
        }
    }
}
