public import RastroModel

/// When a balance gap is worth a flag.
public struct BalanceOptions: Sendable, Hashable, Codable {
    /// A gap is flagged when |gap| > max(absoluteToleranceKg, relativeTolerance × received).
    public var relativeTolerance = 0.03
    /// The smallest tolerance, in kg, whatever was received.
    public var absoluteToleranceKg = 1.0

    public init() {}
}

/// One term of a balance: a quantity and the records behind it.
public struct BalanceTerm: Sendable, Hashable, Codable {
    public var kg: Double
    public var evidence: [Findings.EvidenceRef]

    public init(kg: Double = 0, evidence: [Findings.EvidenceRef] = []) {
        self.kg = kg
        self.evidence = evidence
    }
}

/// One party's books for one chemical over one period, set against what other records say.
public struct BalanceRow: Sendable, Hashable, Codable {
    public var entityID: String
    /// The chemical's identity (`MassBalance.chemicalKey`).
    public var chemical: String
    /// The report's period, or the calendar quarter of a missing report; inclusive dates.
    public var periodStart: String, periodEnd: String
    /// Imports (consignments by arrival date) and transfers in, dated in the period, as the other
    /// parties' records say.
    public var received: BalanceTerm
    /// Transfers out, dated in the period.
    public var transferredOut: BalanceTerm
    /// Declared in the usage report (a missing figure reads as 0).
    public var consumed: BalanceTerm
    /// The report's `stock_end_kg` minus the opening stock: the previous report's `stock_end_kg`, or
    /// 0 when there is no previous report (then the evidence is this report alone).
    public var stockChange: BalanceTerm
    /// What the report itself says it received.
    public var declaredReceived: Double?
    /// received − transferredOut − consumed − stockChange. On a missing-report row,
    /// received − transferredOut: what a report would have had to explain.
    public var gap: Double
    /// max(absoluteToleranceKg, relativeTolerance × received).
    public var tolerance: Double
    /// |gap| > tolerance, on a row whose opening and closing stock are known (see `MassBalance`).
    /// Never set on a missing-report row: `missingReport` is its own signal.
    public var flagged: Bool
    /// Nil when the report is missing.
    public var reportID: String?
    /// The entity received this chemical in the period (per others' records) but filed no report covering it.
    public var missingReport: Bool
}

/// Mass balance: each licensed party's usage reports checked against what the consignments and
/// transfers say it received and passed on.
///
/// Rules:
/// - A party is licensed when it files at least one usage report (for any chemical). Only licensed
///   parties get rows; what unlicensed parties receive is the custody trace's business.
/// - Periods are the party's own reports (`period_start` … `period_end`, inclusive). A record dated
///   in the period counts towards it; when reports of one party and chemical overlap, a record counts
///   once, towards the covering report that starts latest (then the greatest report id).
/// - Opening stock is the `stock_end_kg` of the previous report (the latest one of the same party and
///   chemical that ends before this one starts). The first report assumes the party started at 0.
/// - A row is not flagged when its opening is unknown: the previous report has no `stock_end_kg`, or
///   records between the previous report (or the start of the data) and this period fall in no
///   report, because a report is missing there and its consumption is unknown. A report without
///   `stock_end_kg` has stockChange 0 and is not flagged either.
/// - Receipts that no report covers give one missing-report row per calendar quarter in which the
///   party received the chemical; its transfers out in that quarter are on the row too.
/// - Late reports (`filed_on` after the period) are used like any other: the balance is computed on
///   the data as it stands.
public enum MassBalance {
    /// A chemical's identity: the catalog's CAS number when the chemical is known, else the declared
    /// CAS number, else the declared name, lower-cased and trimmed.
    public static func chemicalKey(_ declaration: ChemicalDeclaration) -> String {
        declaration.catalogCAS ?? declaration.cas ?? (declaration.name ?? "").lowercased().trimmingWhitespace()
    }

    struct Period {
        var start: Int
        var end: Int
        var report: UsageReport
        var received = BalanceTerm()
        var transferredOut = BalanceTerm()
    }

    struct Movement {
        var day: Int
        var kg: Double
        var incoming: Bool
        var ref: Findings.EvidenceRef
    }

    struct Books {
        var entity: String
        var chemical: String
        var periods: [Period] = []
        var movements: [Movement] = []
    }

