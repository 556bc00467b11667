public import RastroModel

/// One run of entity resolution, as stored.
public struct ResolutionRun: Sendable, Hashable, Codable {
    public var runID: String
    public var startedAt: String
    public var finishedAt: String
    public var actor: String
    /// `full` (model estimated, everything clustered) or `incremental` (stored model, changed
    /// components only).
    public var mode: String
    public var mentions: Int
    public var profiles: Int
    public var entities: Int
    public var components: Int
    /// Components clustered by this run (the others were unchanged and kept).
    public var recomputed: Int
    /// The number the next new entity id takes.
    public var nextEntity: Int
    /// The Fellegi–Sunter model the run scored with, as JSON.
    public var model: String

    public init(runID: String, startedAt: String, finishedAt: String, actor: String, mode: String, mentions: Int, profiles: Int,
                entities: Int, components: Int, recomputed: Int, nextEntity: Int, model: String) {
        self.runID = runID
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.actor = actor
        self.mode = mode
        self.mentions = mentions
        self.profiles = profiles
        self.entities = entities
        self.components = components
        self.recomputed = recomputed
        self.nextEntity = nextEntity
        self.model = model
    }
}

/// What the last run left: its record, and each profile's entity and component digest.
public struct ResolutionState: Sendable {
    public struct Profile: Sendable, Hashable {
        public var entityID: String
        public var component: String
        /// The profile's attributes as the resolver stored them (JSON).
        public var attributes: String

        public init(entityID: String, component: String, attributes: String) {
            self.entityID = entityID
            self.component = component
            self.attributes = attributes
        }
    }

    public var lastRun: ResolutionRun?
    /// Fingerprint → entity and component.
    public var profiles: [String: Profile]

    /// Component digest → its strong pairs as the resolver stored them.
    public var componentPairs: [String: String]

    public init(lastRun: ResolutionRun? = nil, profiles: [String: Profile] = [:], componentPairs: [String: String] = [:]) {
        self.lastRun = lastRun
        self.profiles = profiles
        self.componentPairs = componentPairs
    }
}

/// One profile as stored: its entity, its component's digest and its attributes.
public struct ProfileRow: Sendable, Hashable {
    public var fingerprint: String
    public var entityID: String
    public var component: String
    public var attributes: String
    public var mentions: [Mention]

    public init(fingerprint: String, entityID: String, component: String, attributes: String, mentions: [Mention]) {
        self.fingerprint = fingerprint
        self.entityID = entityID
        self.component = component
        self.attributes = attributes
        self.mentions = mentions
    }

    static func encode(_ mentions: [Mention]) -> String {
        var out = ""
        for mention in mentions {
            out += mention.kind
            out += "\t"
            out += mention.id
            out += "\t"
            out += mention.role.rawValue
            out += "\n"
        }
        return out
    }

    static func decode(_ text: String) -> [Mention] {
        text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard parts.count == 3, let role = Mention.Role(rawValue: String(parts[2])) else { return nil }
            return Mention(kind: String(parts[0]), id: String(parts[1]), role: role)
        }
    }
}

/// A resolved entity as stored: its derived marking is the most restrictive of its members'.
public struct EntityRow: Sendable, Hashable, Codable {
    public var entityID: String
    public var name: String
    public var mentions: Int
    public var profiles: Int
    public var marking: Marking

    public init(entityID: String, name: String, mentions: Int, profiles: Int, marking: Marking) {
        self.entityID = entityID
        self.name = name
        self.mentions = mentions
        self.profiles = profiles
        self.marking = marking
    }
}

/// A pair that joined two groups of an entity: by the model's probability or an analyst's confirm.
public struct EntityLink: Sendable, Hashable, Codable {
    public var left: String
    public var right: String
    public var probability: Double
    /// `model` or `confirm #N`.
    public var source: String

    public init(left: String, right: String, probability: Double, source: String) {
        self.left = left
        self.right = right
        self.probability = probability
        self.source = source
    }
}

