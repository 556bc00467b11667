import Foundation
import Hummingbird
import NIOCore
import RastroAnalysis
import RastroModel
import RastroResolve
import RastroShare
import RastroStore

extension Workbench {
    /// Counts the viewer may see, the newest alerts, leads waiting for the viewer's organization,
    /// and controlled-chemical imports and alerts per month (an SVG chart drawn here).
    func overview(_ call: Call) async throws -> Response {
        let store = read
        let viewer = call.viewer
        let formats = Formats(call.language)
        // Counts from the marking census (rebuilt by the writer after a load), not a scan per request.
        if try await store.markingCensusIsStale() { try await write { try await $0.refreshMarkingCensus() } }
        let stats = try await store.censusStats(viewer: viewer)
        var perKind: [Kind: Int] = [:]
        for row in stats { perKind[row.kind, default: 0] += row.records }
        let counts = Kind.allCases.map { kind in
            ["kind": catalog.text("kind." + kind.rawValue, call.language), "count": formats.count(perKind[kind] ?? 0),
             "href": "/search?kind=" + kind.rawValue]
        }
        let shared = try await runs.shared(store, viewer: viewer, settings: settings)
        let states = try await store.alertStates(for: viewer)
        let newest = Array((shared?.alerts ?? []).prefix(8))
        let leads = try await LeadDesk(store: store, viewer: viewer).list()
        let waiting = leads.filter { lead in
            lead.recipientOrg == viewer.organization ? [.sent, .acknowledged, .accepted].contains(lead.status)
                : lead.originOrg == viewer.organization && (lead.status == .draft || (lead.outcome != nil && lead.status != .closed))
        }
        let controlled = ChemicalCatalog.shipped.chemicals.filter(\.isControlled).map(\.cas)
        // What the viewer may see depends on its organization and country only (AccessPolicy).
        let imports = try await monthlyImports.value(stamp: try await store.dataStamp(), key: viewer.organization + "|" + viewer.country) {
            try await store.monthlyCounts(.consignments, dateField: "arrival_date", chemicals: controlled, viewer: viewer)
        }
        var alertMonths: [String: Int] = [:]
        for alert in shared?.alerts ?? [] { if let date = alert.date, date.count >= 7 { alertMonths[String(date.prefix(7)), default: 0] += 1 } }
        let chart = monthChart(imports: imports, alerts: alertMonths, call.language)
        try await audited(call, newest.map { $0.kind + "/" + $0.id } + waiting.map { "leads/" + $0.leadID }, "overview")
        return try render(call, "overview", title: "overview.title", nav: "overview", [
            "counts": counts,
            "alerts": newest.map { alertRow($0, states[$0.kind + "/" + $0.id], formats) },
            "hasAlerts": !newest.isEmpty,
            "alertTotal": formats.count(shared?.alerts.count ?? 0),
            "noAnalysis": shared == nil,
            "leads": waiting.prefix(10).map { leadRow($0, viewer, formats) },
            "hasLeads": !waiting.isEmpty,
            "chart": chart,
            "runAt": shared.map { formats.date($0.run.finishedAt) } ?? "",
        ])
    }

    /// An alert as lists show it.
    func alertRow(_ alert: Assessment, _ state: AlertState?, _ formats: Formats) -> [String: Any] {
        let rules = alert.flags.map { rule($0, formats.language).name }
        return ["kind": catalog.text(alert.kind == "consignments" ? "alerts.kind.consignment" : "alerts.kind.entity", formats.language),
                "id": alert.id, "key": alert.kind + "/" + alert.id, "name": alert.name ?? "", "score": formats.score(alert.risk),
                "scoreValue": alert.risk, "date": alert.date.map(formats.date) ?? "", "rules": rules.joined(separator: " · "),
                "state": state.map { catalog.text("alerts.state." + $0.state.rawValue, formats.language) } ?? "",
                "href": alert.kind == "consignments" ? "/consignments/" + Self.percentEncoded(alert.id) : "/entities/" + Self.percentEncoded(alert.id)]
    }

    func leadRow(_ lead: Lead, _ viewer: Viewer, _ formats: Formats) -> [String: Any] {
        ["id": lead.leadID, "href": "/leads/" + Self.percentEncoded(lead.leadID), "title": lead.title,
         "status": catalog.text("lead.status." + lead.status.rawValue, formats.language),
         "outcome": lead.outcome.map { catalog.text("lead.outcome." + $0.rawValue, formats.language) } ?? "",
         "from": lead.originOrg, "to": lead.recipientOrg ?? "", "updated": formats.date(lead.updatedAt),
         "incoming": lead.recipientOrg == viewer.organization, "marking": marking(lead.marking)]
    }

