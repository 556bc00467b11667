import Foundation
import Hummingbird
import RastroAnalysis
import RastroModel
import RastroShare
import RastroStore

extension Workbench {
    /// One consignment: its declaration, its score with every reason linked to its evidence, its
    /// trace (who held how much, when, by which vehicle), a timeline, the route on a map and the
    /// unaccounted remainder; and the forms to act on it (alert state, a lead).
    func consignmentPage(_ call: Call) async throws -> Response {
        let id = call.parameter("id")
        let store = read
        let viewer = call.viewer
        let formats = Formats(call.language)
        guard let current = try await store.versions(of: .consignments, id: id, viewer: viewer).last(where: \.isCurrent),
              let consignment = try? Consignment(current.record) else { throw WebError.notFound() }
        let isNode = viewer.organization == settings.organization
        // Entity names come from whichever record named them first, which another organization
        // may not see: it gets entity ids only (as `rastro trace --as` does).
        let names = isNode ? try await store.entityNames() : [:]
        func party(_ entity: String) -> [String: Any] {
            ["id": entity, "name": names[entity] ?? "", "href": "/entities/" + Self.percentEncoded(entity)]
        }
        let trace: CustodyTrace?
        if isNode, let (stored, _) = try await ConsignmentTrace.stored(id, in: store) {
            trace = stored
        } else if try await !store.resolutionRuns(limit: 1).isEmpty {
            trace = try await ConsignmentTrace.recompute(id, in: store, viewer: viewer, entities: try await store.resolvedEntities())
        } else {
            trace = nil
        }
        var legs: [Leg] = []
        if let trace {
            var seen = Set<String>()
            let found = try await store.currentRecords(.legs, where: "transfer_id", in: trace.steps.map(\.transferID), viewer: viewer)
                + store.currentRecords(.legs, where: "consignment_id", in: [id], viewer: viewer)
            legs = found.compactMap { seen.insert($0.id).inserted ? try? Leg($0) : nil }
        }
        var vehiclesOf: [String: [String]] = [:]
        for leg in legs { vehiclesOf[leg.transferID ?? "import", default: []].append(leg.vehicleID) }

        let shared = try await runs.shared(store, viewer: viewer, settings: settings)
        let assessment = shared?.detail?.consignments.first { $0.id == id }
        let isAlert = shared?.alerts.contains { $0.kind == "consignments" && $0.id == id } ?? false
        let state = isAlert ? try await store.alertStates(for: viewer)["consignments/" + id] : nil

        let chemical = chemicalName(cas: consignment.chemical.catalogCAS ?? consignment.chemical.cas, name: consignment.chemical.name, call.language)
        var values: [String: Any] = [
            "id": id, "marking": marking(current.record.marking), "chemical": chemical, "cas": consignment.chemical.cas ?? "",
            "quantity": formats.kilograms(consignment.quantityKg), "arrival": formats.date(consignment.arrivalDate),
            "port": consignment.portLOCODE, "importer": consignment.importerName, "exporter": consignment.exporterName ?? "",
            "exporterCountry": consignment.exporterCountry ?? "", "declaredUse": consignment.declaredUse ?? "",
            "recordHref": "/records/consignments/" + Self.percentEncoded(id),
            "routeURL": "/consignments/" + Self.percentEncoded(id) + "/route.geojson",
            "redacted": !current.record.redactedFields.isEmpty,
            "isAlert": isAlert, "alertKey": "consignments/" + id, "back": "/consignments/" + Self.percentEncoded(id),
            "state": state.map { catalog.text("alerts.state." + $0.state.rawValue, call.language) } ?? "",
        ]
        if assessment != nil { values["leadForm"] = leadForm(call, kind: "consignments", id: id) }
        if let assessment {
            values["score"] = formats.score(assessment.risk)
            values["reasons"] = reasons(assessment.reasons, formats)
        }
        var shown = ["consignments/" + id]
        if let trace {
            values["importerEntity"] = party(trace.importer)
            values["steps"] = trace.steps.map { step -> [String: Any] in
                ["date": formats.date(step.date), "transfer": step.transferID, "transferHref": "/records/transfers/" + Self.percentEncoded(step.transferID),
                 "from": party(step.fromEntity), "to": party(step.toEntity), "kg": formats.kilograms(step.quantityKg),
                 "of": formats.kilograms(step.transferKg), "how": catalog.text("trace.allocation." + step.allocation.rawValue, call.language),
                 "vehicles": (vehiclesOf[step.transferID] ?? []).joined(separator: ", "), "depth": step.depth]
            }
            values["hasSteps"] = !trace.steps.isEmpty
            values["holdings"] = trace.holdings.sorted { $0.value > $1.value }.map { ["party": party($0.key), "kg": formats.kilograms($0.value)] }
            values["hasHoldings"] = !trace.holdings.isEmpty
            values["unaccounted"] = formats.kilograms(trace.unaccountedKg)
            values["hasUnaccounted"] = trace.unaccountedKg > 0.001
            values["timeline"] = timeline(consignment, trace, legs, party, formats)
            shown += trace.steps.map { "transfers/" + $0.transferID }
        }
        values["hasTrace"] = trace != nil
        try await audited(call, shown, "consignment")
        return try render(call, "consignment", title: "consignment.title", nav: "alerts", values)
    }

    /// The lot's events in time order: arrival, the drive from the port, each transfer, what is
    /// held at the end and what nobody answers for.
    func timeline(_ consignment: Consignment, _ trace: CustodyTrace, _ legs: [Leg], _ party: (String) -> [String: Any],
                  _ formats: Formats) -> [[String: Any]] {
        var events: [(String, [String: Any])] = [(consignment.arrivalDate, [
            "what": catalog.text("timeline.arrived", formats.language), "when": formats.date(consignment.arrivalDate),
            "detail": consignment.portLOCODE + " · " + formats.kilograms(consignment.quantityKg)])]
        for leg in legs where leg.transferID == nil {
            events.append((leg.departedAt, ["what": catalog.text("timeline.leftPort", formats.language), "when": formats.date(leg.departedAt),
                                            "detail": leg.vehicleID + (leg.arrivedAt.map { " → " + formats.date($0) } ?? "")]))
        }
        for step in trace.steps {
            let from = party(step.fromEntity), to = party(step.toEntity)
            let fromName = (from["name"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? step.fromEntity
            let toName = (to["name"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? step.toEntity
            events.append((step.date, ["what": catalog.text("timeline.transfer", formats.language), "when": formats.date(step.date),
                                       "detail": fromName + " → " + toName + " · " + formats.kilograms(step.quantityKg)]))
        }
        return events.sorted { $0.0 < $1.0 }.map(\.1)
    }
}
