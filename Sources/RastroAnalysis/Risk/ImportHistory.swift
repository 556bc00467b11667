import Foundation
import RastroModel

/// One party's imports of one chemical, indexed for what the rules ask of each of them: which
/// lots arrived within some days of it, how many arrived farther away, and the spread of the
/// other lots' quantities. Each answer costs a binary search (plus what it returns) instead of a
/// pass over the whole history, so that a party with tens of thousands of imports does not make
/// the rules quadratic.
struct ImportHistory {
    /// The lots, in the order of the data.
    let lots: [Consignment]
    /// The dated lots' arrival days with their position in `lots`, by day, then position.
    private let byDay: [(day: Int, index: Int)]
    /// Log-quantities (kg, at least 0.001): their mean and sum of squared deviations (Welford).
    private let logs: [Double]
    private let logMean: Double
    private let logSquares: Double
    /// Per id: how many lots have it, and the position of the first.
    private let positionOf: [String: (count: Int, first: Int)]

    init(_ lots: [Consignment]) {
        self.lots = lots
        byDay = lots.indices.compactMap { index in Clock.day(lots[index].arrivalDate).map { (day: $0, index: index) } }
            .sorted { ($0.day, $0.index) < ($1.day, $1.index) }
        logs = lots.map { Foundation.log(max($0.quantityKg, 0.001)) }
        var mean = 0.0, squares = 0.0
        for (count, value) in logs.enumerated() {
            let delta = value - mean
            mean += delta / Double(count + 1)
            squares += delta * (value - mean)
        }
        logMean = mean
        logSquares = squares
        var ids: [String: (count: Int, first: Int)] = [:]
        for (position, lot) in lots.enumerated() { ids[lot.consignmentID, default: (0, position)].count += 1 }
        positionOf = ids
    }

    /// Positions in `byDay` of the lots that arrived from `day − days` through `day + days`.
    private func window(_ days: Int, around day: Int) -> Range<Int> {
        func first(atLeast value: Int) -> Int {
            var low = 0, high = byDay.count
            while low < high {
                let middle = (low + high) / 2
                if byDay[middle].day < value { low = middle + 1 } else { high = middle }
            }
            return low
        }
        return first(atLeast: day - days)..<first(atLeast: day + days + 1)
    }

    /// The dated lots within `days` of `day` (either side, inclusive) that `include` accepts, in
    /// the order of the data.
    func lots(within days: Int, of day: Int, where include: (Consignment) -> Bool) -> [Consignment] {
        window(days, around: day).map { byDay[$0].index }.filter { include(lots[$0]) }.sorted().map { lots[$0] }
    }

    /// How many dated lots arrived more than `days` from `day`.
    func count(fartherThan days: Int, from day: Int) -> Int {
        byDay.count - window(days, around: day).count
    }

    /// Mean and sample standard deviation of the log-quantities of every lot but those with id
    /// `id` (with one lot removed from the whole history's running figures), and how many there
    /// are.
    func logSpread(excluding id: String) -> (count: Int, mean: Double, sd: Double) {
        guard let (removed, position) = positionOf[id], removed == 1 else {
            // Not the usual one lot per id: the plain two-pass figures over the others.
            let others = lots.indices.filter { lots[$0].consignmentID != id }.map { logs[$0] }
            let mean = others.reduce(0, +) / Double(others.count)
            let sd = (others.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(1, others.count - 1))).squareRoot()
            return (others.count, mean, sd)
        }
        let count = lots.count - 1
        guard count > 0 else { return (0, .nan, 0) }
        let value = logs[position]
        let mean = (logMean * Double(lots.count) - value) / Double(count)
        let squares = max(0, logSquares - (value - logMean) * (value - mean))
        return (count, mean, (squares / Double(max(1, count - 1))).squareRoot())
    }
}
