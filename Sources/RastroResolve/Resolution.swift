import Foundation
public import RastroModel
public import RastroStore

/// Entity resolution as the node runs it: over every mention, with the analysts' decisions, and
/// incrementally. The candidate-pair graph falls into connected components, and clustering never
/// crosses one, so a component whose digest (its profiles, their mentions and markings, its
/// candidate pairs, the decisions inside it and the model) is what the last run stored keeps its
/// entities; only changed components are compared and clustered again. The result is the one a
/// full run with the same model gives (tested), and entity ids carry over: a new entity takes the
/// id of the old one it shares most members with.
public struct Resolution: Sendable {
    public struct Outcome: Sendable {
        public var write: ResolutionWrite
        /// The entity id of each input mention.
        public var entityOf: [String]
        public var model: FellegiSunter
        public var distinctMentions: Int
        public var candidatePairs: Int
        /// Candidate pairs compared by this run (the others joined two unchanged profiles).
        public var compared: Int
        /// Candidate pairs at or above the clustering threshold.
        public var strongPairs: Int
        public var components: Int
        public var recomputed: Int
        public var entities: Int
        /// Decisions that could not be applied, and why.
        public var warnings: [String]
        public var seconds: [String: Double]
    }

    public var resolver: Resolver

    public init(resolver: Resolver = Resolver()) {
        self.resolver = resolver
    }

