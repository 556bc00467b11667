import Foundation
public import RastroModel

/// The risk model's configuration: a weight per rule and the rules' thresholds, versioned so that
/// every stored analysis says which model scored it. A score is
/// `risk = 1 / (1 + exp(−(intercept + Σ weight × strength)))`, where each rule that fires has a
/// strength in (0, 1]. `rastro analyze --rules FILE` reads another one (JSON, these keys).
public struct RiskConfig: Sendable, Hashable, Codable {
    public var version = "rastro-risk-2"
    /// Fitted by `scripts/analysis/calibrate.py` (logistic regression, L2 1.0) on the realistic
    /// medium world of seed 1001; rules the fit gave a negative weight (they fire more on honest
    /// consignments in that world) are set to 0 rather than allowed to lower a risk. Measured on
    /// unseen seeds in docs/benchmarks.md.
    public var intercept = -4.126
    /// Rule name → weight (log-odds per unit of strength).
    public var weights: [String: Double] = [
        "associated_with_incident_party": 1.319,
        "fentanyl_precursor": 1.136,
        "late_arrival": 0.772,
        "mass_balance_gap": 0.105,
        "mislabelling": 1.583,
        "missing_usage_report": 0.0,
        "named_in_incident": 1.076,
        "new_importer": 1.405,
        "pen_missing": 0.789,
        "recurring_stop": 1.765,
        "residential_address": 0.93,
        "route_deviation": 0.081,
        "structuring": 3.169,
        "table_i_precursor": 0.421,
        "tax_id_problem": 0.859,
        "tracking_gap": 0.329,
        "transshipment": 0.217,
        "unknown_address": 0.0,
        "unregistered_importer": 3.075,
        "unusual_quantity": 0.0,
    ]
    /// A company registered less than this many days before an import is new.
    public var newCompanyDays = 365
    /// Structuring: at least this many imports of one chemical by one party within `structuringDays`,
    /// each at most `structuringMaxKg`.
    public var structuringCount = 4
    public var structuringDays = 45
    public var structuringMaxKg = 30.0
    /// Unusual quantity: |z| of log kg against the party's other imports of the chemical (at least 4).
    public var unusualZ = 2.5
    /// Origin ports whose countries are transshipment hubs for the trade.
    public var transshipmentCountries = ["PA", "CO", "GT", "SG"]
    /// Risk at or above which a consignment or entity is an alert.
    public var alertThreshold = 0.5

    public init() {}

    public static let standard = RiskConfig()

    public func weight(_ rule: String) -> Double { weights[rule] ?? 0 }
}

/// One reason a score is what it is: the rule, its contribution, a sentence, and the records behind it.
public struct RiskReason: Sendable, Hashable, Codable {
    public var rule: String
    /// weight × strength, in log-odds.
    public var contribution: Double
    public var detail: String
    public var evidence: [Findings.EvidenceRef]

    public init(rule: String, contribution: Double, detail: String, evidence: [Findings.EvidenceRef]) {
        self.rule = rule
        self.contribution = contribution
        self.detail = detail
        self.evidence = evidence
    }
}

/// A scored consignment or entity with every reason.
public struct Assessment: Sendable, Hashable, Codable {
    public var kind: String
    public var id: String
    public var name: String?
    public var risk: Double
    public var reasons: [RiskReason]
    /// For alerts: the date the newest evidence is from.
    public var date: String?

    public var flags: [String] { Array(Set(reasons.map(\.rule))).sorted() }
}

/// Adds up reasons into a score.
struct Scorer {
    var config: RiskConfig
    var reasons: [RiskReason] = []

    mutating func fire(_ rule: String, strength: Double = 1, _ detail: String, _ evidence: [Findings.EvidenceRef]) {
        let weight = config.weight(rule)
        guard weight != 0, strength > 0 else { return }
        reasons.append(RiskReason(rule: rule, contribution: weight * min(1, strength), detail: detail, evidence: evidence))
    }

    var risk: Double {
        let total = config.intercept + reasons.reduce(0) { $0 + $1.contribution }
        return 1 / (1 + Foundation.exp(-total))
    }
}
