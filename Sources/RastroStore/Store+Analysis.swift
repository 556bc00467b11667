import RastroModel

/// One track point as analysis reads it: no marking or provenance, only what the geometry needs.
public struct TrackPointRow: Sendable, Hashable {
    public var vehicleID: String
    /// Seconds since 1970-01-01T00:00:00Z (whole seconds, rounded down).
    public var time: Int64
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

/// One transfer that carried part of a stored trace's lot (see `CustodyStep` in RastroAnalysis).
public struct CustodyStepRow: Sendable, Hashable {
    public var seq: Int
    public var transferID: String
    public var date: String
    public var fromEntity: String
    public var toEntity: String
    public var quantityKg: Double
    public var transferKg: Double
    public var allocation: String
    public var depth: Int

    public init(seq: Int, transferID: String, date: String, fromEntity: String, toEntity: String, quantityKg: Double, transferKg: Double,
                allocation: String, depth: Int) {
        self.seq = seq
        self.transferID = transferID
        self.date = date
        self.fromEntity = fromEntity
        self.toEntity = toEntity
        self.quantityKg = quantityKg
        self.transferKg = transferKg
        self.allocation = allocation
        self.depth = depth
    }
}

/// A consignment's stored custody trace (see `CustodyTrace` in RastroAnalysis).
public struct CustodyTraceRow: Sendable, Hashable {
    public var consignmentID: String
    public var runID: String
    public var importer: String
    public var chemical: String
    public var arrivalDate: String
    public var importedKg: Double
    public var unaccountedKg: Double
    /// JSON object: entity → kg still held at the end of the data.
    public var holdings: String
    /// In `seq` order.
    public var steps: [CustodyStepRow]

    public init(consignmentID: String, runID: String, importer: String, chemical: String, arrivalDate: String, importedKg: Double,
                unaccountedKg: Double, holdings: String, steps: [CustodyStepRow]) {
        self.consignmentID = consignmentID
        self.runID = runID
        self.importer = importer
        self.chemical = chemical
        self.arrivalDate = arrivalDate
        self.importedKg = importedKg
        self.unaccountedKg = unaccountedKg
        self.holdings = holdings
        self.steps = steps
    }
}

extension Store {
    /// Every current track point the viewer may see, in id order (vehicle, then time), a page at a
    /// time: `body` gets each page and the pages are not kept. Points whose stored time does not
    /// parse are skipped. SQLite streams the table in one statement; PostgreSQL reads it in pages.
    public func scanTrackPoints(viewer: Viewer, pageSize: Int = 50_000, _ body: ([TrackPointRow]) throws -> Void) async throws {
        let (predicate, binds) = AccessPolicy.predicate(for: viewer, dialect: dialect)
        let columns = "record_id, vehicle_id, recorded_at, lat, lon, source, speed_kmh"
        let size = max(1, pageSize)
        if let sqlite = connection as? SQLiteDatabase {
            var page: [TrackPointRow] = []
            page.reserveCapacity(size)
            var vehicle = "", vehicleBytes: [UInt8] = []
            try sqlite.forEachRow("SELECT \(columns) FROM track_points WHERE is_current = 1 AND \(predicate) ORDER BY record_id", binds) { row in
                guard case .success(let parsed) = row.withText(2, { Timestamp.parseTimestamp($0) }) else { return }
                // Rows come vehicle by vehicle: keep one string per run of the same vehicle.
                row.withText(1) { bytes in
                    if !bytes.elementsEqual(vehicleBytes) {
                        vehicleBytes = Array(bytes)
                        vehicle = String(decoding: bytes, as: UTF8.self)
                    }
                }
                page.append(TrackPointRow(vehicleID: vehicle, time: Int64(parsed.epochSeconds.rounded(.down)),
                                          lat: row.isNull(3) ? 0 : row.double(3), lon: row.isNull(4) ? 0 : row.double(4),
                                          source: row.isNull(5) ? nil : row.withText(5) { String(decoding: $0, as: UTF8.self) },
                                          speedKmh: row.isNull(6) ? nil : row.double(6)))
                if page.count == size {
                    try body(page)
                    page.removeAll(keepingCapacity: true)
                }
            }
            if !page.isEmpty { try body(page) }
            return
        }
        var after = ""
        while true {
            let rows = try await connection.query("""
                SELECT \(columns) FROM track_points
                WHERE is_current = 1 AND record_id > ? AND \(predicate) ORDER BY record_id LIMIT \(size)
                """, [.text(after)] + binds)
            guard let last = rows.last else { return }
            try body(rows.compactMap { row in
                guard case .success(let parsed) = Timestamp.parseTimestamp(row.values[2].text ?? "") else { return nil }
                return TrackPointRow(vehicleID: row.values[1].text ?? "", time: Int64(parsed.epochSeconds.rounded(.down)), lat: row.values[3].double ?? 0,
                                     lon: row.values[4].double ?? 0, source: row.values[5].text, speedKmh: row.values[6].double)
            })
            guard rows.count == size else { return }
            after = last.values[0].text ?? ""
        }
    }

