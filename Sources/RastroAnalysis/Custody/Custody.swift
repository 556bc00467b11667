public import RastroModel

/// One transfer that carried part of a traced lot.
public struct CustodyStep: Sendable, Hashable, Codable {
    /// How the lot's share of the transfer was decided.
    public enum Allocation: String, Sendable, Hashable, Codable {
        /// The transfer names the consignment.
        case exact
        /// The transfer names none; its quantity was drawn first-in-first-out from the sender's lots.
        case fifo
        /// The transfer names none, but it is one of the only set of the sender's unnamed transfers
        /// that adds up to what the sender received of one lot (see `CustodyGraph`).
        case matched
    }

    public var transferID: String
    public var date: String
    public var fromEntity: String
    public var toEntity: String
    /// Of this consignment's lot, carried by this transfer (its allocated share).
    public var quantityKg: Double
    /// The whole transfer's quantity.
    public var transferKg: Double
    public var allocation: Allocation
    /// Hops from the importer: 1 is the first sale after import. When the sender held the lot at
    /// several depths (it reached it by two paths), the smallest.
    public var depth: Int
}

/// Where one imported lot went, as far as the transfers say.
public struct CustodyTrace: Sendable, Hashable, Codable {
    public var consignmentID: String
    /// The importer's entity.
    public var importer: String
    /// The chemical's identity (`MassBalance.chemicalKey`).
    public var chemical: String
    public var arrivalDate: String
    public var importedKg: Double
    /// The transfers that carried part of the lot, in date order, then transfer id.
    public var steps: [CustodyStep]
    /// What each entity still holds of the lot at the end of the data (only holdings above 0.001 kg).
    public var holdings: [String: Double]
    /// The part of `holdings` that nobody answers for: held at the end of the data by a party that
    /// neither passed any of this chemical on (no transfer out of it, of any lot) nor filed a usage
    /// report for it. A seller's stock shows in its later sales; a reporting user's stock and
    /// consumption are checked by the mass balance; a lot that sits with a party that does neither
    /// (a front that imports and vanishes, an unlicensed buyer) is unaccounted for. Only meaningful
    /// for chemicals that carry a reporting duty; see `CustodyGraph.build`.
    public var unaccountedKg: Double
}

/// The custody of imported lots, reconstructed from consignments and transfers.
///
/// Every event is processed in one global time order: imports on their arrival date, transfers on
/// their date; on the same day imports come before transfers, and each by id. Each party's holdings
/// are kept per lot, in the order it received them.
///
/// - A transfer that names a known consignment moves that lot exactly, capped at what the sender
///   still holds of it; any excess is unattributed (it belongs to no traced lot).
/// - When a party receives part of a lot (an import, or a draw of a transfer), what its later
///   transfers naming that lot will not carry is matched by quantity: if exactly one set of at
///   most `QuantityMatcher.maxParts` of its transfers that name no lot (of the same chemical, not
///   matched yet, the `candidateLimit` earliest within `windowDays` of the receipt) adds up to it
///   within `toleranceKg`, those transfers draw that lot (`matched`), as if they named it. Two
///   sets or more are no match. Whatever a matched transfer does not find of its lot is drawn as
///   below.
/// - A transfer that names none (or names a consignment not in the data) and is not matched is
///   allocated first-in-first-out from the sender's holdings of the same chemical: the lot the
///   sender received first is drawn first, then the next, each first from the stock that no
///   later named or matched transfer of the sender takes and then from the rest; what exceeds
///   all its holdings is unattributed.
///
/// Limits: FIFO is a convention, not knowledge — a distributor may well have sold the newer lot.
/// A quantity match is evidence, not proof: lots repacked, sold in package sizes or mixed do not
/// add up, and round quantities can add up by chance (hence the uniqueness rule); a match is
/// made when the lot arrives, so an earlier lot may take a set a later one would also make.
/// Mixing of lots, losses, consumption, returns and data errors are not modelled (a transfer dated
/// before the lot reached its sender finds nothing to draw). A transfer recorded late changes
/// earlier allocations when the analysis is run again.
public struct CustodyGraph: Sendable {
    struct Holding {
        var lot: Int32
        var depth: Int32
        var kg: Double
    }

    struct RawStep {
        var transfer: Int32
        var from: Int32
        var to: Int32
        var kg: Double
        var depth: Int32
        var allocation: CustodyStep.Allocation
    }