/// A phone, address or representative that an entity shares with others.
public struct EntityAssociationRow: Sendable, Hashable, Codable {
    public var kind: String
    public var value: String
    public var entityID: String

    public init(kind: String, value: String, entityID: String) {
        self.kind = kind
        self.value = value
        self.entityID = entityID
    }
}

/// An analyst's decision on two mentions.
public struct ResolutionDecision: Sendable, Hashable, Codable {
    public enum Action: String, Sendable, Codable, CaseIterable {
        /// The two mentions are one party: always in the same entity.
        case confirm
        /// The two mentions are different parties: never in the same entity.
        case split
    }

    public var decisionID: Int
    public var action: Action
    public var left: Mention
    public var right: Mention
    public var actor: String
    public var note: String
    public var madeAt: String
    public var revokedAt: String?
    public var revokedBy: String?

    public var isActive: Bool { revokedAt == nil }

    public init(decisionID: Int, action: Action, left: Mention, right: Mention, actor: String, note: String, madeAt: String,
                revokedAt: String? = nil, revokedBy: String? = nil) {
        self.decisionID = decisionID
        self.action = action
        self.left = left
        self.right = right
        self.actor = actor
        self.note = note
        self.madeAt = madeAt
        self.revokedAt = revokedAt
        self.revokedBy = revokedBy
    }
}

/// What one run writes. Rows of the profiles in `deleteFingerprints` (their mentions and links)
/// and the entities in `deleteEntities` go; the rows given come in; associations are replaced whole.
public struct ResolutionWrite: Sendable {
    public var run: ResolutionRun
    /// The run this one started from (nil for the first); the write fails if another run
    /// finished in between.
    public var basedOn: String?
    /// Everything is replaced (faster than listing every row).
    public var replaceAll: Bool
    public var deleteFingerprints: [String]
    public var deleteEntities: [String]
    public var deleteComponents: [String]
    /// Component digest and its strong pairs (see the resolver's encoding).
    public var components: [(String, String)]
    public var profiles: [ProfileRow]
    public var links: [EntityLink]
    public var entities: [EntityRow]
    public var associations: [EntityAssociationRow]

    public init(run: ResolutionRun, basedOn: String?, replaceAll: Bool, deleteFingerprints: [String], deleteEntities: [String],
                deleteComponents: [String], components: [(String, String)],
                profiles: [ProfileRow], links: [EntityLink], entities: [EntityRow],
                associations: [EntityAssociationRow]) {
        self.run = run
        self.basedOn = basedOn
        self.replaceAll = replaceAll
        self.deleteFingerprints = deleteFingerprints
        self.deleteEntities = deleteEntities
        self.deleteComponents = deleteComponents
        self.components = components
        self.profiles = profiles
        self.links = links
        self.entities = entities
        self.associations = associations
    }
}

extension Store {
    /// Rows per multi-row INSERT or IN list (well under both backends' limit on bound values).
    static let batchRows = 400

    /// The last run and every stored profile.
    public func resolutionState() async throws -> ResolutionState {
        _ = try await settings()
        let runs = try await connection.query("SELECT * FROM er_runs ORDER BY finished_at DESC, run_id DESC LIMIT 1", [])
        var profiles: [String: ResolutionState.Profile] = [:]
        let rows = try await connection.query("SELECT fingerprint, entity_id, component, attributes FROM er_profiles", [])
        profiles.reserveCapacity(rows.count)
        for row in rows {
            profiles[row.values[0].text ?? ""] = .init(entityID: row.values[1].text ?? "", component: row.values[2].text ?? "",
                                                       attributes: row.values[3].text ?? "")
        }
        var componentPairs: [String: String] = [:]
        for row in try await connection.query("SELECT component, pairs FROM er_components", []) {
            componentPairs[row.values[0].text ?? ""] = row.values[1].text ?? ""
        }
        return ResolutionState(lastRun: runs.first.map(Self.run), profiles: profiles, componentPairs: componentPairs)
    }

