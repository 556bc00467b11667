import Foundation

extension Evaluation {
    /// The figures as a readable text block per section: counts first (so the figures can be
    /// judged), then each figure with 3 decimals, `n/a` when it cannot be computed.
    public func report() -> String {
        var lines: [String] = []
        lines.append("World: seed \(world.seed), scale \(world.scale), difficulty \(world.difficulty)")

        let c = consignments
        lines.append("")
        lines.append("Consignments")
        lines.append(Self.row("in the truth", "\(Self.counted(c.total, "consignment", "consignments")), \(c.diverted) diverted"))
        lines.append(Self.row("scored", "\(c.scored) of \(c.findings) findings; \(c.missing) missing from the findings, counted as risk 0"))
        lines.append(Self.row("ignored", "\(Self.counted(c.unknown, "unknown id", "unknown ids")), \(Self.counted(c.duplicates, "duplicate", "duplicates"))"))
        lines.append(Self.row("ROC AUC", Self.decimal(c.auc)))
        lines.append(Self.row("precision@k (k = \(c.k))", Self.decimal(c.precisionAtK)))
        lines.append(Self.row("recall at risk ≥ 0.5", Self.decimal(c.recallAtHalf)))

        let e = entities
        lines.append("")
        lines.append("Entities (pairwise over mentions)")
        lines.append(Self.row("in the truth", "\(Self.counted(e.mentions, "mention", "mentions")) of \(Self.counted(e.trueEntities, "entity", "entities")), \(Self.counted(e.truePairs, "pair", "pairs"))"))
        lines.append(Self.row("predicted", "\(Self.counted(e.predictedEntities, "entity", "entities")), \(Self.counted(e.predictedPairs, "pair", "pairs")), \(e.truePositivePairs) of them true"))
        lines.append(Self.row("scored", "\(Self.counted(e.scoredMentions, "mention", "mentions")); \(e.missingMentions) missing from the findings, counted as singletons"))
        lines.append(Self.row("ignored", "\(Self.counted(e.unknownMentions, "unknown mention", "unknown mentions")), \(e.repeatedMentions) also in a later entity (the first counts)"))
        lines.append(Self.row("precision", Self.decimal(e.precision)))
        lines.append(Self.row("recall", Self.decimal(e.recall)))
        lines.append(Self.row("F1", Self.decimal(e.f1)))

        let a = areas
        lines.append("")
        lines.append("Areas (a lab is found within \(Self.decimal(a.radiusKm, places: 1)) km of an area's centre)")
        lines.append(Self.row("active labs (L)", "\(a.labs)"))
        lines.append(Self.row("areas listed", "\(a.areas)"))
        lines.append(Self.row("hit@1", Self.decimal(a.hitAt1)))
        lines.append(Self.row("hit@5", Self.decimal(a.hitAt5)))
        lines.append(Self.row("hit@10", Self.decimal(a.hitAt10)))
        lines.append(Self.row("hit@L (L = \(a.labs))", Self.decimal(a.hitAtL)))
        lines.append(Self.row("hit@2L (2L = \(2 * a.labs))", Self.decimal(a.hitAt2L)))
        lines.append(Self.row("precision@L", Self.decimal(a.precisionAtL)
                                  + (a.labs > 0 ? "  (\(a.matchedAtL) of \(Self.counted(a.labs, "lab", "labs")) matched one-to-one)" : "")))
        lines.append("")
        if let custody {
            lines.append("Custody (kilograms of each transfer allocated to the lot it really carried)")
            lines.append(Self.row("transfers", "\(custody.all.transfers) of \(custody.transfers) allocated to some lot"))
            lines.append(Self.row("right lot", Self.decimal(custody.all.share)
                                  + "  (\(Self.decimal(custody.all.rightKg, places: 0)) of \(Self.decimal(custody.all.allocatedKg, places: 0)) kg)"))
            for (kind, label) in [("exact", "named"), ("matched", "matched by quantity"), ("fifo", "first in, first out")] {
                guard let part = custody.byAllocation[kind] else { continue }
                lines.append(Self.row("  " + label, Self.decimal(part.share) + "  (\(Self.counted(part.transfers, "transfer", "transfers")))"))
            }
        } else {
            lines.append("Custody: n/a (needs the store's last analysis and a truth that lists the transfers' lots)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A label padded to one column width, then the value.
    static func row(_ label: String, _ value: String) -> String {
        let width = 26
        return "  " + label + String(repeating: " ", count: max(1, width - label.count)) + value
    }

    /// `0.734`, or `n/a` for nil.
    static func decimal(_ value: Double?, places: Int = 3) -> String {
        guard let value else { return "n/a" }
        return String(format: "%.\(places)f", value)
    }

    /// `1 pair`, `3 pairs`.
    static func counted(_ count: Int, _ one: String, _ many: String) -> String {
        "\(count) " + (count == 1 ? one : many)
    }
}