    struct Lot {
        var consignmentID: String
        var importer: Int32
        var chemical: Int32
        var arrivalDate: String
        var importedKg: Double
        var steps: [RawStep] = []
        var holdings: [Int32: Double] = [:]
        var unaccountedKg = 0.0
    }

    struct TransferInfo {
        var id: String
        var date: String
        var kg: Double
    }

    private var entities: [String] = []
    private var chemicals: [String] = []
    private var lots: [Lot] = []
    private var lotIndex: [String: Int] = [:]
    private var transferInfo: [TransferInfo] = []

    /// Builds the graph and runs the allocation over all the data.
    ///
    /// - Parameters:
    ///   - usageReports: tell which parties answer for what they hold (`CustodyTrace.unaccountedKg`).
    ///     Without them, every holding of a party that never passes the chemical on is unaccounted for.
    ///   - entityOf: the resolved entity of a mention (a consignment's `importer`, a transfer's `from`
    ///     and `to`, a report's `reporter`); when nil, the mention gets a key of its own,
    ///     `?kind:id:role`, so that nothing is lost.
    public static func build(consignments: [Consignment], transfers: [Transfer], usageReports: [UsageReport] = [],
                             entityOf: (Mention) -> String?) -> CustodyGraph {
        var graph = CustodyGraph()
        var entityIndex: [String: Int32] = [:]
        var chemicalIndex: [String: Int32] = [:]
        func entity(_ kind: Kind, _ id: String, _ role: Mention.Role) -> Int32 {
            let mention = Mention(kind: kind, id: id, role: role)
            let name = entityOf(mention) ?? "?\(mention.kind):\(id):\(role.rawValue)"
            if let known = entityIndex[name] { return known }
            let index = Int32(graph.entities.count)
            graph.entities.append(name)
            entityIndex[name] = index
            return index
        }
        func chemical(_ declaration: ChemicalDeclaration) -> Int32 {
            let key = MassBalance.chemicalKey(declaration)
            if let known = chemicalIndex[key] { return known }
            let index = Int32(graph.chemicals.count)
            graph.chemicals.append(key)
            chemicalIndex[key] = index
            return index
        }
        func pair(_ entity: Int32, _ chemical: Int32) -> Int64 { Int64(entity) << 32 | Int64(chemical) }

        // Events: (day, 0 = import / 1 = transfer, id, index).
        var events: [(day: Int, order: UInt8, id: String, index: Int32)] = []
        events.reserveCapacity(consignments.count + transfers.count)
        for consignment in consignments where graph.lotIndex[consignment.consignmentID] == nil {
            guard let day = Clock.day(consignment.arrivalDate) else { continue }
            let lot = Lot(consignmentID: consignment.consignmentID,
                          importer: entity(.consignments, consignment.consignmentID, .importer),
                          chemical: chemical(consignment.chemical), arrivalDate: consignment.arrivalDate,
                          importedKg: consignment.quantityKg)
            graph.lotIndex[lot.consignmentID] = graph.lots.count
            events.append((day, 0, lot.consignmentID, Int32(graph.lots.count)))
            graph.lots.append(lot)
        }
        var senders: [(from: Int32, to: Int32, chemical: Int32)] = []
        senders.reserveCapacity(transfers.count)
        var sellers = Set<Int64>()
        for (index, transfer) in transfers.enumerated() {
            let from = entity(.transfers, transfer.transferID, .from)
            let to = entity(.transfers, transfer.transferID, .to)
            let chem = chemical(transfer.chemical)
            senders.append((from, to, chem))
            sellers.insert(pair(from, chem))
            graph.transferInfo.append(TransferInfo(id: transfer.transferID, date: transfer.date, kg: transfer.quantityKg))
            guard let day = Clock.day(transfer.date) else { continue }
            events.append((day, 1, transfer.transferID, Int32(index)))
        }
        var answering = sellers
        for report in usageReports {
            answering.insert(pair(entity(.usageReports, report.reportID, .reporter), chemical(report.chemical)))
        }
        events.sort { ($0.day, $0.order, $0.id) < ($1.day, $1.order, $1.id) }

        // Holdings per (entity, chemical), each a queue of lots in the order received.
        var queueOf: [Int64: Int] = [:]
        var queues: [[Holding]] = []
        func queue(_ key: Int64) -> Int {
            if let known = queueOf[key] { return known }
            queueOf[key] = queues.count
            queues.append([])
            return queues.count - 1
        }
        func receive(_ key: Int64, _ holding: Holding) {
            let index = queue(key)
            if let last = queues[index].last, last.lot == holding.lot, last.depth == holding.depth {
                queues[index][queues[index].count - 1].kg += holding.kg
            } else {
                queues[index].append(holding)
            }
        }

        // Stock that a later transfer naming its lot will draw: per (sender, lot), the named
        // transfers still to come. An unnamed transfer takes the sender's other stock first.
        var reserved: [Int64: Double] = [:]
        for (index, transfer) in transfers.enumerated() {
            guard let named = transfer.consignmentID.flatMap({ graph.lotIndex[$0] }), Clock.day(transfer.date) != nil,
                  transfer.quantityKg > 0, transfer.quantityKg.isFinite else { continue }
            reserved[pair(senders[index].from, Int32(named)), default: 0] += transfer.quantityKg
        }

        // The unnamed transfers out of each (sender, chemical), in event order: the candidates of
        // a quantity match when the sender receives a lot.
        var unnamedOut: [Int64: [Int32]] = [:]
        var dayOf = [Int](repeating: 0, count: transfers.count)
        for event in events where event.order == 1 {
            let transfer = transfers[Int(event.index)]
            dayOf[Int(event.index)] = event.day
            guard transfer.consignmentID.flatMap({ graph.lotIndex[$0] }) == nil, transfer.quantityKg > 0, transfer.quantityKg.isFinite
            else { continue }
            let parties = senders[Int(event.index)]
            unnamedOut[pair(parties.from, parties.chemical), default: []].append(event.index)
        }
        var unnamedDone: [Int64: Int] = [:]
        var processed = [Bool](repeating: false, count: transfers.count)
        var matchedLot = [Int32](repeating: -1, count: transfers.count)
        // Per (sender, lot): what matched transfers still to come will draw, and how much of the
        // named reservation a receipt has already set against its quantity.
        var matchedReserve: [Int64: Double] = [:]
        var namedCounted: [Int64: Double] = [:]
        var matcher = QuantityMatcher()

        /// `holder` received `kg` of `lot` on `day`. What its transfers naming the lot will not
        /// carry should leave in its unnamed transfers; when exactly one set of those (soon after,
        /// not matched yet) adds up to it, they are that lot's.
        func matchReceipt(holder: Int32, lot: Int32, kg: Double, day: Int) {
            let key = pair(holder, graph.lots[Int(lot)].chemical)
            guard let candidates = unnamedOut[key] else { return }
            let lotKey = pair(holder, lot)
            let namedLeft = max(0, (reserved[lotKey] ?? 0) - (namedCounted[lotKey] ?? 0))
            let byNamed = min(kg, namedLeft)
            namedCounted[lotKey, default: 0] += byNamed
            let target = kg - byNamed
            guard target > QuantityMatcher.toleranceKg else { return }
            var position = unnamedDone[key] ?? 0
            while position < candidates.count, processed[Int(candidates[position])] { position += 1 }
            unnamedDone[key] = position
            var chosen: [Int32] = []
            while position < candidates.count, chosen.count < QuantityMatcher.candidateLimit {
                let transfer = candidates[position]
                position += 1
                if dayOf[Int(transfer)] > day + QuantityMatcher.windowDays { break }
                if !processed[Int(transfer)], matchedLot[Int(transfer)] < 0 { chosen.append(transfer) }
            }
            guard let picked = matcher.uniqueSubset(chosen.map { transfers[Int($0)].quantityKg }, target: target) else { return }
            for offset in picked {
                matchedLot[Int(chosen[offset])] = lot
                matchedReserve[lotKey, default: 0] += transfers[Int(chosen[offset])].quantityKg
            }
        }

        var draws: [Holding] = []
        var reservationLeft: [Int32: Double] = [:]
        var free: [Double] = []
        for event in events {
            if event.order == 0 {
                let lot = graph.lots[Int(event.index)]
                guard lot.importedKg > 0, lot.importedKg.isFinite else { continue }
                receive(pair(lot.importer, lot.chemical), Holding(lot: event.index, depth: 0, kg: lot.importedKg))
                matchReceipt(holder: lot.importer, lot: event.index, kg: lot.importedKg, day: event.day)
                continue
            }
            let transfer = transfers[Int(event.index)]
            let parties = senders[Int(event.index)]
            var remaining = transfer.quantityKg
            guard remaining > 0, remaining.isFinite else { continue }
            draws.removeAll(keepingCapacity: true)
            let named = transfer.consignmentID.flatMap { graph.lotIndex[$0] }
            processed[Int(event.index)] = true
            var allocation: CustodyStep.Allocation = named != nil ? .exact : .fifo
            // The lot this transfer draws by name, or by its quantity match.
            var drawLot: Int32? = named.map { Int32($0) }
            if named == nil, matchedLot[Int(event.index)] >= 0 {
                drawLot = matchedLot[Int(event.index)]
                allocation = .matched
                let key = pair(parties.from, matchedLot[Int(event.index)])
                if let left = matchedReserve[key] { matchedReserve[key] = left - transfer.quantityKg > 1e-9 ? left - transfer.quantityKg : nil }
            }
            if let named {
                let key = pair(parties.from, Int32(named))
                if let left = reserved[key] { reserved[key] = left - transfer.quantityKg > 1e-9 ? left - transfer.quantityKg : nil }
            }
            if let lot = drawLot {
                let chem = graph.lots[Int(lot)].chemical
                if let index = queueOf[pair(parties.from, chem)] {
                    var position = 0
                    while position < queues[index].count, remaining > 0 {
                        if queues[index][position].lot == lot {
                            let take = min(remaining, queues[index][position].kg)
                            draws.append(Holding(lot: lot, depth: queues[index][position].depth, kg: take))
                            remaining -= take
                            queues[index][position].kg -= take
                            if queues[index][position].kg <= 1e-9 {
                                queues[index].remove(at: position)
                                continue
                            }
                        }
                        position += 1
                    }
                }
            }
            // A named transfer's excess over its lot is unattributed; an unnamed one's (matched or
            // not) is drawn first-in-first-out.
            if named == nil, remaining > 1e-9, let index = queueOf[pair(parties.from, parties.chemical)] {
                // First-in-first-out over the stock no later named or matched transfer needs, then
                // over the rest. A lot's reserved part is its earliest holdings (such a draw takes those).
                reservationLeft.removeAll(keepingCapacity: true)
                free.removeAll(keepingCapacity: true)
                for holding in queues[index] {
                    let key = pair(parties.from, holding.lot)
                    let left = reservationLeft[holding.lot] ?? ((reserved[key] ?? 0) + (matchedReserve[key] ?? 0))
                    let kept = min(left, holding.kg)
                    reservationLeft[holding.lot] = left - kept
                    free.append(holding.kg - kept)
                }
                for pass in 0..<2 {
                    for position in queues[index].indices where remaining > 0 {
                        let available = pass == 0 ? free[position] : queues[index][position].kg
                        guard available > 1e-9 else { continue }
                        let take = min(remaining, available)
                        draws.append(Holding(lot: queues[index][position].lot, depth: queues[index][position].depth, kg: take))
                        remaining -= take
                        queues[index][position].kg -= take
                        if pass == 0 { free[position] -= take }
                    }
                }
                queues[index].removeAll { $0.kg <= 1e-9 }
            }
            // One step per lot drawn; the receiver holds each draw one hop deeper.
            var recorded: [Int32] = []
            for draw in draws {
                let lot = Int(draw.lot)
                receive(pair(parties.to, graph.lots[lot].chemical), Holding(lot: draw.lot, depth: draw.depth + 1, kg: draw.kg))
                matchReceipt(holder: parties.to, lot: draw.lot, kg: draw.kg, day: event.day)
                let how: CustodyStep.Allocation = allocation == .matched && draw.lot != drawLot ? .fifo : allocation
                if recorded.contains(draw.lot), let last = graph.lots[lot].steps.indices.last {
                    graph.lots[lot].steps[last].kg += draw.kg
                    graph.lots[lot].steps[last].depth = min(graph.lots[lot].steps[last].depth, draw.depth + 1)
                } else {
                    recorded.append(draw.lot)
                    graph.lots[lot].steps.append(RawStep(transfer: event.index, from: parties.from, to: parties.to, kg: draw.kg,
                                                         depth: draw.depth + 1, allocation: how))
                }
            }
        }

        // What is left where, at the end of the data.
        for (key, index) in queueOf {
            let holder = Int32(truncatingIfNeeded: key >> 32)
            for holding in queues[index] where holding.kg > 0 {
                graph.lots[Int(holding.lot)].holdings[holder, default: 0] += holding.kg
            }
        }
        for lot in graph.lots.indices {
            let chem = graph.lots[lot].chemical
            graph.lots[lot].holdings = graph.lots[lot].holdings.filter { $0.value > 0.001 }
            // Summed in holder order, so that the result does not depend on hashing.
            graph.lots[lot].unaccountedKg = graph.lots[lot].holdings.sorted { $0.key < $1.key }.reduce(0) { sum, holding in
                answering.contains(pair(holding.key, chem)) ? sum : sum + holding.value
            }
        }
        return graph
    }

