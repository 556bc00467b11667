import Foundation
public import RastroModel

/// The risk model's configuration: a weight per rule and the rules' thresholds, versioned so that
/// every stored analysis says which model scored it. A score is
/// `risk = 1 / (1 + exp(−(intercept + Σ weight × strength)))`, where each rule that fires has a
/// strength in (0, 1]. `rastro analyze --rules FILE` reads another one (JSON, these keys).
public struct RiskConfig: Sendable, Hashable, Codable {
    public var version = "rastro-risk-6"
    /// Fitted by `scripts/analysis/calibrate.py` (logistic regression, L2 1.0) on the realistic
    /// medium worlds of seeds 1001, 2002 and 3003 together; rules the fit gave a negative weight
    /// (they fire more on honest consignments in those worlds) are set to 0 rather than allowed to
    /// lower a risk. Measured on unseen seeds in docs/benchmarks.md.
    public var intercept = -5.401
    /// Rule name → weight (log-odds per unit of strength).
    public var weights: [String: Double] = [
        "associated_with_incident_party": 0.254,
        "dark_and_late": 0.99,
        "dark_stop": 1.029,
        "fentanyl_precursor": 1.084,
        "holder_recurring_stop": 1.497,
        "late_arrival": 0.763,
        "mass_balance_gap": 0.377,
        "mislabelling": 2.114,
        "missing_usage_report": 0.0,
        "named_in_incident": 0.804,
        "new_importer": 3.33,
        "pen_missing": 0.946,
        "recurring_stop": 5.108,
        "reseller_consumption": 4.247,
        "residential_address": 1.571,
        "route_deviation": 0.0,
        "structuring": 3.931,
        "table_i_precursor": 0.838,
        "tax_id_problem": 0.887,
        "tracking_gap": 0.774,
        "transshipment": 0.297,
        "unknown_address": 0.328,
        "unregistered_importer": 3.853,
        "unusual_quantity": 0.0,
    ]
    /// A company registered less than this many days before an import is new.
    public var newCompanyDays = 365
    /// A new company's rule is at full strength up to this many days after its registration (and
    /// for one registered only after the import), then weakens linearly to `newCompanyFloor` at
    /// `newCompanyDays`: fronts import within weeks of being set up, honest young companies later.
    public var newCompanyFullDays = 120
    public var newCompanyFloor = 0.3
    /// Structuring: at least this many imports of one chemical by one party within `structuringDays`,
    /// each at most `structuringMaxKg`.
    public var structuringCount = 4
    public var structuringDays = 45
    public var structuringMaxKg = 30.0
    /// Structuring is a burst: a party with at least this many imports of the chemical more than
    /// 2 × `structuringDays` away from the lot imports small lots steadily, and the rule does not
    /// fire for it (0: no such exception).
    public var structuringSteadyCount = 3
    /// Unusual quantity: |z| of log kg against the party's other imports of the chemical (at least 4).
    public var unusualZ = 2.5
    /// Origin ports whose countries are transshipment hubs for the trade.
    public var transshipmentCountries = ["PA", "CO", "GT", "SG"]
    /// Risk at or above which a consignment or entity is an alert.
    public var alertThreshold = 0.5
    /// Recurring stop: stops (dwells or reported stationary positions away from known sites) of
    /// different vehicles this close together are at the same place. Default 0.1 km: the same
    /// premises, given GPS error of tens of metres; wider circles start to join unrelated stops
    /// along busy roads.
    public var recurrenceKm = 0.1
    /// A stop recurs when at least this many other vehicles stopped at the same place.
    public var recurrenceVehicles = 2
    /// A stop on the way recurs too when at least `exactRecurrenceVehicles` other vehicles stopped
    /// within `exactRecurrenceKm` of it (the same spot, not just the same stretch of road).
    public var exactRecurrenceKm = 0.05
    public var exactRecurrenceVehicles = 3
    /// Only stops that cost a detour count towards a recurring stop: going through the stop makes the
    /// trip at least max(detourMinimumKm, detourFraction × the straight distance) longer.
    public var detourMinimumKm = 2.0
    public var detourFraction = 0.02
    /// A holder's trips this many days after it received a lot are looked at for that lot.
    public var holderWindowDays = 30

