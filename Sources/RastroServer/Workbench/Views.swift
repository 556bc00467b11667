import Foundation
import RastroAnalysis
import RastroModel
import RastroStore

/// Values the templates show, built in the viewer's language.
extension Workbench {
    /// A marking as the `marking` partial shows it: the TLP 2.0 label in FIRST's colours, the
    /// originator and who it is releasable to.
    func marking(_ marking: Marking) -> [String: Any] {
        ["label": marking.tlp.label, "css": "tlp-" + marking.tlp.rawValue.replacingOccurrences(of: "+", with: "-"),
         "originator": marking.originator, "releasable": marking.releasableTo.joined(separator: ", "),
         "hasReleasable": !marking.releasableTo.isEmpty]
    }

    /// A chemical's name in the page's language, from the shipped catalog (the declared name when
    /// the catalog does not know it).
    func chemicalName(cas: String?, name: String?, _ language: Catalog.Language) -> String {
        if let chemical = ChemicalCatalog.shipped.resolve(cas: cas, name: name) {
            return language == .es ? chemical.nameES : chemical.nameEN
        }
        return name ?? cas ?? ""
    }

    /// A rule's name and what it means, from the catalog (`rule.NAME`, `rule.NAME.help`).
    func rule(_ name: String, _ language: Catalog.Language) -> (name: String, help: String) {
        let t = catalog.messages[language] ?? [:]
        return (t["rule." + name] ?? name, t["rule." + name + ".help"] ?? "")
    }

    /// The link to a piece of evidence: a record page, or the page of a derived object.
    static func link(_ reference: Findings.EvidenceRef) -> String {
        switch reference.kind {
        case "consignments": "/consignments/" + percentEncoded(reference.id)
        case "entities": "/entities/" + percentEncoded(reference.id)
        default: "/records/" + percentEncoded(reference.kind) + "/" + percentEncoded(reference.id)
        }
    }

    /// A score's reasons, each with its rule, contribution and evidence links.
    func reasons(_ reasons: [RiskReason], _ formats: Formats) -> [[String: Any]] {
        reasons.sorted { $0.contribution > $1.contribution }.map { reason in
            let rule = rule(reason.rule, formats.language)
            return ["rule": rule.name, "ruleID": reason.rule, "help": rule.help, "contribution": formats.score(reason.contribution),
                    // In the page's language; a run stored before reasons carried their message has
                    // only the English sentence, marked as such by the templates.
                    "detail": reason.text.map { ReasonTemplates.render($0, language: formats.language.rawValue) } ?? reason.detail,
                    "english": reason.text == nil,
                    "evidence": reason.evidence.map { ["kind": $0.kind, "id": $0.id, "href": Self.link($0)] }]
        }
    }

    /// The fields of a record, in the contract's order, with withheld fields marked.
    func fields(_ record: Record, _ formats: Formats) -> [[String: Any]] {
        var rows: [[String: Any]] = []
        for (index, field) in record.kind.schema.fields.enumerated() {
            let value = record.values[index]
            if record.redactedFields.contains(field.name) {
                rows.append(["name": field.name, "redacted": true])
            } else if !value.isNull {
                var shown = value.display
                if field.type.isNumeric, let number = value.number { shown = formats.number(number) }
                rows.append(["name": field.name, "value": shown])
            }
        }
        for attribute in record.attributes { rows.append(["name": attribute.name, "value": attribute.value]) }
        for name in record.redactedFields where !record.kind.schema.fields.contains(where: { $0.name == name }) {
            rows.append(["name": name, "redacted": true])
        }
        return rows
    }

    /// The values of the `leadform` partial for a subject of the last analysis (`subjectID` of
    /// an area is its rank), or nil when the viewer's role may not create leads.
    func leadForm(_ call: Call, kind: String, id: String) -> [String: Any]? {
        guard !call.viewer.roles.isDisjoint(with: [.analyst, .admin]) else { return nil }
        return ["subjectKind": kind, "subjectID": id,
                "tlps": [["value": "amber", "label": "TLP:AMBER"], ["value": "amber+strict", "label": "TLP:AMBER+STRICT"]]]
    }

    /// Page numbers for a list: the current page, and links to the previous and next.
    static func pagination(total: Int, page: Int, size: Int, link: (Int) -> String) -> [String: Any] {
        let pages = max(1, (total + size - 1) / size)
        var out: [String: Any] = ["page": page, "pages": pages, "total": total]
        if page > 1 { out["previous"] = link(page - 1) }
        if page < pages { out["next"] = link(page + 1) }
        return out
    }
}
