import Foundation
import Hummingbird
import NIOCore
import RastroModel
import RastroResolve
import RastroStore

extension Workbench {
    /// One search result as lists and the CSV show it.
    struct Hit {
        var kind: String
        var id: String
        var name: String
        var date: String
        var detail: String
        var href: String
        var marking: Marking?
    }

    /// One group of results: a kind, the rows of the page shown, and how many match in all.
    struct HitGroup {
        var kind: String
        var hits: [Hit]
        var total: Int
        /// `total` is where counting stopped: there are at least that many.
        var capped = false
    }

    static let searchPageSize = 50
    static let searchGroupSize = 10
    /// How far matches are counted (and a kind's list pages): counting each match the viewer may
    /// see costs a row read, and past a thousand a narrower search serves better than more pages.
    static let searchCountLimit = 1_000
    /// How far the view of every kind counts each kind's matches ("100+"): it lists ten of each and
    /// links to the kind's own list, which counts to `searchCountLimit`. Counting a thousand of
    /// each of eight kinds was most of that page's time (docs/benchmarks.md, workbench pages).
    static let searchOverviewCountLimit = 100

    /// Runs the search of the request (`q`, `kind`, `sort`, `page`) through the viewer.
    func searchGroups(_ call: Call) async throws -> [HitGroup] {
        let text = (call.query.first("q") ?? "").trimmingCharacters(in: .whitespaces)
        let only = call.query.first("kind") ?? ""
        let sort = call.query.first("sort") ?? "id"
        let page = max(1, Int(call.query.first("page") ?? "") ?? 1)
        guard !text.isEmpty || Kind(rawValue: only) != nil else { return [] }
        let formats = Formats(call.language)
        var query = SearchQuery()
        if !text.isEmpty {
            try await refreshSearchIndex()
            query = await searchIndex.query(text)
        }
        let size = only.isEmpty ? Self.searchGroupSize : Self.searchPageSize
        let offset = only.isEmpty ? 0 : (page - 1) * size
        let countLimit = only.isEmpty ? Self.searchOverviewCountLimit : Self.searchCountLimit
        var groups: [HitGroup] = []
        for kind in Kind.allCases where only.isEmpty || only == kind.rawValue {
            // One past the limit, to tell "exactly the limit" from "more".
            let found = try await read.search(kind, query, viewer: call.viewer, sort: sort, limit: size, offset: offset,
                                              countLimit: countLimit + 1)
            if found.total > 0 || !only.isEmpty {
                groups.append(HitGroup(kind: kind.rawValue, hits: found.records.map { hit($0, formats) }, total: min(found.total, countLimit),
                                       capped: found.total > countLimit))
            }
        }
        guard !text.isEmpty else { return groups }
        if only.isEmpty || only == "entities" {
            // Entities by id or stored name; shown only with a name the viewer may see that matches.
            var hits: [Hit] = []
            // In the view of every kind only the first few are shown: stop there (each candidate is
            // checked against what the viewer may see of its members, a few queries each).
            let store = read, stamp = try await entities.stamp(store)
            for entity in try await store.searchEntityIDs(id: text, allOf: query.allOf, limit: 50) where only == "entities" || hits.count < size {
                guard let seen = try await entities.summary(store, entityID: entity, viewer: call.viewer, stamp: stamp),
                      entity == text || SearchIndex.matches(text, name: seen.name) else { continue }
                hits.append(Hit(kind: "entities", id: entity, name: seen.name, date: "", detail: formats.count(seen.mentions),
                                href: "/entities/" + Self.percentEncoded(entity), marking: seen.marking))
            }
            if sort == "name" { hits.sort { $0.name < $1.name } }
            if !hits.isEmpty || only == "entities" {
                groups.insert(HitGroup(kind: "entities", hits: Array(hits.dropFirst(offset).prefix(size)), total: hits.count), at: 0)
            }
        }
        if only.isEmpty || only == "leads" {
            var hits: [Hit] = []
            for id in Set([text, text.uppercased()]) {
                if let lead = try await read.lead(id, viewer: call.viewer) {
                    hits.append(Hit(kind: "leads", id: lead.leadID, name: lead.title, date: formats.date(lead.updatedAt),
                                    detail: catalog.text("lead.status." + lead.status.rawValue, call.language),
                                    href: "/leads/" + Self.percentEncoded(lead.leadID), marking: lead.marking))
                }
            }
            if !hits.isEmpty || only == "leads" { groups.insert(HitGroup(kind: "leads", hits: hits, total: hits.count), at: 0) }
        }
        return groups
    }