    /// The trace of one consignment, or nil when it is not in the data (or its arrival date is not a date).
    public func trace(_ consignmentID: String) -> CustodyTrace? {
        guard let index = lotIndex[consignmentID] else { return nil }
        return trace(at: index)
    }

    /// Every consignment's trace, in the order the consignments were given (first of each id).
    public func traceAll() -> [CustodyTrace] {
        lots.indices.map { trace(at: $0) }
    }

    private func trace(at index: Int) -> CustodyTrace {
        let lot = lots[index]
        let steps = lot.steps.map { step in
            let transfer = transferInfo[Int(step.transfer)]
            return CustodyStep(transferID: transfer.id, date: transfer.date, fromEntity: entities[Int(step.from)],
                               toEntity: entities[Int(step.to)], quantityKg: step.kg, transferKg: transfer.kg,
                               allocation: step.allocation, depth: Int(step.depth))
        }
        var holdings: [String: Double] = [:]
        for (holder, kg) in lot.holdings { holdings[entities[Int(holder)]] = kg }
        return CustodyTrace(consignmentID: lot.consignmentID, importer: entities[Int(lot.importer)], chemical: chemicals[Int(lot.chemical)],
                            arrivalDate: lot.arrivalDate, importedKg: lot.importedKg, steps: steps, holdings: holdings,
                            unaccountedKg: lot.unaccountedKg)
    }
}