    /// The balance rows, sorted by entity, chemical, period start and report id.
    ///
    /// - Parameter entityOf: the resolved entity of a mention (a consignment's `importer`, a
    ///   transfer's `from` and `to`, a report's `reporter`); when nil, the mention gets a key of its
    ///   own, `?kind:id:role`.
    public static func compute(consignments: [Consignment], transfers: [Transfer], usageReports: [UsageReport],
                               entityOf: (Mention) -> String?, options: BalanceOptions = BalanceOptions()) -> [BalanceRow] {
        func entity(_ kind: Kind, _ id: String, _ role: Mention.Role) -> String {
            entityOf(Mention(kind: kind, id: id, role: role)) ?? "?\(kind.rawValue):\(id):\(role.rawValue)"
        }
        var booksOf: [String: Int] = [:]
        var books: [Books] = []
        var licensed = Set<String>()
        func index(_ entity: String, _ chemical: String) -> Int {
            let key = entity + "\u{0}" + chemical
            if let known = booksOf[key] { return known }
            booksOf[key] = books.count
            books.append(Books(entity: entity, chemical: chemical))
            return books.count - 1
        }
        for report in usageReports {
            guard let start = Clock.day(report.periodStart), let end = Clock.day(report.periodEnd), end >= start else { continue }
            let party = entity(.usageReports, report.reportID, .reporter)
            licensed.insert(party)
            let book = index(party, chemicalKey(report.chemical))
            books[book].periods.append(Period(start: start, end: end, report: report))
        }
        func record(_ party: String, _ chemical: String, _ date: String, _ kg: Double, incoming: Bool, _ ref: Findings.EvidenceRef) {
            guard licensed.contains(party), let day = Clock.day(date), kg.isFinite else { return }
            let book = index(party, chemical)
            books[book].movements.append(Movement(day: day, kg: kg, incoming: incoming, ref: ref))
        }
        for consignment in consignments {
            record(entity(.consignments, consignment.consignmentID, .importer), chemicalKey(consignment.chemical), consignment.arrivalDate,
                   consignment.quantityKg, incoming: true, Findings.EvidenceRef(kind: Kind.consignments.rawValue, id: consignment.consignmentID))
        }
        for transfer in transfers {
            let chemical = chemicalKey(transfer.chemical)
            let ref = Findings.EvidenceRef(kind: Kind.transfers.rawValue, id: transfer.transferID)
            record(entity(.transfers, transfer.transferID, .to), chemical, transfer.date, transfer.quantityKg, incoming: true, ref)
            record(entity(.transfers, transfer.transferID, .from), chemical, transfer.date, transfer.quantityKg, incoming: false, ref)
        }
        var rows: [BalanceRow] = []
        for var book in books {
            rows += balance(&book, options: options)
        }
        rows.sort {
            ($0.entityID, $0.chemical, $0.periodStart, $0.periodEnd, $0.reportID ?? "") < ($1.entityID, $1.chemical, $1.periodStart, $1.periodEnd, $1.reportID ?? "")
        }
        return rows
    }

