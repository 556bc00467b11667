/// What one STIX import came to.
public struct STIXImportReport: Sendable, Hashable, Codable {
    /// The load the records went into (nil when no object was a record).
    public var loadID: String?
    /// Objects read.
    public var objects = 0
    /// Records seen for the first time.
    public var inserted = 0
    /// Known records whose content changed (a new version).
    public var versioned = 0
    /// Records identical to the stored version, and lead steps and leads already held.
    public var unchanged = 0
    /// Leads received from a partner (a report this node did not hold).
    public var leadsReceived = 0
    /// Steps of this node's own leads reported back by their recipient (notes) and applied.
    public var leadStepsApplied = 0
    /// Objects that carry no record, by reason (marking definitions, identities, relationships,
    /// types Rastro does not map …).
    public var skipped: [String: Int] = [:]

    public init() {}

    /// Records inserted or versioned.
    public var loaded: Int { inserted + versioned }

    mutating func skip(_ reason: String) { skipped[reason, default: 0] += 1 }
}