    /// Imports of controlled chemicals and alerts per month, as bars (imports) and a line (alerts).
    func monthChart(imports: [(month: String, count: Int)], alerts: [String: Int], _ language: Catalog.Language) -> [String: Any] {
        let months = Array(Set(imports.map(\.month)).union(alerts.keys)).sorted().suffix(24)
        guard !months.isEmpty else { return ["empty": true] }
        let importBy = Dictionary(imports.map { ($0.month, $0.count) }, uniquingKeysWith: +)
        let top = max(1, months.map { max(importBy[$0] ?? 0, alerts[$0] ?? 0) }.max() ?? 1)
        let width = 640.0, height = 200.0, left = 40.0, bottom = 24.0
        let step = (width - left) / Double(months.count)
        let formats = Formats(language)
        var bars: [[String: Any]] = []
        var points: [String] = []
        for (index, month) in months.enumerated() {
            let x = left + Double(index) * step
            let value = importBy[month] ?? 0
            let barHeight = (height - bottom) * Double(value) / Double(top)
            bars.append(["x": x + step * 0.15, "y": height - bottom - barHeight, "w": step * 0.7, "h": barHeight,
                         "label": month, "value": formats.count(value), "alerts": formats.count(alerts[month] ?? 0),
                         "showLabel": index % max(1, months.count / 8) == 0, "lx": x + step / 2])
            let alertY = height - bottom - (height - bottom) * Double(alerts[month] ?? 0) / Double(top)
            points.append(String(format: "%.1f,%.1f", x + step / 2, alertY))
        }
        return ["bars": bars, "line": points.joined(separator: " "), "max": formats.count(top), "width": width, "height": height,
                "axisY": height - bottom, "labelY": height - 6]
    }

    // MARK: Alerts

    /// The alerts the viewer may see, filtered, sorted and paginated.
    func alertList(_ call: Call) async throws -> (rows: [Assessment], states: [String: AlertState], total: Int, run: SharedRun?) {
        let store = read
        guard let shared = try await runs.shared(store, viewer: call.viewer, settings: settings) else { return ([], [:], 0, nil) }
        let states = try await store.alertStates(for: call.viewer)
        let kind = call.query.first("kind") ?? ""
        let state = call.query.first("state") ?? ""
        let minimum = call.query.first("min").flatMap { Double($0.replacingOccurrences(of: ",", with: ".")) } ?? 0
        let rule = call.query.first("rule") ?? ""
        let text = Fold.text(call.query.first("q") ?? "")
        var rows = shared.alerts.filter { alert in
            (kind.isEmpty || alert.kind == kind) && alert.risk >= minimum && (rule.isEmpty || alert.flags.contains(rule))
                && (state.isEmpty || (state == "open" ? states[alert.kind + "/" + alert.id] == nil
                    : states[alert.kind + "/" + alert.id]?.state.rawValue == state))
                && (text.isEmpty || Fold.text(alert.id + " " + (alert.name ?? "")).contains(text))
        }
        switch call.query.first("sort") ?? "date" {
        case "score": rows.sort { ($0.risk, $0.id) > ($1.risk, $1.id) }
        case "id": rows.sort { $0.id < $1.id }
        default: rows.sort { ($0.date ?? "", $0.risk) > ($1.date ?? "", $1.risk) }
        }
        return (rows, states, rows.count, shared)
    }