/// Finds the one set of quantities that adds up to a target (see `CustodyGraph`): at most
/// `maxParts` of them, equal within `toleranceKg`. Two sets or more, or a search longer than
/// `nodeBudget` steps, count as none: an ambiguous match is no match.
struct QuantityMatcher {
    /// How long after a receipt its unnamed transfers are looked for.
    static let windowDays = 60
    /// How many of them, the earliest first.
    static let candidateLimit = 24
    static let maxParts = 6
    static let toleranceKg = 0.05
    static let nodeBudget = 2_000

    private var order: [Int] = []
    private var values: [Double] = []
    private var prefix: [Double] = []
    private var stack: [Int] = []
    private var found: [Int]?
    private var solutions = 0
    private var nodes = 0

    /// The offsets in `quantities` of the only subset that sums to `target`, or nil.
    mutating func uniqueSubset(_ quantities: [Double], target: Double) -> [Int]? {
        order = quantities.indices.filter { quantities[$0] > 2 * Self.toleranceKg && quantities[$0].isFinite }
            .sorted { (quantities[$0], $1) > (quantities[$1], $0) }
        values = order.map { quantities[$0] }
        prefix = [0]
        for value in values { prefix.append(prefix[prefix.count - 1] + value) }
        stack.removeAll(keepingCapacity: true)
        found = nil
        solutions = 0
        nodes = 0
        search(from: 0, remaining: target)
        guard solutions == 1, nodes <= Self.nodeBudget, let found else { return nil }
        return found.map { order[$0] }.sorted()
    }

    /// Values are in descending order: the largest sum of `k` more from `start` on is the next `k`.
    private mutating func search(from start: Int, remaining: Double) {
        nodes += 1
        if abs(remaining) <= Self.toleranceKg {
            solutions += 1
            if solutions == 1 { found = stack }
            return
        }
        let parts = Self.maxParts - stack.count
        guard parts > 0, start < values.count, solutions < 2, nodes <= Self.nodeBudget else { return }
        if prefix[min(values.count, start + parts)] - prefix[start] < remaining - Self.toleranceKg { return }
        for next in start..<values.count {
            guard solutions < 2, nodes <= Self.nodeBudget else { return }
            if values[next] > remaining + Self.toleranceKg { continue }
            // What is left from `next` on, all of it, is too little.
            if prefix[values.count] - prefix[next] < remaining - Self.toleranceKg { return }
            stack.append(next)
            search(from: next + 1, remaining: remaining - values[next])
            stack.removeLast()
        }
    }
}