    /// Every stored mention and its profile's fingerprint.
    public func resolvedMentions() async throws -> [Mention: String] {
        var out: [Mention: String] = [:]
        for row in try await connection.query("SELECT fingerprint, mentions FROM er_profiles", []) {
            for mention in ProfileRow.decode(row.values[1].text ?? "") { out[mention] = row.values[0].text ?? "" }
        }
        return out
    }

    /// The runs, newest first.
    /// The newest resolution run's id ("" before the first): what derived views of entities key on.
    public func latestResolutionRunID() async throws -> String {
        try await connection.query("SELECT run_id FROM er_runs ORDER BY finished_at DESC, run_id DESC LIMIT 1", []).first?["run_id"].text ?? ""
    }

    public func resolutionRuns(limit: Int = 20) async throws -> [ResolutionRun] {
        try await connection.query("SELECT * FROM er_runs ORDER BY finished_at DESC, run_id DESC LIMIT \(max(0, limit))", [])
            .map(Self.run)
    }

    static func run(_ row: SQLRow) -> ResolutionRun {
        ResolutionRun(runID: row["run_id"].text ?? "", startedAt: row["started_at"].text ?? "", finishedAt: row["finished_at"].text ?? "",
                      actor: row["actor"].text ?? "", mode: row["mode"].text ?? "", mentions: Int(row["mentions"].integer ?? 0),
                      profiles: Int(row["profiles"].integer ?? 0), entities: Int(row["entities"].integer ?? 0),
                      components: Int(row["components"].integer ?? 0), recomputed: Int(row["recomputed"].integer ?? 0),
                      nextEntity: Int(row["next_entity"].integer ?? 1), model: row["model"].text ?? "")
    }

    /// Writes one run's results atomically: all of it or nothing.
    public func writeResolution(_ write: ResolutionWrite) async throws {
        try await connection.beginWrite(.database)
        do {
            let last = try await connection.query("SELECT run_id FROM er_runs ORDER BY finished_at DESC, run_id DESC LIMIT 1", [])
                .first?["run_id"].text
            guard last == write.basedOn else {
                throw StoreError(.conflict, "another resolution run finished while this one ran; run `rastro resolve` again")
            }
            if write.replaceAll {
                for table in ["er_profiles", "er_links", "er_entities", "er_components"] {
                    try await connection.execute("DELETE FROM \(table)")
                }
            } else {
                try await deleteIn("er_links", column: "left_fingerprint", write.deleteFingerprints)
                try await deleteIn("er_profiles", column: "fingerprint", write.deleteFingerprints)
                try await deleteIn("er_entities", column: "entity_id", write.deleteEntities)
                try await deleteIn("er_components", column: "component", write.deleteComponents)
            }
            try await connection.execute("DELETE FROM er_associations")
            try await insert("er_profiles", ["fingerprint", "entity_id", "component", "attributes", "mentions"],
                             write.profiles.map {
                                 [.text($0.fingerprint), .text($0.entityID), .text($0.component), .text($0.attributes),
                                  .text(ProfileRow.encode($0.mentions))]
                             })
            try await insert("er_components", ["component", "pairs"], write.components.map { [.text($0.0), .text($0.1)] })
            try await insert("er_links", ["left_fingerprint", "right_fingerprint", "probability", "source"],
                             write.links.map { [.text($0.left), .text($0.right), .double($0.probability), .text($0.source)] })
            try await insert("er_entities", ["entity_id", "name", "mentions", "profiles", "tlp", "releasable_to", "originator"],
                             write.entities.map {
                                 [.text($0.entityID), .text($0.name), .integer(Int64($0.mentions)), .integer(Int64($0.profiles)),
                                  .text($0.marking.tlp.rawValue), .text($0.marking.releasableToStored), .text($0.marking.originator)]
                             })
            try await insert("er_associations", ["kind", "value", "entity_id"],
                             write.associations.map { [.text($0.kind), .text($0.value), .text($0.entityID)] })
            let run = write.run
            try await insert("er_runs", ["run_id", "started_at", "finished_at", "actor", "mode", "mentions", "profiles", "entities",
                                         "components", "recomputed", "next_entity", "model"],
                             [[.text(run.runID), .text(run.startedAt), .text(run.finishedAt), .text(run.actor), .text(run.mode),
                               .integer(Int64(run.mentions)), .integer(Int64(run.profiles)), .integer(Int64(run.entities)),
                               .integer(Int64(run.components)), .integer(Int64(run.recomputed)), .integer(Int64(run.nextEntity)),
                               .text(run.model)]])
            try await AuditChain.appendNodeEvent(actor: run.actor, action: "resolve", objects: ["resolution/\(run.runID)"],
                                                 detail: "\(run.mode): \(run.mentions) mentions, \(run.entities) entities", on: connection)
            try await connection.execute("COMMIT")
        } catch {
            try? await connection.execute("ROLLBACK")
            throw error
        }
        await settleAuditAfterWrite()
    }