    public init() {}

    private enum CodingKeys: String, CodingKey {
        case version, intercept, weights, newCompanyDays, newCompanyFullDays, newCompanyFloor, structuringCount, structuringDays, structuringMaxKg, structuringSteadyCount, unusualZ,
             transshipmentCountries, alertThreshold, recurrenceKm, recurrenceVehicles, exactRecurrenceKm, exactRecurrenceVehicles, detourMinimumKm, detourFraction, holderWindowDays
    }

    /// Reads a configuration file; a key it leaves out keeps its standard value, and a rule it
    /// leaves out of `weights` keeps its standard weight.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let standard = RiskConfig()
        version = try container.decodeIfPresent(String.self, forKey: .version) ?? standard.version
        intercept = try container.decodeIfPresent(Double.self, forKey: .intercept) ?? standard.intercept
        weights = standard.weights.merging(try container.decodeIfPresent([String: Double].self, forKey: .weights) ?? [:]) { $1 }
        newCompanyDays = try container.decodeIfPresent(Int.self, forKey: .newCompanyDays) ?? standard.newCompanyDays
        newCompanyFullDays = try container.decodeIfPresent(Int.self, forKey: .newCompanyFullDays) ?? standard.newCompanyFullDays
        newCompanyFloor = try container.decodeIfPresent(Double.self, forKey: .newCompanyFloor) ?? standard.newCompanyFloor
        structuringCount = try container.decodeIfPresent(Int.self, forKey: .structuringCount) ?? standard.structuringCount
        structuringDays = try container.decodeIfPresent(Int.self, forKey: .structuringDays) ?? standard.structuringDays
        structuringMaxKg = try container.decodeIfPresent(Double.self, forKey: .structuringMaxKg) ?? standard.structuringMaxKg
        structuringSteadyCount = try container.decodeIfPresent(Int.self, forKey: .structuringSteadyCount) ?? standard.structuringSteadyCount
        unusualZ = try container.decodeIfPresent(Double.self, forKey: .unusualZ) ?? standard.unusualZ
        transshipmentCountries = try container.decodeIfPresent([String].self, forKey: .transshipmentCountries) ?? standard.transshipmentCountries
        alertThreshold = try container.decodeIfPresent(Double.self, forKey: .alertThreshold) ?? standard.alertThreshold
        recurrenceKm = try container.decodeIfPresent(Double.self, forKey: .recurrenceKm) ?? standard.recurrenceKm
        recurrenceVehicles = try container.decodeIfPresent(Int.self, forKey: .recurrenceVehicles) ?? standard.recurrenceVehicles
        exactRecurrenceKm = try container.decodeIfPresent(Double.self, forKey: .exactRecurrenceKm) ?? standard.exactRecurrenceKm
        exactRecurrenceVehicles = try container.decodeIfPresent(Int.self, forKey: .exactRecurrenceVehicles) ?? standard.exactRecurrenceVehicles
        detourMinimumKm = try container.decodeIfPresent(Double.self, forKey: .detourMinimumKm) ?? standard.detourMinimumKm
        detourFraction = try container.decodeIfPresent(Double.self, forKey: .detourFraction) ?? standard.detourFraction
        holderWindowDays = try container.decodeIfPresent(Int.self, forKey: .holderWindowDays) ?? standard.holderWindowDays
    }

    public static let standard = RiskConfig()

    public func weight(_ rule: String) -> Double { weights[rule] ?? 0 }
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

    mutating func fire(_ rule: String, strength: Double = 1, _ text: ReasonText, _ evidence: [Findings.EvidenceRef]) {
        let weight = config.weight(rule)
        guard weight != 0, strength > 0 else { return }
        reasons.append(RiskReason(rule: rule, contribution: weight * min(1, strength), text: text, evidence: evidence))
    }

    var risk: Double {
        let total = config.intercept + reasons.reduce(0) { $0 + $1.contribution }
        return 1 / (1 + Foundation.exp(-total))
    }
}
