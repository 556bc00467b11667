import Foundation
import Hummingbird
import RastroShare
import RastroStore
import Synchronization

extension Workbench {
    /// The audit log for admins: filters, newest first, and on request the result of verifying
    /// the whole chain (`rastro audit verify`) against the node's signed checkpoints.
    func auditPage(_ call: Call) async throws -> Response {
        guard call.isAdmin else { throw WebError(.forbidden, "error.forbidden") }
        let formats = Formats(call.language)
        var filter = Store.AuditFilter()
        filter.actor = call.query.first("actor") ?? ""
        filter.organization = call.query.first("org") ?? ""
        filter.action = call.query.first("action") ?? ""
        filter.object = call.query.first("object") ?? ""
        filter.from = call.query.first("from") ?? ""
        filter.until = call.query.first("until") ?? ""
        filter.before = Int64(call.query.first("before") ?? "") ?? 0
        let size = 100
        let store = read
        let entries = try await store.auditEntries(matching: filter, limit: size)
        var values: [String: Any] = [
            "entries": entries.map { entry -> [String: Any] in
                ["seq": entry.seq, "at": formats.date(entry.at), "actor": entry.event.actor, "org": entry.event.organization,
                 "action": entry.event.action, "objects": entry.event.objects.prefix(5).joined(separator: " "),
                 "more": entry.event.objects.count > 5 ? "+" + formats.count(entry.event.objects.count - 5) : "",
                 "detail": entry.event.detail, "hash": String(entry.hash.prefix(12))]
            },
            "hasEntries": !entries.isEmpty,
            "actions": try await auditActions.current(store).map { ["value": $0, "selected": $0 == filter.action] },
            "actor": filter.actor, "org": filter.organization, "object": filter.object, "from": filter.from, "until": filter.until,
        ]
        var query = call.query
        query.pairs.removeAll { $0.0 == "before" || $0.0 == "verify" }
        let base = query.pairs.map { Self.percentEncoded($0.0) + "=" + Self.percentEncoded($0.1) }.joined(separator: "&")
        if entries.count == size, let last = entries.last {
            values["older"] = "/audit?" + base + (base.isEmpty ? "" : "&") + "before=\(last.seq)"
        }
        if filter.before > 0 { values["newest"] = "/audit" + (base.isEmpty ? "" : "?" + base) }
        values["verifyHref"] = "/audit?" + base + (base.isEmpty ? "" : "&") + "verify=1"
        if call.query.first("verify") == "1" {
            let result = try await store.verifyAudit(trustedKey: signingKey()?.publicKey)
            values["verified"] = [
                "intact": result.isIntact, "entries": formats.count(Int(result.entries)), "checkpoints": formats.count(result.checkpoints),
                "lastSeq": String(result.lastSeq), "lastHash": String(result.lastHash.prefix(16)),
                "problem": result.problem.map { String(describing: $0) } ?? "",
            ] as [String: Any]
        }
        // Reading the log is itself audited.
        try await audit.append(AuditEvent(call.viewer, "read", objects: [], detail: "workbench: audit log"
                                          + (call.query.first("verify") == "1" ? " and verification" : "")))
        return try render(call, "audit", title: "audit.title", nav: "audit", values)
    }

    /// The node's checkpoint-signing key (RASTRO_SIGNING_KEY, or beside the SQLite database), whose
    /// public half the verification trusts instead of the key recorded in the database.
    func signingKey() -> AuditSigningKey? {
        let path = ProcessInfo.processInfo.environment["RASTRO_SIGNING_KEY"] ?? AuditSigningKey.defaultPath(for: writes.url)
        return path.flatMap { try? AuditSigningKey.load(path: $0) }
    }
}

/// The audit log's actions for the filter's choices, kept up to date by reading only the entries
/// appended since the last look (a scan of the whole log on every page would grow with the log).
final class AuditActions: Sendable {
    private let known = Mutex<(seq: Int64, actions: Set<String>)>((0, []))

    func current(_ store: Store) async throws -> [String] {
        let (seq, actions) = known.withLock { ($0.seq, $0.actions) }
        let new = try await store.auditActions(after: seq)
        return known.withLock { state in
            // Another request may have read further meanwhile: keep the union, the furthest point.
            state.actions.formUnion(new.actions)
            if new.lastSeq > state.seq { state.seq = new.lastSeq }
            return (state.actions.union(actions)).sorted()
        }
    }
}
