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
        let profiles = Parallel.map(distinct) { PartyProfile($0) }
        let fingerprints = Parallel.map(distinct) { Self.fingerprint($0) }
        let features = PartyFeatures(profiles)
        var mentionsOf = [[Int]](repeating: [], count: count)
        for (position, index) in mentionOf.enumerated() { mentionsOf[index].append(position) }
        lap("normalize")

        let maxBlock = resolver.options.maxBlock
        let (blocks, frequency) = Blocking.blocks(profiles, maxBlock: maxBlock)
        let pairs = Blocking.pairs(within: blocks, maxBlock: maxBlock)
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
        var allCodes: [UInt32]?
        let modelJSON: String
        if full || stored == nil {
            (model, allCodes) = resolver.estimateModel(features, count: count, pairs: pairs, lap: lap)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            modelJSON = String(decoding: (try? encoder.encode(model)) ?? Data(), as: UTF8.self)
        } else {
            (modelJSON, model) = stored!
        }

        // Which profiles the last run did not have, and which of its profiles are gone.
        let threshold = resolver.options.threshold
        let isNew = fingerprints.map { state.profiles[$0] == nil }
        let current = Set(fingerprints)
        var vanished: [PartyProfile] = []
        var unreadable = false
        if !full {
            for (fingerprint, profile) in state.profiles where !current.contains(fingerprint) {
                guard let mention = Self.decodeAttributes(profile.attributes) else {
                    unreadable = true
                    break
                }
                vanished.append(PartyProfile(mention))
            }
        }
        let everything = full || unreadable

        // Profiles whose candidate pairs among old profiles may differ from the last run's: the
        // members of every block that new or vanished profiles push across the size limit, and
        // the holders of every name word whose frequency crosses it. Elsewhere, a pair of two old
        // profiles is a candidate now exactly when it was then, with the same probability.
        var forced = [Bool](repeating: false, count: count)
        if !everything {
            var newCount: [String: Int] = [:], vanishedCount: [String: Int] = [:]
            for index in 0..<count where isNew[index] { for token in Set(profiles[index].name.tokens) { newCount[token, default: 0] += 1 } }
            for profile in vanished { for token in Set(profile.name.tokens) { vanishedCount[token, default: 0] += 1 } }
            func before(_ token: String) -> Int { (frequency[token] ?? 0) - (newCount[token] ?? 0) + (vanishedCount[token] ?? 0) }
            var flipped = Set<String>()
            for token in Set(newCount.keys).union(vanishedCount.keys)
            where ((frequency[token] ?? 0) <= maxBlock) != (before(token) <= maxBlock) {
                flipped.insert(token)
            }
            var touched = Set<String>()
            var leaving: [String: Int] = [:]
            for index in 0..<count where isNew[index] {
                touched.formUnion(Blocking.keys(profiles[index], rare: { (frequency[$0] ?? 0) <= maxBlock }))
            }
            for profile in vanished {
                for key in Blocking.keys(profile, rare: { before($0) <= maxBlock }) {
                    touched.insert(key)
                    leaving[key, default: 0] += 1
                }
            }
            var wholly = Set<String>()
            for token in flipped where token.count > 2 {
                wholly.insert("w:" + token)
                wholly.insert("p:" + Phonetic.key(token))
            }
            for key in touched.union(wholly) {
                guard let members = blocks[key] else { continue }
                let arriving = members.lazy.filter { isNew[$0] }.count
                let then = members.count - arriving + (leaving[key] ?? 0)
                if wholly.contains(key) || (members.count <= maxBlock) != (then <= maxBlock) {
                    for member in members { forced[member] = true }
                }
            }
            if !flipped.isEmpty {
                for index in 0..<count where !forced[index] && profiles[index].name.tokens.contains(where: flipped.contains) {
                    forced[index] = true
                }
            }
        }

        // Strong pairs (at or above the clustering threshold: the only ones clustering merges
        // through) decide the components; clustering never crosses one.
        // Comparisons are kept as codes (`PartyFeatures.code`, the code `encodePairs` stores).
        var cache: [UInt32: Double] = [:]
        var compared = 0
        func probability(of code: UInt32) -> Double {
            if let known = cache[code] { return known }
            let value = model.probability(PartyComparison.pattern(code: code))
            cache[code] = value
            return value
        }
        func compare(_ number: Int) -> UInt32 {
            compared += 1
            let pair = pairs[number]
            return allCodes?[number] ?? features.code(pair.0, pair.1)
        }
        var parent = Array(0..<count)
        func root(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        func union(_ a: Int, _ b: Int) {
            let ra = root(a), rb = root(b)
            if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
        }
        var strong: [Clustering.Edge] = []
        var strongCodes: [UInt32] = []
        var done = [Bool](repeating: false, count: everything ? 0 : pairs.count)
        for (number, pair) in pairs.enumerated() where everything || isNew[pair.0] || isNew[pair.1] {
            let code = compare(number)
            let value = probability(of: code)
            if !everything { done[number] = true }
            if value >= threshold {
                strong.append(.init(a: pair.0, b: pair.1, probability: value))
                strongCodes.append(code)
                union(pair.0, pair.1)
            }
        }
        for confirm in confirms { union(confirm.a, confirm.b) }
        if !everything {
            // The last run's components hold together (their strong pairs are unchanged).
            var first: [String: Int] = [:]
            for index in 0..<count where !isNew[index] {
                let component = state.profiles[fingerprints[index]]!.component
                if let other = first[component] { union(index, other) } else { first[component] = index }
            }
        }
        func components() -> (of: [Int], members: [[Int]]) {
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
            return (componentOf, members)
        }
        var (componentOf, members) = components()
        func digest(_ component: Int) -> String {
            var digest = Digest()
            digest.add(Digest.of(modelJSON))
            digest.add("\(threshold) \(resolver.options.average)")
            for member in members[component].sorted(by: { fingerprints[$0] < fingerprints[$1] }) {
                digest.add(fingerprints[member])
                for mention in mentionsOf[member] {
                    let key = mentions[mention].mention, marking = markings[mention]
                    digest.add(key.kind); digest.add(key.id); digest.add(key.role.rawValue)
                    digest.add(marking.tlp.rawValue); digest.add(marking.releasableToStored); digest.add(marking.originator)
                }
            }
            var inside: [String] = []
            for confirm in confirms where componentOf[confirm.a] == component { inside.append("c\(confirm.decision)") }
            for split in splits where componentOf[split.a] == component && componentOf[split.b] == component {
                inside.append("s\(split.decision)")
            }
            for decision in inside.sorted() { digest.add(decision) }
            return digest.hex
        }
        var clean = [Bool](repeating: false, count: members.count)
        lap("compare")
        if !everything {
            // Unchanged: every member old and not forced, and the same digest as stored.
            for component in members.indices where members[component].allSatisfy({ !isNew[$0] && !forced[$0] }) {
                clean[component] = state.profiles[fingerprints[members[component][0]]]?.component == digest(component)
            }
            // The changed ones: their old pairs (new pairs are done). Two old profiles of one old
            // component that neither block changes touched are strong exactly when the last run
            // stored them as strong, with the same probability; pairs with a forced profile, or in
            // an old component whose pairs were not stored, are compared. A pair that is strong
            // now joins two changed components at most.
            lap("digest")
            // Each old profile's old component, as a number.
            var oldComponent = [Int](repeating: -1, count: count)
            var componentNumber: [String: Int] = [:]
            for index in 0..<count where !isNew[index] {
                let component = state.profiles[fingerprints[index]]!.component
                if let known = componentNumber[component] {
                    oldComponent[index] = known
                } else {
                    oldComponent[index] = componentNumber.count
                    componentNumber[component] = componentNumber.count
                }
            }
            var needed = Set<String>()
            for index in 0..<count where !isNew[index] && !clean[componentOf[index]] {
                needed.insert(state.profiles[fingerprints[index]]!.component)
            }
            var known = StoredCodes()
            var unknown = Set<Int>()
            if !needed.isEmpty {
                var indexOf: [String: Int] = [:]
                for index in 0..<count where !isNew[index] { indexOf[fingerprints[index]] = index }
                var storedMembers: [String: [String]] = [:]
                for (fingerprint, profile) in state.profiles where needed.contains(profile.component) {
                    storedMembers[profile.component, default: []].append(fingerprint)
                }
                for component in needed {
                    // Stored positions → today's profile indices (nil for a profile that is gone).
                    let positions = storedMembers[component, default: []].sorted().map { indexOf[$0] }
                    let decoded = state.componentPairs[component].map { text in
                        Self.decodePairs(text, members: positions.count) { x, y, code in
                            guard let a = positions[x], let b = positions[y] else { return }
                            known.add(UInt64(min(a, b)) << 32 | UInt64(max(a, b)), code)
                        }
                    } ?? false
                    if !decoded { unknown.insert(componentNumber[component]!) }
                }
            }
            known.sort()
            lap("stored pairs")
            var validCode: [UInt32: Bool] = [:]
            for (number, pair) in pairs.enumerated() where !done[number] && !clean[componentOf[pair.0]] && !clean[componentOf[pair.1]] {
                let (a, b) = pair
                let old = (oldComponent[a], oldComponent[b])
                let code: UInt32
                if forced[a] || forced[b] || unknown.contains(old.0) || unknown.contains(old.1) {
                    code = compare(number)
                } else if old.0 == old.1, let stored = known.code(UInt64(a) << 32 | UInt64(b)) {
                    let valid = validCode[stored] ?? {
                        let decoded = Self.pattern(code: stored, fields: model.fields.count)
                        let valid = stored < Self.codeLimit(fields: model.fields.count)
                            && zip(decoded, model.fields).allSatisfy({ Int($0) < $1.levels.count })
                        validCode[stored] = valid
                        return valid
                    }()
                    // No pattern of this model's fields (a damaged store): compare again.
                    code = valid ? stored : compare(number)
                } else {
                    continue
                }
                let value = probability(of: code)
                if value >= threshold {
                    strong.append(.init(a: a, b: b, probability: value))
                    strongCodes.append(code)
                    union(a, b)
                }
            }
            let before = (componentOf, clean)
            (componentOf, members) = components()
            clean = members.map { before.1[before.0[$0[0]]] }
        }
        let digests = members.indices.map { clean[$0] ? state.profiles[fingerprints[members[$0][0]]]!.component : digest($0) }
        lap("digest")

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
            score: { probability(of: features.code($0, $1)) },
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
        var profileRows: [ProfileRow] = []
        var entityRows: [EntityRow] = []
        for component in members.indices where !clean[component] {
            for member in members[component] {
                profileRows.append(ProfileRow(fingerprint: fingerprints[member], entityID: entityID[member], component: digests[component],
                                              attributes: Self.encodeAttributes(distinct[member]),
                                              mentions: mentionsOf[member].map { mentions[$0].mention }))
            }
        }
        for (label, group) in groups.sorted(by: { $0.key < $1.key }) {
            let positions = group.flatMap { mentionsOf[$0] }
            entityRows.append(EntityRow(entityID: assigned[label]!, name: distinct[label].name, mentions: positions.count,
                                        profiles: group.count,
                                        marking: Marking.mostRestrictive(positions.map { markings[$0] }, originator: node)))
        }
        // Each changed component's strong pairs, as positions among its fingerprints in order.
        var rank = [Int32](repeating: 0, count: count)
        for component in members.indices where !clean[component] {
            for (position, member) in members[component].sorted(by: { fingerprints[$0] < fingerprints[$1] }).enumerated() {
                rank[member] = Int32(position)
            }
        }
        var pairsOf = [[(Int32, Int32, UInt32)]](repeating: [], count: members.count)
        for (edge, code) in zip(strong, strongCodes) where !clean[componentOf[edge.a]] {
            let x = rank[edge.a], y = rank[edge.b]
            pairsOf[componentOf[edge.a]].append((min(x, y), max(x, y), code))
        }
        var componentRows: [(String, String)] = []
        for component in members.indices where !clean[component] {
            componentRows.append((digests[component], Self.encodePairs(pairsOf[component])))
        }
        let keptComponents = Set(members.indices.filter { clean[$0] }.map { digests[$0] })
        let deleteComponents = Set(state.profiles.values.map(\.component)).subtracting(keptComponents)
        let links = merges.map { merge in
            EntityLink(left: fingerprints[merge.a], right: fingerprints[merge.b], probability: merge.probability,
                       source: merge.forced.map { "confirm #\(mustLink[$0].decision)" } ?? "model")
        }
        var deleteFingerprints: [String] = []
        var deleteEntities = Set<String>()
        if !everything {
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
        let write = ResolutionWrite(run: run, basedOn: state.lastRun?.runID, replaceAll: everything,
                                    deleteFingerprints: deleteFingerprints.sorted(), deleteEntities: deleteEntities.sorted(),
                                    deleteComponents: everything ? [] : deleteComponents.sorted(), components: componentRows,
                                    profiles: profileRows, links: links, entities: entityRows,
                                    associations: associations)
        return Outcome(write: write, entityOf: mentionOf.map { entityID[$0] }, model: model, distinctMentions: count,
                       candidatePairs: pairs.count, compared: compared, strongPairs: strong.count, components: members.count, recomputed: recomputed, entities: number.count,
                       warnings: warnings, seconds: seconds)
    }

    /// A profile's attributes as stored (a JSON array, null where missing), so that a later run
    /// knows the blocks a profile that has since gone was in.
    static func encodeAttributes(_ mention: PartyMention) -> String {
        let values: [String?] = [mention.name, mention.taxID, mention.address, mention.city, mention.state, mention.postalCode,
                                 mention.country, mention.phone, mention.email, mention.representative]
        return "[" + values.map { $0.map(JSONText.quote) ?? "null" }.joined(separator: ",") + "]"
    }

    static func decodeAttributes(_ text: String) -> PartyMention? {
        guard let values = try? JSONDecoder().decode([String?].self, from: Data(text.utf8)), values.count == 10, let name = values[0] else {
            return nil
        }
        return PartyMention(mention: Mention(kind: "", id: "", role: .self), name: name, taxID: values[1], address: values[2],
                            city: values[3], state: values[4], postalCode: values[5], country: values[6], phone: values[7],
                            email: values[8], representative: values[9])
    }

    /// A component's strong pairs as stored, one line per profile with partners:
    /// `I J.C J.C …`, where I < J are the two profiles' positions among the component's
    /// fingerprints in order and C is the pair's comparison code (`PartyFeatures.code`: each
    /// field's level + 1 as a base-5 digit) in base 36. The probability follows from the code and
    /// the stored model, exactly. `pairs` are (I, J, C), each pair once.
    static func encodePairs(_ pairs: [(Int32, Int32, UInt32)]) -> String {
        let ordered = pairs.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        var out: [UInt8] = []
        out.reserveCapacity(pairs.count * 12)
        let digits = Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8)
        var scratch: [UInt8] = []
        func append(_ value: Int, radix: Int) {
            var value = value
            scratch.removeAll(keepingCapacity: true)
            repeat {
                scratch.append(digits[value % radix])
                value /= radix
            } while value > 0
            out.append(contentsOf: scratch.reversed())
        }
        for (index, (first, second, code)) in ordered.enumerated() {
            if index == 0 || ordered[index - 1].0 != first {
                if index > 0 { out.append(0x0A) }
                append(Int(first), radix: 10)
            }
            out.append(0x20)
            append(Int(second), radix: 10)
            out.append(0x2E)
            append(Int(code), radix: 36)
        }
        if !ordered.isEmpty { out.append(0x0A) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads what `encodePairs` wrote, calling `visit` with the two positions and the pattern code
    /// of each pair; false when the text is not that (the caller then compares the pairs again).
    static func decodePairs(_ text: String, members: Int, _ visit: (Int, Int, UInt32) -> Void) -> Bool {
        var text = text
        return text.withUTF8 { bytes -> Bool in
            var first = -1, second = -1, value = 0, digits = 0
            var inCode = false
            for byte in bytes {
                switch byte {
                case 0x30...0x39, 0x61...0x7A:
                    let digit = byte <= 0x39 ? Int(byte - 0x30) : Int(byte - 0x61 + 10)
                    let radix = inCode ? 36 : 10
                    guard digit < radix, digits < 12 else { return false }
                    value = value * radix + digit
                    digits += 1
                case 0x2E:  // "." ends a partner's position
                    guard first >= 0, digits > 0, !inCode, value < members else { return false }
                    second = value
                    inCode = true
                    value = 0
                    digits = 0
                case 0x20, 0x0A:
                    guard digits > 0 else { return false }
                    if first < 0 {
                        guard !inCode, value < members else { return false }
                        first = value
                    } else {
                        guard inCode, value <= Int(UInt32.max) else { return false }
                        visit(first, second, UInt32(value))
                    }
                    if byte == 0x0A { first = -1 }
                    inCode = false
                    value = 0
                    digits = 0
                default:
                    return false
                }
            }
            return digits == 0 && first < 0
        }
    }

    /// One more than the largest code of `fields` fields.
    static func codeLimit(fields: Int) -> UInt32 {
        var limit: UInt32 = 1
        for _ in 0..<fields { limit = limit &* 5 }
        return limit
    }

    /// The pattern a code stands for (see `encodePairs`).
    static func pattern(code: UInt32, fields: Int) -> FellegiSunter.Pattern {
        var code = Int(code)
        var pattern = FellegiSunter.Pattern(repeating: -1, count: fields)
        for field in stride(from: fields - 1, through: 0, by: -1) {
            pattern[field] = Int8(code % 5) - 1
            code /= 5
        }
        return pattern
    }

    /// A profile's name: a digest of its attributes exactly as given.
    public static func fingerprint(_ mention: PartyMention) -> String {
        var digest = Digest()
        for value in [mention.name, mention.taxID, mention.address, mention.city, mention.state, mention.postalCode, mention.country,
                      mention.phone, mention.email, mention.representative] {
            if let value { digest.add(value) } else { digest.addMissing() }
        }
        return digest.hex
    }
}

/// The stored pairs' codes by pair key (`a << 32 | b`), sorted once: candidate pairs come in
/// ascending key order, so each lookup moves a cursor forward instead of hashing into a table of
/// millions (any order still works: a key behind the cursor is found by binary search).
struct StoredCodes {
    private var entries: [(key: UInt64, code: UInt32)] = []
    private var cursor = 0

    mutating func add(_ key: UInt64, _ code: UInt32) { entries.append((key, code)) }

    mutating func sort() {
        entries.sort { $0.key < $1.key }
        cursor = 0
    }

    /// The code stored for `key`, if any (after `sort`).
    mutating func code(_ key: UInt64) -> UInt32? {
        if cursor > 0 && entries[cursor - 1].key >= key {
            var low = 0, high = cursor - 1
            while low < high {
                let middle = (low + high) / 2
                if entries[middle].key < key { low = middle + 1 } else { high = middle }
            }
            cursor = low
        }
        while cursor < entries.count && entries[cursor].key < key { cursor += 1 }
        guard cursor < entries.count, entries[cursor].key == key else { return nil }
        cursor += 1
        return entries[cursor - 1].code
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