    /// The rows of one party's books for one chemical.
    static func balance(_ book: inout Books, options: BalanceOptions) -> [BalanceRow] {
        book.periods.sort { ($0.start, $0.end, $0.report.reportID) < ($1.start, $1.end, $1.report.reportID) }
        book.movements.sort { ($0.day, $0.ref.kind, $0.ref.id, $0.incoming ? 0 : 1) < ($1.day, $1.ref.kind, $1.ref.id, $1.incoming ? 0 : 1) }
        var uncovered: [Movement] = []
        for movement in book.movements {
            guard let period = covering(movement.day, book.periods) else {
                uncovered.append(movement)
                continue
            }
            if movement.incoming {
                book.periods[period].received.kg += movement.kg
                book.periods[period].received.evidence.append(movement.ref)
            } else {
                book.periods[period].transferredOut.kg += movement.kg
                book.periods[period].transferredOut.evidence.append(movement.ref)
            }
        }
        func tolerance(_ received: Double) -> Double { max(options.absoluteToleranceKg, options.relativeTolerance * received) }
        func reportRef(_ report: UsageReport) -> Findings.EvidenceRef {
            Findings.EvidenceRef(kind: Kind.usageReports.rawValue, id: report.reportID)
        }

        var rows: [BalanceRow] = []
        var previous: Int?  // the latest period that ends before the current one starts
        var byEnd = book.periods.indices.sorted { (book.periods[$0].end, $0) < (book.periods[$1].end, $1) }[...]
        for period in book.periods {
            while let next = byEnd.first, book.periods[next].end < period.start {
                previous = next
                byEnd = byEnd.dropFirst()
            }
            let report = period.report
            let consumedKg = report.consumedKg ?? 0
            var openingKnown = true
            var stockChange = BalanceTerm(kg: 0, evidence: [reportRef(report)])
            var opening = 0.0
            var since = Int.min
            if let previous {
                let before = book.periods[previous]
                since = before.end
                if let stock = before.report.stockEndKg { opening = stock } else { openingKnown = false }
                stockChange.evidence.insert(reportRef(before.report), at: 0)
            }
            if let stockEnd = report.stockEndKg {
                stockChange.kg = stockEnd - opening
            } else {
                openingKnown = false
            }
            if hasMovement(in: since, period.start, uncovered) { openingKnown = false }
            let gap = period.received.kg - period.transferredOut.kg - consumedKg - stockChange.kg
            let limit = tolerance(period.received.kg)
            rows.append(BalanceRow(entityID: book.entity, chemical: book.chemical, periodStart: report.periodStart, periodEnd: report.periodEnd,
                                   received: period.received, transferredOut: period.transferredOut,
                                   consumed: BalanceTerm(kg: consumedKg, evidence: [reportRef(report)]), stockChange: stockChange,
                                   declaredReceived: report.receivedKg, gap: gap, tolerance: limit, flagged: openingKnown && abs(gap) > limit,
                                   reportID: report.reportID, missingReport: false))
        }

        // Receipts no report covers: one row per calendar quarter.
        var start = 0
        while start < uncovered.count {
            let quarter = balanceQuarter(uncovered[start].day)
            var end = start
            var received = BalanceTerm(), sent = BalanceTerm()
            while end < uncovered.count, uncovered[end].day <= quarter.end {
                let movement = uncovered[end]
                if movement.incoming {
                    received.kg += movement.kg
                    received.evidence.append(movement.ref)
                } else {
                    sent.kg += movement.kg
                    sent.evidence.append(movement.ref)
                }
                end += 1
            }
            if !received.evidence.isEmpty {
                rows.append(BalanceRow(entityID: book.entity, chemical: book.chemical, periodStart: balanceDate(quarter.start),
                                       periodEnd: balanceDate(quarter.end), received: received, transferredOut: sent,
                                       consumed: BalanceTerm(), stockChange: BalanceTerm(), declaredReceived: nil,
                                       gap: received.kg - sent.kg, tolerance: tolerance(received.kg), flagged: false,
                                       reportID: nil, missingReport: true))
            }
            start = end
        }
        return rows
    }

    /// The period that counts a day: of those covering it, the one that starts latest (periods are sorted).
    static func covering(_ day: Int, _ periods: [Period]) -> Int? {
        var low = 0, high = periods.count
        while low < high {
            let middle = (low + high) / 2
            if periods[middle].start <= day { low = middle + 1 } else { high = middle }
        }
        var candidate = low - 1
        while candidate >= 0 {
            if periods[candidate].end >= day { return candidate }
            candidate -= 1
        }
        return nil
    }

    /// True when a movement falls strictly between the two days (sorted movements).
    static func hasMovement(in after: Int, _ before: Int, _ movements: [Movement]) -> Bool {
        var low = 0, high = movements.count
        while low < high {
            let middle = (low + high) / 2
            if movements[middle].day <= after { low = middle + 1 } else { high = middle }
        }
        return low < movements.count && movements[low].day < before
    }
}

/// The first and last day of the calendar quarter of a day.
private func balanceQuarter(_ day: Int) -> (start: Int, end: Int) {
    let (year, month, _) = Timestamp.civilFromDays(day)
    let first = (month - 1) / 3 * 3 + 1
    let start = Timestamp.daysFromCivil(year: year, month: first, day: 1)
    let next = first == 10 ? Timestamp.daysFromCivil(year: year + 1, month: 1, day: 1) : Timestamp.daysFromCivil(year: year, month: first + 3, day: 1)
    return (start, next - 1)
}

/// `YYYY-MM-DD` of a day number.
private func balanceDate(_ day: Int) -> String {
    let (year, month, dayOfMonth) = Timestamp.civilFromDays(day)
    func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
    return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(dayOfMonth, 2)
}
