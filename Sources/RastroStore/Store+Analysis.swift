public import RastroModel

/// One track point as analysis reads it: no marking or provenance, only what the geometry needs.
public struct TrackPointRow: Sendable, Hashable {
    public var vehicleID: String
    /// Normalized UTC text, as stored.
    public var recordedAt: String
    public var lat: Double
    public var lon: Double
    public var source: String?
    /// The speed the device reported, when it did.
    public var speedKmh: Double? = nil
}

/// A stored analysis run.
public struct AnalysisRun: Sendable, Hashable {
    public var runID: String
    public var startedAt: String
    public var finishedAt: String
    public var actor: String
    /// JSON: the run's summary, its contract-v1 findings, its alerts and its detail (reasons, traces).
    public var summary: String
    public var findings: String
    public var alerts: String
    public var detail: String

    public init(runID: String, startedAt: String, finishedAt: String, actor: String, summary: String, findings: String, alerts: String,
                detail: String) {
        self.runID = runID
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.actor = actor
        self.summary = summary
        self.findings = findings
        self.alerts = alerts
        self.detail = detail
    }
}

extension Store {
    /// Every current track point the viewer may see, in id order (vehicle, then time), a page at a
    /// time: `body` gets each page and the pages are not kept.
    public func scanTrackPoints(viewer: Viewer, pageSize: Int = 50_000, _ body: ([TrackPointRow]) throws -> Void) async throws {
        let (predicate, binds) = AccessPolicy.predicate(for: viewer)
        var after = ""
        while true {
            let rows = try await connection.query("""
                SELECT record_id, vehicle_id, recorded_at, lat, lon, source, speed_kmh FROM track_points
                WHERE is_current = 1 AND record_id > ? AND \(predicate) ORDER BY record_id LIMIT \(max(1, pageSize))
                """, [.text(after)] + binds)
            guard let last = rows.last else { return }
            try body(rows.map { row in
                TrackPointRow(vehicleID: row.values[1].text ?? "", recordedAt: row.values[2].text ?? "", lat: row.values[3].double ?? 0,
                              lon: row.values[4].double ?? 0, source: row.values[5].text, speedKmh: row.values[6].double)
            })
            guard rows.count == pageSize else { return }
            after = last.values[0].text ?? ""
        }
    }

    /// Stores an analysis run.
    public func writeAnalysis(_ run: AnalysisRun) async throws {
        try await connection.execute(dialect == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN")
        do {
            try await insert("analysis_runs", ["run_id", "started_at", "finished_at", "actor", "summary", "findings", "alerts", "detail"],
                             [[.text(run.runID), .text(run.startedAt), .text(run.finishedAt), .text(run.actor), .text(run.summary),
                               .text(run.findings), .text(run.alerts), .text(run.detail)]])
            try await connection.execute("COMMIT")
        } catch {
            try? await connection.execute("ROLLBACK")
            throw error
        }
    }

    /// The newest analysis run, if any.
    public func latestAnalysis() async throws -> AnalysisRun? {
        _ = try await settings()
        guard let row = try await connection.query("SELECT * FROM analysis_runs ORDER BY finished_at DESC, run_id DESC LIMIT 1", []).first else {
            return nil
        }
        return AnalysisRun(runID: row["run_id"].text ?? "", startedAt: row["started_at"].text ?? "", finishedAt: row["finished_at"].text ?? "",
                           actor: row["actor"].text ?? "", summary: row["summary"].text ?? "", findings: row["findings"].text ?? "",
                           alerts: row["alerts"].text ?? "", detail: row["detail"].text ?? "")
    }
}