    /// Resolves `mentions` (with their records' markings) against what the last run stored.
    /// `reestimate` fits the model again and clusters every component; without it the stored model
    /// is kept (a first run always estimates).
    public func run(mentions: [PartyMention], markings: [Marking], decisions: [ResolutionDecision], state: ResolutionState,
                    reestimate: Bool, node: String, actor: String, runID: String, startedAt: String,
                    now: () -> String) -> Outcome {
        precondition(mentions.count == markings.count, "one marking per mention")
        var clock = ContinuousClock.now
        var seconds: [String: Double] = [:]
        func lap(_ name: String) {
            let now = ContinuousClock.now
            seconds[name, default: 0] += (now - clock).seconds
            clock = now
        }
        var warnings: [String] = []
        let (distinct, mentionOf, _) = Resolver.distinct(mentions)
        let count = distinct.count
        let profiles = distinct.map(PartyProfile.init)
        let fingerprints = distinct.map(Self.fingerprint)
        var mentionsOf = [[Int]](repeating: [], count: count)
        for (position, index) in mentionOf.enumerated() { mentionsOf[index].append(position) }
        lap("normalize")

        let pairs = Blocking.candidatePairs(profiles, maxBlock: resolver.options.maxBlock)
        lap("block")

        // Decisions, on distinct profiles.
        var position: [Mention: Int] = [:]
        position.reserveCapacity(mentions.count)
        for (index, mention) in mentions.enumerated() { position[mention.mention] = index }
        var confirms: [(a: Int, b: Int, decision: Int)] = []
        var splits: [(a: Int, b: Int, decision: Int)] = []
        for decision in decisions where decision.isActive {
            guard let left = position[decision.left], let right = position[decision.right] else {
                let missing = position[decision.left] == nil ? decision.left : decision.right
                warnings.append("decision #\(decision.decisionID) (\(decision.action.rawValue)): \(missing.kind):\(missing.id):\(missing.role.rawValue) is not in the data; not applied")
                continue
            }
            let a = min(mentionOf[left], mentionOf[right]), b = max(mentionOf[left], mentionOf[right])
            switch decision.action {
            case .confirm:
                if a != b { confirms.append((a, b, decision.decisionID)) }
            case .split:
                if a == b {
                    warnings.append("decision #\(decision.decisionID) (split): the two mentions have identical attributes, so they are one profile and cannot be split")
                } else {
                    splits.append((a, b, decision.decisionID))
                }
            }
        }

        // The model: the stored one, unless re-estimating or there is none (or it is of another shape).
        let stored = state.lastRun.flatMap { run in
            (try? JSONDecoder().decode(FellegiSunter.self, from: Data(run.model.utf8))).map { (run.model, $0) }
        }.flatMap { $0.1.fields == PartyComparison.fields ? $0 : nil }
        let full = reestimate || stored == nil
        var model: FellegiSunter
        var allPatterns: [FellegiSunter.Pattern]?
        let modelJSON: String
        if full || stored == nil {
            (model, allPatterns) = resolver.estimateModel(profiles, pairs: pairs, lap: lap)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            modelJSON = String(decoding: (try? encoder.encode(model)) ?? Data(), as: UTF8.self)
        } else {
            (modelJSON, model) = stored!
        }

        // Strong pairs (at or above the clustering threshold: the only ones clustering merges
        // through). Two profiles the last run already had were compared then, and the pair is strong
        // now exactly when it was stored as strong: with nothing removed, blocks only grow, so such
        // a pair was a candidate then too. When profiles vanished, everything is compared again.
        let isNew = fingerprints.map { state.profiles[$0] == nil }
        let vanished = state.profiles.count - isNew.lazy.filter { !$0 }.count
        let compareAll = full || vanished > 0
        let threshold = resolver.options.threshold
        var cache: [FellegiSunter.Pattern: Double] = [:]
        var strong: [Clustering.Edge] = []
        var compared = 0
        for (number, pair) in pairs.enumerated() {
            let probability: Double
            if compareAll || isNew[pair.0] || isNew[pair.1] {
                let pattern = allPatterns?[number] ?? PartyComparison.compare(profiles[pair.0], profiles[pair.1])
                if let known = cache[pattern] {
                    probability = known
                } else {
                    probability = model.probability(pattern)
                    cache[pattern] = probability
                }
                compared += 1
            } else {
                let x = fingerprints[pair.0], y = fingerprints[pair.1]
                guard let known = state.edges[x < y ? x + "|" + y : y + "|" + x] else { continue }
                probability = known
            }
            if probability >= threshold { strong.append(.init(a: pair.0, b: pair.1, probability: probability)) }
        }
        lap("compare")

        // Components of the strong graph (confirms join too): clustering never crosses one.
        var parent = Array(0..<count)
        func root(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        for edge in strong {
            let ra = root(edge.a), rb = root(edge.b)
            if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
        }
        for confirm in confirms {
            let ra = root(confirm.a), rb = root(confirm.b)
            if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
        }
        var componentOf = [Int](repeating: -1, count: count)
        var members: [[Int]] = []
        for index in 0..<count {
            let top = root(index)
            if componentOf[top] < 0 {
                componentOf[top] = members.count
                members.append([])
            }
            componentOf[index] = componentOf[top]
            members[componentOf[index]].append(index)
        }
        var edgesOf = [[Int]](repeating: [], count: members.count)
        for (number, edge) in strong.enumerated() { edgesOf[componentOf[edge.a]].append(number) }
        var decisionsOf: [Int: [String]] = [:]
        for confirm in confirms { decisionsOf[componentOf[confirm.a], default: []].append("c\(confirm.decision)") }
        for split in splits where componentOf[split.a] == componentOf[split.b] {
            decisionsOf[componentOf[split.a], default: []].append("s\(split.decision)")
        }

        // Each component's digest; unchanged ones keep their entities.
        let modelDigest = Digest.of(modelJSON)
        var digests: [String] = []
        digests.reserveCapacity(members.count)
        var clean = [Bool](repeating: false, count: members.count)
        for component in members.indices {
            var digest = Digest()
            digest.add(modelDigest)
            digest.add("\(threshold) \(resolver.options.average)")
            for member in members[component].sorted(by: { fingerprints[$0] < fingerprints[$1] }) {
                digest.add(fingerprints[member])
                for mention in mentionsOf[member] {
                    let key = mentions[mention].mention, marking = markings[mention]
                    digest.add(key.kind); digest.add(key.id); digest.add(key.role.rawValue)
                    digest.add(marking.tlp.rawValue); digest.add(marking.releasableToStored); digest.add(marking.originator)
                }
            }
            let edges = edgesOf[component].map { number -> (String, String) in
                let x = fingerprints[strong[number].a], y = fingerprints[strong[number].b]
                return x < y ? (x, y) : (y, x)
            }.sorted { $0 < $1 }
            for edge in edges { digest.add(edge.0); digest.add(edge.1) }
            for decision in (decisionsOf[component] ?? []).sorted() { digest.add(decision) }
            let text = digest.hex
            digests.append(text)
            if !full, let first = members[component].first, state.profiles[fingerprints[first]]?.component == text {
                clean[component] = true
            }
        }
        lap("components")

        // Cluster the changed components.
        let edges = strong.filter { !clean[componentOf[$0.a]] }
        let mustLink = confirms.filter { !clean[componentOf[$0.a]] }
        var splitPartners: [Int: [Int]] = [:]
        for split in splits where !clean[componentOf[split.a]] && componentOf[split.a] == componentOf[split.b] {
            splitPartners[split.a, default: []].append(split.b)
            splitPartners[split.b, default: []].append(split.a)
        }
        let clustering = Clustering(threshold: resolver.options.threshold, average: resolver.options.average)
        let conflict = Resolver.taxIDConflict(profiles)
        let (labels, merges, refused) = clustering.cluster(
            count: count, edges: edges, mustLink: mustLink.map { ($0.a, $0.b) },
            separated: { left, right in
                guard !splitPartners.isEmpty else { return false }
                let (small, large) = left.count <= right.count ? (left, right) : (right, left)
                var other: Set<Int>?
                for x in small {
                    guard let partners = splitPartners[x] else { continue }
                    let set = other ?? Set(large)
                    other = set
                    if partners.contains(where: set.contains) { return true }
                }
                return false
            },
            score: { model.probability(PartyComparison.compare(profiles[$0], profiles[$1])) },
            cannotLink: conflict)
        for number in refused {
            warnings.append("decision #\(mustLink[number].decision) (confirm): a split decision keeps these mentions apart; not applied")
        }
        lap("cluster")

        // Entity ids: unchanged components keep theirs; a new group takes the old id it shares
        // most profiles with, or a new one.
        var entityID = [String](repeating: "", count: count)
        var kept = Set<String>()
        for component in members.indices where clean[component] {
            for member in members[component] {
                entityID[member] = state.profiles[fingerprints[member]]?.entityID ?? ""
                kept.insert(fingerprints[member])
            }
        }
        var groups: [Int: [Int]] = [:]
        for component in members.indices where !clean[component] {
            for member in members[component] { groups[labels[member], default: []].append(member) }
        }
        var overlaps: [(label: Int, old: String, shared: Int)] = []
        for (label, group) in groups {
            var shared: [String: Int] = [:]
            for member in group {
                if let old = state.profiles[fingerprints[member]]?.entityID { shared[old, default: 0] += 1 }
            }
            for (old, number) in shared { overlaps.append((label, old, number)) }
        }
        overlaps.sort { ($0.shared, $1.old, $1.label) > ($1.shared, $0.old, $0.label) }
        var assigned: [Int: String] = [:]
        var taken = Set<String>()
        for overlap in overlaps where assigned[overlap.label] == nil && !taken.contains(overlap.old) {
            assigned[overlap.label] = overlap.old
            taken.insert(overlap.old)
        }
        var nextEntity = max(1, state.lastRun?.nextEntity ?? 1)
        for label in groups.keys.sorted() where assigned[label] == nil {
            assigned[label] = String(format: "E-%07d", nextEntity)
            nextEntity += 1
        }
        for (label, group) in groups {
            for member in group { entityID[member] = assigned[label]! }
        }

        // Rows for the changed components.
        var profileRows: [(String, String, String)] = []
        var mentionRows: [(Mention, String)] = []
        var entityRows: [EntityRow] = []
        for component in members.indices where !clean[component] {
            for member in members[component] {
                profileRows.append((fingerprints[member], entityID[member], digests[component]))
                for mention in mentionsOf[member] { mentionRows.append((mentions[mention].mention, fingerprints[member])) }
            }
        }
        for (label, group) in groups.sorted(by: { $0.key < $1.key }) {
            let positions = group.flatMap { mentionsOf[$0] }
            entityRows.append(EntityRow(entityID: assigned[label]!, name: distinct[label].name, mentions: positions.count,
                                        profiles: group.count,
                                        marking: Marking.mostRestrictive(positions.map { markings[$0] }, originator: node)))
        }
        let links = merges.map { merge in
            EntityLink(left: fingerprints[merge.a], right: fingerprints[merge.b], probability: merge.probability,
                       source: merge.forced.map { "confirm #\(mustLink[$0].decision)" } ?? "model")
        }
        var edgeRows: [(String, String, Double)] = []
        for edge in edges {
            let x = fingerprints[edge.a], y = fingerprints[edge.b]
            edgeRows.append(x < y ? (x, y, edge.probability) : (y, x, edge.probability))
        }
        var deleteFingerprints: [String] = []
        var deleteEntities = Set<String>()
        if !full {
            for (fingerprint, profile) in state.profiles where !kept.contains(fingerprint) {
                deleteFingerprints.append(fingerprint)
                deleteEntities.insert(profile.entityID)
            }
        }

        // Associations over everything, with the final ids.
        var number: [String: Int] = [:]
        let labelsByID = entityID.map { id -> Int in
            if let known = number[id] { return known }
            number[id] = number.count
            return number.count - 1
        }
        let names = number.sorted { $0.value < $1.value }.map(\.key)
        let associations = Resolver.associations(profiles, entities: labelsByID).flatMap { association in
            association.entities.map { EntityAssociationRow(kind: association.kind, value: association.value, entityID: names[$0]) }
        }
        lap("rows")

        let recomputed = clean.lazy.filter { !$0 }.count
        let run = ResolutionRun(runID: runID, startedAt: startedAt, finishedAt: now(), actor: actor, mode: full ? "full" : "incremental",
                                mentions: mentions.count, profiles: count, entities: number.count, components: members.count,
                                recomputed: recomputed, nextEntity: nextEntity, model: modelJSON)
        let write = ResolutionWrite(run: run, basedOn: state.lastRun?.runID, replaceAll: full,
                                    deleteFingerprints: deleteFingerprints.sorted(), deleteEntities: deleteEntities.sorted(),
                                    profiles: profileRows, mentions: mentionRows, links: links, edges: edgeRows, entities: entityRows,
                                    associations: associations)
        return Outcome(write: write, entityOf: mentionOf.map { entityID[$0] }, model: model, distinctMentions: count,
                       candidatePairs: pairs.count, compared: compared, strongPairs: strong.count, components: members.count, recomputed: recomputed, entities: number.count,
                       warnings: warnings, seconds: seconds)
    }

    /// A profile's name: a digest of its attributes exactly as given.
    static func fingerprint(_ mention: PartyMention) -> String {
        var digest = Digest()
        for value in [mention.name, mention.taxID, mention.address, mention.city, mention.state, mention.postalCode, mention.country,
                      mention.phone, mention.email, mention.representative] {
            if let value { digest.add(value) } else { digest.addMissing() }
        }
        return digest.hex
    }
}

/// A 128-bit FNV-1a digest (two 64-bit lanes with different offsets), stable across runs and
/// machines (Swift's `Hasher` is seeded per process). Not cryptographic: it names content.
struct Digest {
    private var a: UInt64 = 0xcbf2_9ce4_8422_2325
    private var b: UInt64 = 0x6c62_272e_07bb_0142

    mutating func add(_ text: String) {
        for byte in text.utf8 { mix(byte) }
        mix(0x1F)
    }

    mutating func addMissing() {
        mix(0x1E)
        mix(0x1F)
    }

    private mutating func mix(_ byte: UInt8) {
        a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        b = b ^ (b >> 29)
    }

    var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 0, count: 32)
        for index in 0..<16 {
            out[15 - index] = digits[Int((a >> (UInt64(index) * 4)) & 0xF)]
            out[31 - index] = digits[Int((b >> (UInt64(index) * 4)) & 0xF)]
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func of(_ text: String) -> String {
        var digest = Digest()
        digest.add(text)
        return digest.hex
    }
}