    /// A record as a result row: its name field, date field and chemical or tax id.
    func hit(_ record: Record, _ formats: Formats) -> Hit {
        func text(_ field: String?) -> String {
            guard let field, case .text(let value) = record[field] else { return "" }
            return value
        }
        let fields = SearchFields.of[record.kind]
        var detail = ""
        if record.kind.schema.hasChemical {
            detail = chemicalName(cas: record.chemicalRef ?? text("chemical_cas").nilIfEmpty, name: text("chemical_name").nilIfEmpty, formats.language)
        } else if record.kind == .organizations {
            detail = text("tax_id")
        }
        let date = text(fields?.dateField)
        return Hit(kind: record.kind.rawValue, id: record.id, name: text(fields?.nameField), date: date.isEmpty ? "" : formats.date(date),
                   detail: detail, href: "/records/" + Self.percentEncoded(record.kind.rawValue) + "/" + Self.percentEncoded(record.id),
                   marking: record.marking)
    }

    func kindLabel(_ kind: String, _ language: Catalog.Language) -> String {
        catalog.text(kind == "entities" || kind == "leads" ? "search.kind." + kind : "kind." + kind, language)
    }

    func searchPage(_ call: Call) async throws -> Response {
        let formats = Formats(call.language)
        let groups = try await searchGroups(call)
        let text = call.query.first("q") ?? ""
        let only = call.query.first("kind") ?? ""
        let page = max(1, Int(call.query.first("page") ?? "") ?? 1)
        try await audited(call, groups.flatMap { group in group.hits.map { $0.kind + "/" + $0.id } }, "search")
        var query = call.query
        query.pairs.removeAll { $0.0 == "page" }
        let base = query.pairs.map { Self.percentEncoded($0.0) + "=" + Self.percentEncoded($0.1) }.joined(separator: "&")
        func link(kind: String) -> String {
            "/search?q=" + Self.percentEncoded(text) + "&kind=" + Self.percentEncoded(kind) + "&sort=" + Self.percentEncoded(call.query.first("sort") ?? "id")
        }
        let shown = groups.map { group -> [String: Any] in
            ["kind": kindLabel(group.kind, call.language), "kindID": group.kind, "total": formats.count(group.total),
             "capped": group.capped, "cappedHere": group.capped && !only.isEmpty, "more": only.isEmpty && group.total > group.hits.count, "moreHref": link(kind: group.kind),
             "rows": group.hits.map { hit -> [String: Any] in
                 ["id": hit.id, "name": hit.name, "date": hit.date, "detail": hit.detail, "href": hit.href,
                  "marking": hit.marking.map { marking($0) } as Any, "hasMarking": hit.marking != nil]
             },
             "hasRows": !group.hits.isEmpty]
        }
        let kinds = [""] + ["entities", "leads"] + Kind.allCases.map(\.rawValue)
        var values: [String: Any] = [
            "q": text, "groups": shown, "hasGroups": !shown.isEmpty, "searched": !text.isEmpty || !only.isEmpty,
            "kinds": kinds.map { ["value": $0, "label": $0.isEmpty ? catalog.text("search.kind.any", call.language) : kindLabel($0, call.language),
                                  "selected": only == $0] },
            "sorts": ["id", "name", "date"].map { ["value": $0, "label": catalog.text("search.sort." + $0, call.language),
                                                  "selected": (call.query.first("sort") ?? "id") == $0] },
            "csv": "/search.csv" + (base.isEmpty ? "" : "?" + base + "&page=\(page)"),
        ]
        if !only.isEmpty, let group = groups.first {
            values["pagination"] = Self.pagination(total: group.total, page: page, size: Self.searchPageSize) {
                "/search?" + base + (base.isEmpty ? "" : "&") + "page=\($0)"
            }
        }
        return try render(call, "search", title: "search.title", nav: "search", values)
    }

    /// The rows the search page shows, as CSV (quoted cells, spreadsheet formulas defused).
    func searchCSV(_ call: Call) async throws -> Response {
        let groups = try await searchGroups(call)
        let hits = groups.flatMap(\.hits)
        try await audited(call, hits.map { $0.kind + "/" + $0.id }, "search exported as CSV")
        func cell(_ text: String) -> String {
            var text = text
            if let first = text.first, "=+-@\t\r".contains(first) { text = "'" + text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        var lines = [["kind", "id", "name", "date", "detail", "tlp", "originator", "releasable_to"].map(cell).joined(separator: ",")]
        for hit in hits {
            lines.append([hit.kind, hit.id, hit.name, hit.date, hit.detail, hit.marking?.tlp.label ?? "", hit.marking?.originator ?? "",
                          hit.marking?.releasableTo.joined(separator: ";") ?? ""].map(cell).joined(separator: ","))
        }
        var response = Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: lines.joined(separator: "\r\n") + "\r\n")))
        response.headers[.contentDisposition] = "attachment; filename=\"rastro-search.csv\""
        return response
    }
}

private extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