    func deleteIn(_ table: String, column: String, _ values: [String]) async throws {
        var start = 0
        while start < values.count {
            let end = min(values.count, start + Self.batchRows)
            let marks = Array(repeating: "?", count: end - start).joined(separator: ",")
            try await connection.execute("DELETE FROM \(table) WHERE \(column) IN (\(marks))", values[start..<end].map(SQLValue.text))
            start = end
        }
    }

    func insert(_ table: String, _ columns: [String], _ rows: [[SQLValue]]) async throws {
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + Self.batchRows)
            let sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
                + Array(repeating: row, count: end - start).joined(separator: ",")
            try await connection.execute(sql, rows[start..<end].flatMap { $0 })
            start = end
        }
    }

    // MARK: Reading entities

    /// One entity, or nil when there is none by that id.
    public func entity(_ entityID: String) async throws -> EntityRow? {
        try await connection.query("SELECT * FROM er_entities WHERE entity_id = ?", [.text(entityID)]).first.map(Self.entityRow)
    }

    /// Every stored mention's entity.
    public func resolvedEntities() async throws -> [Mention: String] {
        var out: [Mention: String] = [:]
        for row in try await connection.query("SELECT entity_id, mentions FROM er_profiles", []) {
            for mention in ProfileRow.decode(row.values[1].text ?? "") { out[mention] = row.values[0].text ?? "" }
        }
        return out
    }

    /// Every entity's name.
    public func entityNames() async throws -> [String: String] {
        var out: [String: String] = [:]
        for row in try await connection.query("SELECT entity_id, name FROM er_entities", []) {
            out[row.values[0].text ?? ""] = row.values[1].text ?? ""
        }
        return out
    }

    /// The entities with the most mentions first.
    public func entities(limit: Int, offset: Int = 0) async throws -> [EntityRow] {
        try await connection.query("SELECT * FROM er_entities ORDER BY mentions DESC, entity_id LIMIT \(max(0, limit)) OFFSET \(max(0, offset))", [])
            .map(Self.entityRow)
    }

    /// The entity of the profile with this fingerprint, if `mention` is one of its mentions.
    public func entityID(ofProfile fingerprint: String, mention: Mention) async throws -> String? {
        guard let row = try await connection.query("SELECT entity_id, mentions FROM er_profiles WHERE fingerprint = ?",
                                                   [.text(fingerprint)]).first,
              ProfileRow.decode(row.values[1].text ?? "").contains(mention) else { return nil }
        return row.values[0].text
    }

    /// An entity's mentions with their profiles' fingerprints, in mention order.
    public func entityMembers(_ entityID: String) async throws -> [(Mention, String)] {
        var out: [(Mention, String)] = []
        for row in try await connection.query("SELECT fingerprint, mentions FROM er_profiles WHERE entity_id = ?", [.text(entityID)]) {
            for mention in ProfileRow.decode(row.values[1].text ?? "") { out.append((mention, row.values[0].text ?? "")) }
        }
        return out.sorted { $0.0 < $1.0 }
    }

    /// The pairs that joined an entity's members.
    public func entityLinks(_ entityID: String) async throws -> [EntityLink] {
        try await connection.query("""
            SELECT l.left_fingerprint, l.right_fingerprint, l.probability, l.source
            FROM er_profiles p JOIN er_links l ON l.left_fingerprint = p.fingerprint
            WHERE p.entity_id = ? ORDER BY l.probability DESC, l.left_fingerprint, l.right_fingerprint
            """, [.text(entityID)]).map { row in
            EntityLink(left: row.values[0].text ?? "", right: row.values[1].text ?? "", probability: row.values[2].double ?? 0,
                       source: row.values[3].text ?? "")
        }
    }

    /// The associations of an entity, each with every entity that shares it.
    public func entityAssociations(_ entityID: String) async throws -> [EntityAssociationRow] {
        try await connection.query("""
            SELECT a.kind, a.value, a.entity_id FROM er_associations mine
            JOIN er_associations a ON a.kind = mine.kind AND a.value = mine.value
            WHERE mine.entity_id = ? ORDER BY a.kind, a.value, a.entity_id
            """, [.text(entityID)]).map { row in
            EntityAssociationRow(kind: row.values[0].text ?? "", value: row.values[1].text ?? "", entityID: row.values[2].text ?? "")
        }
    }

    /// How many associations of each kind are stored.
    public func associationCounts() async throws -> [String: Int] {
        var out: [String: Int] = [:]
        for row in try await connection.query("SELECT kind, COUNT(DISTINCT value) AS n FROM er_associations GROUP BY kind", []) {
            out[row["kind"].text ?? ""] = Int(row["n"].integer ?? 0)
        }
        return out
    }

    static func entityRow(_ row: SQLRow) -> EntityRow {
        EntityRow(entityID: row["entity_id"].text ?? "", name: row["name"].text ?? "", mentions: Int(row["mentions"].integer ?? 0),
                  profiles: Int(row["profiles"].integer ?? 0),
                  marking: Marking(tlp: TLP(rawValue: row["tlp"].text ?? "") ?? .red,
                                   releasableTo: Marking.parseStoredReleasable(row["releasable_to"].text ?? ""),
                                   originator: row["originator"].text ?? ""))
    }

    /// Of `mentions`, those whose current record the viewer may see.
    public func visible(_ mentions: [Mention], viewer: Viewer) async throws -> Set<Mention> {
        var byKind: [Kind: [Mention]] = [:]
        for mention in mentions {
            guard let kind = Kind(rawValue: mention.kind) else { continue }
            byKind[kind, default: []].append(mention)
        }
        let (predicate, predicateBinds) = AccessPolicy.predicate(for: viewer, dialect: dialect)
        var seen = Set<String>()
        var out = Set<Mention>()
        for (kind, list) in byKind.sorted(by: { $0.key < $1.key }) {
            // An incident's named party is ID#slot; the record is ID.
            let recordIDs = Array(Set(list.map { Self.recordID(of: $0) })).sorted()
            seen.removeAll()
            var start = 0
            while start < recordIDs.count {
                let end = min(recordIDs.count, start + Self.batchRows)
                let marks = Array(repeating: "?", count: end - start).joined(separator: ",")
                let rows = try await connection.query("""
                    SELECT record_id FROM \(kind.table) WHERE is_current = 1 AND record_id IN (\(marks)) AND \(predicate)
                    """, recordIDs[start..<end].map(SQLValue.text) + predicateBinds)
                for row in rows { seen.insert(row.values[0].text ?? "") }
                start = end
            }
            for mention in list where seen.contains(Self.recordID(of: mention)) { out.insert(mention) }
        }
        return out
    }

    /// The record id behind a mention (an incident's named party `ID#slot` is the incident `ID`).
    public static func recordID(of mention: Mention) -> String {
        guard mention.kind == Kind.incidents.rawValue, let hash = mention.id.lastIndex(of: "#") else { return mention.id }
        return String(mention.id[..<hash])
    }

    /// The current record behind a mention, if the viewer may see it.
    public func record(of mention: Mention, viewer: Viewer) async throws -> Record? {
        guard let kind = Kind(rawValue: mention.kind) else { return nil }
        return try await versions(of: kind, id: Self.recordID(of: mention), viewer: viewer).first { $0.isCurrent }?.record
    }

    // MARK: Decisions

    /// Every decision, oldest first (revoked ones too).
    public func decisions() async throws -> [ResolutionDecision] {
        _ = try await settings()
        return try await connection.query("SELECT * FROM er_decisions ORDER BY decision_id", []).compactMap { row in
            guard let action = ResolutionDecision.Action(rawValue: row["action"].text ?? ""),
                  let leftRole = Mention.Role(rawValue: row["left_role"].text ?? ""),
                  let rightRole = Mention.Role(rawValue: row["right_role"].text ?? "") else { return nil }
            return ResolutionDecision(
                decisionID: Int(row["decision_id"].integer ?? 0), action: action,
                left: Mention(kind: row["left_kind"].text ?? "", id: row["left_id"].text ?? "", role: leftRole),
                right: Mention(kind: row["right_kind"].text ?? "", id: row["right_id"].text ?? "", role: rightRole),
                actor: row["actor"].text ?? "", note: row["note"].text ?? "", madeAt: row["made_at"].text ?? "",
                revokedAt: row["revoked_at"].text, revokedBy: row["revoked_by"].text)
        }
    }

    /// Records a decision (revoking active ones that it replaces, in the same transaction) and
    /// returns its number.
    public func recordDecision(_ action: ResolutionDecision.Action, _ left: Mention, _ right: Mention, actor: String, note: String,
                               revoking: [Int]) async throws -> Int {
        try await connection.beginWrite(.database)
        do {
            let next = Int(try await connection.query("SELECT MAX(decision_id) AS n FROM er_decisions", []).first?["n"].integer ?? 0) + 1
            let now = Self.now()
            for number in revoking {
                try await connection.execute("UPDATE er_decisions SET revoked_at = ?, revoked_by = ? WHERE decision_id = ? AND revoked_at IS NULL",
                                             [.text(now), .text(actor), .integer(Int64(number))])
            }
            try await insert("er_decisions", ["decision_id", "action", "left_kind", "left_id", "left_role", "right_kind", "right_id",
                                              "right_role", "actor", "note", "made_at"],
                             [[.integer(Int64(next)), .text(action.rawValue), .text(left.kind), .text(left.id), .text(left.role.rawValue),
                               .text(right.kind), .text(right.id), .text(right.role.rawValue), .text(actor), .text(note), .text(now)]])
            try await AuditChain.appendNodeEvent(actor: actor, action: "resolution.\(action.rawValue)",
                                                 objects: ["decision/\(next)"] + revoking.map { "decision/\($0)" },
                                                 detail: [left, right].map { "\($0.kind):\($0.id):\($0.role.rawValue)" }.joined(separator: " "),
                                                 on: connection)
            try await connection.execute("COMMIT")
            await settleAuditAfterWrite()
            return next
        } catch {
            try? await connection.execute("ROLLBACK")
            throw error
        }
    }

    /// Revokes a decision; false when there is no active decision by that number.
    public func revokeDecision(_ number: Int, actor: String) async throws -> Bool {
        try await connection.beginWrite(.database)
        do {
            let active = try await connection.query("SELECT decision_id FROM er_decisions WHERE decision_id = ? AND revoked_at IS NULL",
                                                    [.integer(Int64(number))])
            if !active.isEmpty {
                try await connection.execute("UPDATE er_decisions SET revoked_at = ?, revoked_by = ? WHERE decision_id = ?",
                                             [.text(Self.now()), .text(actor), .integer(Int64(number))])
                try await AuditChain.appendNodeEvent(actor: actor, action: "resolution.revoke", objects: ["decision/\(number)"],
                                                     on: connection)
            }
            try await connection.execute("COMMIT")
            await settleAuditAfterWrite()
            return !active.isEmpty
        } catch {
            try? await connection.execute("ROLLBACK")
            throw error
        }
    }
}
