/// One reason a score is what it is: the rule, its contribution, a sentence, and the records behind
/// it. Scores carry them (`RastroAnalysis`), and so do the leads made of those scores (`RastroStore`).
public struct RiskReason: Sendable, Hashable, Codable {
    public var rule: String
    /// weight × strength, in log-odds.
    public var contribution: Double
    /// The sentence in English.
    public var detail: String
    /// The same sentence as a catalog message, for the workbench's languages (absent in runs
    /// stored before it existed: the workbench then shows `detail`).
    public var text: ReasonText?
    public var evidence: [Findings.EvidenceRef]

    public init(rule: String, contribution: Double, detail: String, text: ReasonText? = nil, evidence: [Findings.EvidenceRef]) {
        self.rule = rule
        self.contribution = contribution
        self.detail = detail
        self.text = text
        self.evidence = evidence
    }

    /// A reason whose English sentence is `text` rendered in English.
    public init(rule: String, contribution: Double, text: ReasonText, evidence: [Findings.EvidenceRef]) {
        self.init(rule: rule, contribution: contribution, detail: ReasonTemplates.render(text, language: "en"), text: text, evidence: evidence)
    }
}