    /// Stores an analysis run and, in the same transaction, replaces the stored custody traces with
    /// the run's.
    public func writeAnalysis(_ run: AnalysisRun, traces: [CustodyTraceRow] = []) async throws {
        try await connection.beginWrite(.database)
        do {
            try await insert("analysis_runs", ["run_id", "started_at", "finished_at", "actor", "summary", "findings", "alerts", "detail"],
                             [[.text(run.runID), .text(run.startedAt), .text(run.finishedAt), .text(run.actor), .text(run.summary),
                               .text(run.findings), .text(run.alerts), .text(run.detail)]])
            try await connection.execute("DELETE FROM custody_steps")
            try await connection.execute("DELETE FROM custody_traces")
            try await insert("custody_traces", ["consignment_id", "run_id", "importer", "chemical", "arrival_date", "imported_kg", "unaccounted_kg",
                                                "holdings"],
                             traces.map { [.text($0.consignmentID), .text(run.runID), .text($0.importer), .text($0.chemical), .text($0.arrivalDate),
                                           .double($0.importedKg), .double($0.unaccountedKg), .text($0.holdings)] })
            try await insert("custody_steps", ["consignment_id", "seq", "transfer_id", "date", "from_entity", "to_entity", "quantity_kg", "transfer_kg",
                                               "allocation", "depth"],
                             traces.flatMap { trace in
                                 trace.steps.map { [.text(trace.consignmentID), .integer(Int64($0.seq)), .text($0.transferID), .text($0.date),
                                                    .text($0.fromEntity), .text($0.toEntity), .double($0.quantityKg), .double($0.transferKg),
                                                    .text($0.allocation), .integer(Int64($0.depth))] }
                             })
            try await AuditChain.appendNodeEvent(actor: run.actor, action: "analyze", objects: ["analysis/\(run.runID)"],
                                                 detail: "\(traces.count) custody traces", on: connection)
            try await connection.execute("COMMIT")
        } catch {
            try? await connection.execute("ROLLBACK")
            throw error
        }
        await settleAuditAfterWrite()
    }