    func alertsPage(_ call: Call) async throws -> Response {
        let formats = Formats(call.language)
        let (rows, states, total, shared) = try await alertList(call)
        let size = 50
        let page = max(1, Int(call.query.first("page") ?? "") ?? 1)
        let shown = Array(rows.dropFirst((page - 1) * size).prefix(size))
        try await audited(call, shown.map { $0.kind + "/" + $0.id }, "alerts")
        var query = call.query
        query.pairs.removeAll { $0.0 == "page" }
        let base = query.pairs.map { Self.percentEncoded($0.0) + "=" + Self.percentEncoded($0.1) }.joined(separator: "&")
        let rules = Set((shared?.alerts ?? []).flatMap(\.flags)).sorted().map { name in
            ["id": name, "name": rule(name, call.language).name, "selected": call.query.first("rule") == name]
        }
        func option(_ key: String, _ values: [String]) -> [[String: Any]] {
            values.map { ["value": $0, "label": catalog.text("alerts.filter." + key + "." + ($0.isEmpty ? "any" : $0), call.language),
                          "selected": (call.query.first(key) ?? "") == $0] }
        }
        return try render(call, "alerts", title: "alerts.title", nav: "alerts", [
            "rows": shown.map { alertRow($0, states[$0.kind + "/" + $0.id], formats) },
            "hasRows": !shown.isEmpty,
            "total": formats.count(total),
            "pagination": Self.pagination(total: total, page: page, size: size) { "/alerts?" + base + (base.isEmpty ? "" : "&") + "page=\($0)" },
            "csv": "/alerts.csv" + (base.isEmpty ? "" : "?" + base),
            "kinds": option("kind", ["", "consignments", "entities"]),
            "states": option("state", ["", "open", "acknowledged", "dismissed", "lead"]),
            "sorts": option("sort", ["date", "score", "id"]),
            "rules": rules,
            "q": call.query.first("q") ?? "", "min": call.query.first("min") ?? "",
            "noAnalysis": shared == nil,
        ])
    }

    /// The filtered, sorted alerts of the visible page as CSV (the page a user looks at: `page`).
    func alertsCSV(_ call: Call) async throws -> Response {
        let (rows, states, _, _) = try await alertList(call)
        let size = 50
        let page = max(1, Int(call.query.first("page") ?? "") ?? 1)
        let all = call.query.first("all") == "1"
        let shown = all ? rows : Array(rows.dropFirst((page - 1) * size).prefix(size))
        try await audited(call, shown.map { $0.kind + "/" + $0.id }, "alerts exported as CSV")
        func cell(_ text: String) -> String {
            // Quote every cell, and defuse spreadsheet formulas.
            var text = text
            if let first = text.first, "=+-@".contains(first) { text = "'" + text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        var lines = [["kind", "id", "name", "score", "date", "rules", "state"].map(cell).joined(separator: ",")]
        for alert in shown {
            lines.append([alert.kind, alert.id, alert.name ?? "", String(format: "%.4f", alert.risk), alert.date ?? "",
                          alert.flags.joined(separator: ";"), states[alert.kind + "/" + alert.id]?.state.rawValue ?? ""].map(cell)
                .joined(separator: ","))
        }
        var response = Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: lines.joined(separator: "\r\n") + "\r\n")))
        response.headers[.contentDisposition] = "attachment; filename=\"rastro-alerts.csv\""
        return response
    }

    /// Acknowledge or dismiss an alert for the viewer's organization.
    func alertState(_ call: Call) async throws -> Response {
        let subject = call.form.first("alert") ?? ""
        guard let state = AlertState.State(rawValue: call.form.first("state") ?? ""), state != .lead else {
            throw WebError(.badRequest, "error.badRequest")
        }
        guard let shared = try await runs.shared(read, viewer: call.viewer, settings: settings),
              shared.alerts.contains(where: { $0.kind + "/" + $0.id == subject }) else { throw WebError.notFound() }
        let note = call.form.first("note") ?? "", viewer = call.viewer
        try await write { try await $0.setAlertState(subject, state, note: note, by: viewer) }
        return Self.redirect(Self.safeReturn(call.form.first("back")))
    }

    // MARK: Records

    /// One record: every version the viewer may see, with marking, provenance and withheld fields.
    func recordPage(_ call: Call) async throws -> Response {
        guard let kind = Kind(rawValue: call.parameter("kind")) else { throw WebError.notFound() }
        let id = call.parameter("id")
        let versions = try await read.versions(of: kind, id: id, viewer: call.viewer)
        guard !versions.isEmpty else { throw WebError.notFound() }
        let formats = Formats(call.language)
        try await audited(call, [kind.rawValue + "/" + id], "record")
        let shown = versions.reversed().map { version -> [String: Any] in
            ["version": version.version, "current": version.isCurrent, "marking": marking(version.record.marking),
             "fields": fields(version.record, formats), "source": version.provenance.sourceFile, "line": version.provenance.line,
             "loaded": formats.date(version.provenance.loadedAt), "load": version.provenance.loadID,
             "redacted": !version.record.redactedFields.isEmpty]
        }
        var values: [String: Any] = ["kind": catalog.text("kind." + kind.rawValue, call.language), "id": id, "versions": shown,
                                     "marking": shown.first?["marking"] ?? [:]]
        if kind == .consignments { values["consignmentHref"] = "/consignments/" + Self.percentEncoded(id) }
        return try render(call, "record", title: "record.title", values)
    }
}
