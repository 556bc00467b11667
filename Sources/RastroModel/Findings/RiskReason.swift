/// One reason a score is what it is: the rule, its contribution, a sentence, and the records behind
/// it. Scores carry them (`RastroAnalysis`), and so do the leads made of those scores (`RastroStore`).
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