    /// The newest analysis run's id and finish time, without its JSON (for checks on hot paths).
    public func latestAnalysisStamp() async throws -> (runID: String, finishedAt: String)? {
        guard let row = try await connection.query(
            "SELECT run_id, finished_at FROM analysis_runs ORDER BY finished_at DESC, run_id DESC LIMIT 1", []).first else { return nil }
        return (row["run_id"].text ?? "", row["finished_at"].text ?? "")
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

    /// When the newest load finished (normalized UTC text), or nil before any.
    public func lastLoadFinished() async throws -> String? {
        try await connection.query("SELECT MAX(finished_at) AS newest FROM loads", []).first?["newest"].text
    }

    /// The stored trace of one consignment (from the last analysis run), or nil. Two index lookups:
    /// the trace's row by its key, then its steps in `seq` order.
    public func storedTrace(_ consignmentID: String) async throws -> CustodyTraceRow? {
        guard let head = try await connection.query("SELECT * FROM custody_traces WHERE consignment_id = ?", [.text(consignmentID)]).first else {
            return nil
        }
        let steps = try await connection.query("""
            SELECT seq, transfer_id, date, from_entity, to_entity, quantity_kg, transfer_kg, allocation, depth
            FROM custody_steps WHERE consignment_id = ? ORDER BY seq
            """, [.text(consignmentID)]).map(Self.stepRow)
        return CustodyTraceRow(consignmentID: consignmentID, runID: head["run_id"].text ?? "", importer: head["importer"].text ?? "",
                               chemical: head["chemical"].text ?? "", arrivalDate: head["arrival_date"].text ?? "",
                               importedKg: head["imported_kg"].double ?? 0, unaccountedKg: head["unaccounted_kg"].double ?? 0,
                               holdings: head["holdings"].text ?? "{}", steps: steps)
    }

    /// The same steps as `storedTrace`, found the way a hand-written query would: a recursive walk
    /// from the importer along the lot's custody edges, each hop leaving a holder on or after the
    /// day it received the lot. The benchmark's peer (`scripts/bench/trace.sh`); not used otherwise.
    public func recursiveTraceSteps(_ consignmentID: String) async throws -> [CustodyStepRow] {
        try await connection.query("""
            WITH RECURSIVE walk(seq, holder, since) AS (
                SELECT s.seq, s.to_entity, s.date FROM custody_steps s
                JOIN custody_traces t ON t.consignment_id = s.consignment_id AND s.from_entity = t.importer
                WHERE s.consignment_id = ?
                UNION
                SELECT s.seq, s.to_entity, s.date FROM custody_steps s
                JOIN walk w ON s.from_entity = w.holder AND s.date >= w.since
                WHERE s.consignment_id = ?
            )
            SELECT seq, transfer_id, date, from_entity, to_entity, quantity_kg, transfer_kg, allocation, depth
            FROM custody_steps WHERE consignment_id = ? AND seq IN (SELECT seq FROM walk) ORDER BY seq
            """, [.text(consignmentID), .text(consignmentID), .text(consignmentID)]).map(Self.stepRow)
    }

    /// Every stored custody step of the last analysis, reduced to what `rastro evaluate` needs:
    /// (consignment, transfer, kilograms of the lot, allocation), in consignment and step order.
    public func storedAllocations() async throws -> [(consignmentID: String, transferID: String, kg: Double, allocation: String)] {
        try await connection.query("""
            SELECT consignment_id, transfer_id, quantity_kg, allocation FROM custody_steps ORDER BY consignment_id, seq
            """, []).map { row in
            (row["consignment_id"].text ?? "", row["transfer_id"].text ?? "", row["quantity_kg"].double ?? 0, row["allocation"].text ?? "")
        }
    }

    /// Consignment ids with a stored trace, in id order.
    public func storedTraceIDs() async throws -> [String] {
        try await connection.query("SELECT consignment_id FROM custody_traces ORDER BY consignment_id", []).compactMap { $0.values[0].text }
    }

    private static func stepRow(_ row: SQLRow) -> CustodyStepRow {
        CustodyStepRow(seq: Int(row["seq"].integer ?? 0), transferID: row["transfer_id"].text ?? "", date: row["date"].text ?? "",
                       fromEntity: row["from_entity"].text ?? "", toEntity: row["to_entity"].text ?? "", quantityKg: row["quantity_kg"].double ?? 0,
                       transferKg: row["transfer_kg"].double ?? 0, allocation: row["allocation"].text ?? "", depth: Int(row["depth"].integer ?? 0))
    }
}
