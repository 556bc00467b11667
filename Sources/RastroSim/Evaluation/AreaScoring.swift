import Foundation
public import RastroModel

extension Evaluator {
    /// Ranked areas against the active labs: hit@k and precision@L (see `Evaluation.Areas`).
    /// Only the top max(10, 2L) areas can change a figure, so only they are measured: a findings
    /// file with a long tail of areas costs nothing more.
    public static func scoreAreas(_ areas: [Findings.AreaFinding], labs: [Truth.Lab]) -> Evaluation.Areas {
        let labCount = labs.count
        guard labCount > 0 else {
            return Evaluation.Areas(labs: 0, areas: areas.count, radiusKm: labRadiusKm, hitAt1: nil, hitAt5: nil, hitAt10: nil,
                                    hitAtL: nil, hitAt2L: nil, matchedAtL: 0, precisionAtL: nil)
        }
        let considered = areas.prefix(max(10, 2 * labCount))
        // The labs each considered area finds, by rank.
        let found: [[Int]] = considered.map { area in
            labs.indices.filter { lab in
                distanceKm(lat: area.lat, lon: area.lon, lat2: labs[lab].lat, lon2: labs[lab].lon) <= labRadiusKm
            }
        }
        // The best (lowest) rank that finds each lab.
        var firstRank = [Int?](repeating: nil, count: labCount)
        for (rank, labsFound) in found.enumerated() {
            for lab in labsFound where firstRank[lab] == nil { firstRank[lab] = rank }
        }
        func hitShare(top k: Int) -> Double {
            Double(firstRank.lazy.filter { rank in rank.map { $0 < k } ?? false }.count) / Double(labCount)
        }
        let matched = BipartiteMatching(edges: Array(found.prefix(labCount)), right: labCount).size
        return Evaluation.Areas(
            labs: labCount, areas: areas.count, radiusKm: labRadiusKm,
            hitAt1: hitShare(top: 1), hitAt5: hitShare(top: 5), hitAt10: hitShare(top: 10),
            hitAtL: hitShare(top: labCount), hitAt2L: hitShare(top: 2 * labCount),
            matchedAtL: matched, precisionAtL: Double(matched) / Double(labCount))
    }

    /// Great-circle distance in km by the haversine formula on a sphere of `earthRadiusKm`.
    public static func distanceKm(lat: Double, lon: Double, lat2: Double, lon2: Double) -> Double {
        let radians = Double.pi / 180
        let dLat = (lat2 - lat) * radians, dLon = (lon2 - lon) * radians
        let a = sin(dLat / 2) * sin(dLat / 2) + cos(lat * radians) * cos(lat2 * radians) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * earthRadiusKm * asin(min(1, a.squareRoot()))
    }

    /// A maximum matching in a bipartite graph (left: areas, right: labs) by augmenting paths
    /// (Kuhn's algorithm). Greedy would undercount: an area near two labs must leave the lab
    /// another area can only reach. O(left × edges), small for the L areas scored.
    struct BipartiteMatching {
        /// The number of matched pairs.
        let size: Int

        /// `edges[left]` lists the right vertices (0..<right) the left vertex may match.
        init(edges: [[Int]], right: Int) {
            var partner = [Int?](repeating: nil, count: right)
            var size = 0
            for left in edges.indices {
                var visited = [Bool](repeating: false, count: right)
                if Self.augment(from: left, edges: edges, partner: &partner, visited: &visited) { size += 1 }
            }
            self.size = size
        }

        /// Looks for an alternating path from `left` to a free right vertex, and flips it.
        private static func augment(from left: Int, edges: [[Int]], partner: inout [Int?], visited: inout [Bool]) -> Bool {
            for right in edges[left] where !visited[right] {
                visited[right] = true
                if let other = partner[right] {
                    guard augment(from: other, edges: edges, partner: &partner, visited: &visited) else { continue }
                }
                partner[right] = left
                return true
            }
            return false
        }
    }
}
