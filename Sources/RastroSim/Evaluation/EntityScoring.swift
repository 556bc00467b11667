public import RastroModel

extension Evaluator {
    /// Pairwise precision, recall and F1 of the findings' entities over the truth's mentions (see
    /// `Evaluation.Entities` for the conventions). Linear in the number of mentions: pairs are
    /// counted from cluster sizes, so a world of a million mentions costs a few dictionary passes.
    public static func scoreEntities(_ entities: [Findings.EntityFinding], truth: Truth) -> Evaluation.Entities {
        // Truth: each distinct mention gets a dense number and its true cluster. A mention the
        // truth lists twice keeps its first entity (the simulator lists each once).
        var mentionNumber: [Mention: Int] = [:]
        mentionNumber.reserveCapacity(truth.mentions.count)
        var trueCluster: [Int] = []
        trueCluster.reserveCapacity(truth.mentions.count)
        var clusterNumber: [String: Int] = [:]
        for entry in truth.mentions {
            let mention = entry.mention
            guard mentionNumber[mention] == nil else { continue }
            let cluster: Int
            if let known = clusterNumber[entry.entityID] {
                cluster = known
            } else {
                cluster = clusterNumber.count
                clusterNumber[entry.entityID] = cluster
            }
            mentionNumber[mention] = trueCluster.count
            trueCluster.append(cluster)
        }

        // Findings: each truth mention's predicted cluster (the first entity that lists it).
        let unassigned = -1
        var predictedCluster = [Int](repeating: unassigned, count: trueCluster.count)
        var repeated = [Bool](repeating: false, count: trueCluster.count)
        var unknown = Set<Mention>()
        var repeatedCount = 0, scored = 0
        for (entityNumber, entity) in entities.enumerated() {
            for mention in entity.mentions {
                guard let number = mentionNumber[mention] else {
                    unknown.insert(mention)
                    continue
                }
                if predictedCluster[number] == unassigned {
                    predictedCluster[number] = entityNumber
                    scored += 1
                } else if predictedCluster[number] != entityNumber, !repeated[number] {
                    repeated[number] = true
                    repeatedCount += 1
                }
            }
        }

        // Contingency counts. Unassigned mentions are singletons: they add to no cell, no
        // predicted cluster, only to their true cluster's size.
        var trueSizes = [Int](repeating: 0, count: clusterNumber.count)
        var predictedSizes = [Int](repeating: 0, count: entities.count)
        var cells: [Int: Int] = [:]
        for number in trueCluster.indices {
            trueSizes[trueCluster[number]] += 1
            let predicted = predictedCluster[number]
            guard predicted != unassigned else { continue }
            predictedSizes[predicted] += 1
            cells[predicted &* clusterNumber.count &+ trueCluster[number], default: 0] += 1
        }
        let pairs = PairCounts(
            truePositive: cells.values.reduce(0) { $0 + pairsAmong($1) },
            predicted: predictedSizes.reduce(0) { $0 + pairsAmong($1) },
            actual: trueSizes.reduce(0) { $0 + pairsAmong($1) })

        return Evaluation.Entities(
            mentions: trueCluster.count, scoredMentions: scored, missingMentions: trueCluster.count - scored,
            unknownMentions: unknown.count, repeatedMentions: repeatedCount,
            predictedEntities: entities.count, trueEntities: clusterNumber.count,
            predictedPairs: pairs.predicted, truePairs: pairs.actual, truePositivePairs: pairs.truePositive,
            precision: pairs.precision, recall: pairs.recall, f1: pairs.f1)
    }

    /// n·(n−1)/2: the pairs among n items.
    static func pairsAmong(_ count: Int) -> Int {
        count * (count - 1) / 2
    }

    /// Pair counts and the figures derived from them, with the empty-side conventions of
    /// `Evaluation.Entities`.
    struct PairCounts {
        var truePositive: Int
        var predicted: Int
        var actual: Int

        var precision: Double { predicted == 0 ? 1 : Double(truePositive) / Double(predicted) }
        var recall: Double { actual == 0 ? 1 : Double(truePositive) / Double(actual) }
        var f1: Double {
            let (p, r) = (precision, recall)
            return p + r == 0 ? 0 : 2 * p * r / (p + r)
        }
    }
}
