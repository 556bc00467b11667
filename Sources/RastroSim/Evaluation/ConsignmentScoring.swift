public import RastroModel

extension Evaluator {
    /// Risks against the diverted / not diverted truth: AUC, precision@k and recall at 0.5 (see
    /// `Evaluation.Consignments`).
    public static func scoreConsignments(_ findings: [Findings.ConsignmentFinding], truth: Truth) -> Evaluation.Consignments {
        // The universe: every truth consignment once, in truth order; a diverted id that
        // `consignment_ids` lacks still counts (the truth says it is a consignment).
        var index: [String: Int] = [:]
        index.reserveCapacity(truth.consignmentIDs.count)
        for id in truth.consignmentIDs + truth.divertedConsignments.map(\.consignmentID) where index[id] == nil {
            index[id] = index.count
        }
        var diverted = [Bool](repeating: false, count: index.count)
        for consignment in truth.divertedConsignments {
            if let position = index[consignment.consignmentID] { diverted[position] = true }
        }

        var risk = [Double](repeating: 0, count: index.count)
        var scored = [Bool](repeating: false, count: index.count)
        var seen = Set<String>()
        var unknown = 0, duplicates = 0, scoredCount = 0
        for finding in findings {
            guard seen.insert(finding.consignmentID).inserted else {
                duplicates += 1
                continue
            }
            guard let position = index[finding.consignmentID] else {
                unknown += 1
                continue
            }
            // JSON cannot carry a NaN, but a hand-built value can: it ranks as no evidence (0).
            risk[position] = finding.risk.isNaN ? 0 : finding.risk
            scored[position] = true
            scoredCount += 1
        }

        let ranking = RiskRanking(risks: risk, positive: diverted)
        return Evaluation.Consignments(
            total: index.count, diverted: ranking.positives, scored: scoredCount, missing: index.count - scoredCount,
            findings: findings.count, unknown: unknown, duplicates: duplicates, k: ranking.positives,
            auc: ranking.auc, precisionAtK: ranking.precisionAtTopPositives, recallAtHalf: ranking.recall(atLeast: 0.5))
    }
}

extension Evaluator {
    /// Scores sorted into groups of equal risk, the form every ranking figure needs: ties are
    /// handled by group (mid-ranks, expected positives), never by an arbitrary order.
    struct RiskRanking {
        /// A run of equal risks: its size and how many of it are positive.
        struct TieGroup {
            var risk: Double
            var count: Int
            var positives: Int
        }

        /// Ascending by risk.
        let groups: [TieGroup]
        let positives: Int
        let negatives: Int

        init(risks: [Double], positive: [Bool]) {
            let order = risks.indices.sorted { risks[$0] < risks[$1] }
            var groups: [TieGroup] = []
            for item in order {
                let isPositive = positive[item] ? 1 : 0
                if let last = groups.indices.last, groups[last].risk == risks[item] {
                    groups[last].count += 1
                    groups[last].positives += isPositive
                } else {
                    groups.append(TieGroup(risk: risks[item], count: 1, positives: isPositive))
                }
            }
            self.groups = groups
            positives = positive.lazy.filter { $0 }.count
            negatives = risks.count - positives
        }

        /// Mann–Whitney U over positives × negatives, with each tie group's members taking the mean
        /// of the ranks the group spans.
        var auc: Double? {
            guard positives > 0, negatives > 0 else { return nil }
            var rankSum = 0.0, below = 0
            for group in groups {
                // Ranks below + 1 … below + count; their mean.
                let midRank = Double(below) + Double(group.count + 1) / 2
                rankSum += midRank * Double(group.positives)
                below += group.count
            }
            let p = Double(positives)
            let u = rankSum - p * (p + 1) / 2
            return u / (p * Double(negatives))
        }

        /// Precision among the `positives` highest risks; the group straddling the cut contributes
        /// the positives it would place above the cut on average over random tie-breaking.
        var precisionAtTopPositives: Double? {
            let k = positives
            guard k > 0 else { return nil }
            var taken = 0, hits = 0.0
            for group in groups.reversed() {
                if taken + group.count <= k {
                    hits += Double(group.positives)
                    taken += group.count
                    if taken == k { break }
                } else {
                    hits += Double(group.positives) * Double(k - taken) / Double(group.count)
                    break
                }
            }
            return hits / Double(k)
        }

        /// The share of positives whose risk is at least `threshold`.
        func recall(atLeast threshold: Double) -> Double? {
            guard positives > 0 else { return nil }
            let found = groups.filter { $0.risk >= threshold }.reduce(0) { $0 + $1.positives }
            return Double(found) / Double(positives)
        }
    }
}
