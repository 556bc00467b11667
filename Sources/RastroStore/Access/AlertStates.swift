/// What an organization did with an alert: it is that organization's own state (another
/// organization on the node sees its own, never this one).
public struct AlertState: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        /// Seen and being looked at.
        case acknowledged
        /// Reviewed and not pursued.
        case dismissed
        /// Turned into a lead.
        case lead
    }

    /// `consignments/ID` or `entities/ID`.
    public var subject: String
    public var state: State
    public var actor: String
    public var at: String
    public var note: String
}

extension Store {
    /// Records the viewer's organization's state of an alert, replacing an earlier one; audited.
    public func setAlertState(_ subject: String, _ state: AlertState.State, note: String, by viewer: Viewer) async throws {
        try await withAuditedTransaction([AuditEvent(viewer, "alert." + state.rawValue, objects: [subject], detail: note)]) {
            try await connection.execute("DELETE FROM alert_states WHERE subject = ? AND org_id = ?", [.text(subject), .text(viewer.organization)])
            try await connection.execute("""
                INSERT INTO alert_states (subject, org_id, state, actor, at, note) VALUES (?, ?, ?, ?, ?, ?)
                """, [.text(subject), .text(viewer.organization), .text(state.rawValue), .text(viewer.actor), .text(Self.now()), .text(note)])
        }
    }

    /// The viewer's organization's alert states, by subject.
    public func alertStates(for viewer: Viewer) async throws -> [String: AlertState] {
        var out: [String: AlertState] = [:]
        for row in try await connection.query("SELECT * FROM alert_states WHERE org_id = ?", [.text(viewer.organization)]) {
            guard let subject = row["subject"].text, let state = AlertState.State(rawValue: row["state"].text ?? "") else { continue }
            out[subject] = AlertState(subject: subject, state: state, actor: row["actor"].text ?? "", at: row["at"].text ?? "",
                                      note: row["note"].text ?? "")
        }
        return out
    }
}
