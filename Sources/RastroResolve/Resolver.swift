import Foundation
public import RastroModel

/// Resolves party mentions into entities: normalizes each distinct mention once, finds candidate
/// pairs through several blocking keys (tax id, rare name words and their phonetic keys, postal
/// code + street, phone, email), estimates the Fellegi–Sunter model from the data (u from random
/// pairs, m and λ by EM), scores the candidates and clusters them without chaining.
public struct Resolver: Sendable {
    public struct Options: Sendable {
        /// A pair is a match candidate when it is more likely a match than not …
        public var threshold = 0.5
        /// … and two groups merge only when their pairs are, on average, too.
        public var average = 0.5
        /// Blocks larger than this are skipped (a word that common says nothing).
        public var maxBlock = 400
        public var randomPairs = 50_000
        public var seed: UInt64 = 1
        public init() {}
    }

    public struct Result: Sendable {
        /// Entity label per input mention (the index of its first mention).
        public var labels: [Int]
        /// Phones, addresses and representatives that different entities share (labels as above).
        public var associations: [Association]
        public var model: FellegiSunter
        public var distinctMentions: Int
        public var candidatePairs: Int
        public var seconds: [String: Double]
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    public func resolve(_ mentions: [PartyMention]) -> Result {
        var clock = ContinuousClock.now
        var seconds: [String: Double] = [:]
        func lap(_ name: String) {
            let now = ContinuousClock.now
            seconds[name] = (now - clock).seconds
            clock = now
        }
        let (distinct, mentionOf, firstMention) = Self.distinct(mentions)
        let profiles = distinct.map(PartyProfile.init)
        lap("normalize")

        let pairs = Blocking.candidatePairs(profiles, maxBlock: options.maxBlock)
        lap("block")

        let features = PartyFeatures(profiles)
        let (model, codes) = estimateModel(features, count: profiles.count, pairs: pairs, lap: lap)

        var cache: [UInt32: Double] = [:]
        func probability(_ code: UInt32) -> Double {
            if let known = cache[code] { return known }
            let value = model.probability(PartyComparison.pattern(code: code))
            cache[code] = value
            return value
        }
        var edges: [Clustering.Edge] = []
        for (position, pair) in pairs.enumerated() {
            edges.append(.init(a: pair.0, b: pair.1, probability: probability(codes[position])))
        }
        let clustering = Clustering(threshold: options.threshold, average: options.average)
        let labels = clustering.cluster(count: profiles.count, edges: edges,
                                        score: { probability(features.code($0, $1)) },
                                        cannotLink: Self.taxIDConflict(profiles))
        lap("cluster")
        // Labels name an entity by the index of its first mention in the input.
        let entityOf = labels.map { firstMention[$0] }
        return Result(labels: mentionOf.map { entityOf[$0] }, associations: Self.associations(profiles, entities: entityOf), model: model, distinctMentions: distinct.count, candidatePairs: pairs.count,
                      seconds: seconds)
    }

    /// Identical mentions (same attributes, whatever record they come from) are resolved once:
    /// the distinct ones in input order, each input mention's distinct index, and each distinct
    /// one's first input position.
    static func distinct(_ mentions: [PartyMention]) -> (distinct: [PartyMention], mentionOf: [Int], firstMention: [Int]) {
        var distinct: [PartyMention] = []
        var index: [PartyMention: Int] = [:]
        var mentionOf = [Int](repeating: 0, count: mentions.count)
        var firstMention: [Int] = []
        for (position, mention) in mentions.enumerated() {
            var key = mention
            key.mention = Mention(kind: "", id: "", role: .self)
            if let known = index[key] {
                mentionOf[position] = known
            } else {
                index[key] = distinct.count
                mentionOf[position] = distinct.count
                firstMention.append(position)
                distinct.append(key)
            }
        }
        return (distinct, mentionOf, firstMention)
    }

    /// The model from the data: u from random pairs, then m and λ by EM over the candidate pairs,
    /// started from anchor pairs (the same valid tax id and a name at least similar, or the same
    /// core name with the same phone or street address). Returns each candidate's comparison too,
    /// as its code (`PartyFeatures.code`).
    func estimateModel(_ features: PartyFeatures, count: Int, pairs: [(Int, Int)], lap: (String) -> Void) -> (FellegiSunter, [UInt32]) {
        var model = FellegiSunter(fields: PartyComparison.fields)
        var random = SplitMix64(seed: options.seed)
        var randomCodes: [UInt32: Int] = [:]
        if count > 1 {
            for _ in 0..<options.randomPairs {
                let a = Int(random.next() % UInt64(count)), b = Int(random.next() % UInt64(count))
                guard a != b else { continue }
                randomCodes[features.code(a, b), default: 0] += 1
            }
        }
        model.estimateU(randomPairs: Self.patternCounts(randomCodes))
        let codes = features.codes(pairs)
        var codeCounts: [UInt32: Int] = [:]
        for code in codes { codeCounts[code, default: 0] += 1 }
        let counts = Self.patternCounts(codeCounts)
        lap("compare")
        var anchors: [FellegiSunter.Pattern: Int] = [:]
        for (pattern, count) in counts where (pattern[1] == 2 && pattern[0] >= 1) || (pattern[0] == 3 && (pattern[4] == 1 || pattern[2] == 2)) {
            anchors[pattern] = count
        }
        model.seed(anchors: anchors, candidates: pairs.count)
        model.estimate(patterns: counts)
        lap("estimate")
        return (model, codes)
    }

    private static func patternCounts(_ codes: [UInt32: Int]) -> [FellegiSunter.Pattern: Int] {
        var counts: [FellegiSunter.Pattern: Int] = [:]
        for (code, count) in codes { counts[PartyComparison.pattern(code: code), default: 0] += count }
        return counts
    }

    /// Two groups that hold different tax ids, each passing the RFC check, are never merged.
    static func taxIDConflict(_ profiles: [PartyProfile]) -> ([Int], [Int]) -> Bool {
        let valid = profiles.map { $0.taxIDValid ? $0.taxID : nil }
        return { left, right in
            var leftIDs: [String] = []
            for member in left { if let id = valid[member], !leftIDs.contains(id) { leftIDs.append(id) } }
            guard !leftIDs.isEmpty else { return false }
            var rightHasOne = false
            for member in right {
                guard let id = valid[member] else { continue }
                if leftIDs.contains(id) { return false }
                rightHasOne = true
            }
            return rightHasOne
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

/// Candidate pairs from several blocking keys; each pair once, smaller index first.
enum Blocking {
    /// Document frequency of name words: only words in at most `maxBlock` names block.
    static func frequencies(_ profiles: [PartyProfile]) -> [String: Int] {
        var frequency: [String: Int] = [:]
        for profile in profiles { for token in Set(profile.name.tokens) { frequency[token, default: 0] += 1 } }
        return frequency
    }

    /// A profile's blocking keys (each once): tax id and its first nine characters, each rare
    /// name word and its phonetic key, the first two words' phonetic keys, postal code + street,
    /// phone, email. `rare` says whether a word is rare enough to block on.
    static func keys(_ profile: PartyProfile, rare: (String) -> Bool) -> [String] {
        var keys: [String] = []
        if let tax = profile.taxID, tax.count >= 10 {
            keys.append("t:" + tax)
            keys.append("t9:" + String(tax.prefix(9)))
        }
        for token in profile.name.tokens where token.count > 2 && rare(token) {
            keys.append("w:" + token)
            keys.append("p:" + Phonetic.key(token))
        }
        if profile.name.tokens.count >= 2 {
            keys.append("n2:" + profile.name.tokens.prefix(2).map { Phonetic.key($0) }.joined(separator: "|"))
        }
        if let postal = profile.postalCode, let street = profile.street { keys.append("a:" + postal + "|" + street) }
        if let phone = profile.phone { keys.append("ph:" + phone) }
        if let email = profile.email { keys.append("e:" + email) }
        var seen = Set<String>()
        return keys.filter { seen.insert($0).inserted }
    }

    static func blocks(_ profiles: [PartyProfile], maxBlock: Int) -> (blocks: [String: [Int]], frequency: [String: Int]) {
        let frequency = frequencies(profiles)
        var blocks: [String: [Int]] = [:]
        for (position, profile) in profiles.enumerated() {
            for key in keys(profile, rare: { (frequency[$0] ?? 0) <= maxBlock }) { blocks[key, default: []].append(position) }
        }
        return (blocks, frequency)
    }

    static func candidatePairs(_ profiles: [PartyProfile], maxBlock: Int) -> [(Int, Int)] {
        pairs(within: blocks(profiles, maxBlock: maxBlock).blocks, maxBlock: maxBlock)
    }

    /// Every pair of members of each block (blocks over `maxBlock` skipped), each pair once,
    /// smaller index first, in order of the smaller index and then the larger. Record by record on
    /// every core: a record's partners are the later members of its blocks, and a mark per record
    /// (the last record it was paired with) keeps each pair once without a set of every pair.
    static func pairs(within blocks: [String: [Int]], maxBlock: Int) -> [(Int, Int)] {
        // The blocks that pair their members, flat, and each record's blocks.
        var blockStarts = [0]
        var blockMembers: [Int32] = []
        var records = 0
        for members in blocks.values where members.count > 1 && members.count <= maxBlock {
            for member in members {
                blockMembers.append(Int32(member))
                records = max(records, member + 1)
            }
            blockStarts.append(blockMembers.count)
        }
        var recordStarts = [Int](repeating: 0, count: records + 1)
        for member in blockMembers { recordStarts[Int(member) + 1] += 1 }
        for record in 0..<records { recordStarts[record + 1] += recordStarts[record] }
        var next = recordStarts
        var recordBlocks = [Int32](repeating: 0, count: blockMembers.count)
        for block in 0..<(blockStarts.count - 1) {
            for member in blockMembers[blockStarts[block]..<blockStarts[block + 1]] {
                recordBlocks[next[Int(member)]] = Int32(block)
                next[Int(member)] += 1
            }
        }
        let chunks = records < 10_000 ? 1 : max(1, ProcessInfo.processInfo.activeProcessorCount) * 8
        let parts = Parallel.each(chunks) { [records, blockStarts, blockMembers, recordStarts, recordBlocks] chunk -> [(Int, Int)] in
            var part: [(Int, Int)] = []
            var mark = [Int32](repeating: -1, count: records)
            var partners: [Int32] = []
            for a in (records * chunk / chunks)..<(records * (chunk + 1) / chunks) {
                partners.removeAll(keepingCapacity: true)
                for block in recordBlocks[recordStarts[a]..<recordStarts[a + 1]] {
                    for b in blockMembers[blockStarts[Int(block)]..<blockStarts[Int(block) + 1]] where Int(b) > a && mark[Int(b)] != Int32(a) {
                        mark[Int(b)] = Int32(a)
                        partners.append(b)
                    }
                }
                partners.sort()
                for b in partners { part.append((a, Int(b))) }
            }
            return part
        }
        var pairs: [(Int, Int)] = []
        pairs.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for part in parts { pairs += part }
        return pairs
    }
}

/// Work spread over the machine's cores, results in input order.
enum Parallel {
    static func map<T: Sendable, U>(_ items: [T], minimum: Int = 10_000, _ transform: @escaping @Sendable (T) -> U) -> [U] {
        guard items.count >= minimum else { return items.map(transform) }
        return [U](unsafeUninitializedCapacity: items.count) { buffer, initialized in
            let slots = Slots(base: buffer.baseAddress!)
            let chunks = max(1, ProcessInfo.processInfo.activeProcessorCount) * 8
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                for index in (items.count * chunk / chunks)..<(items.count * (chunk + 1) / chunks) {
                    (slots.base + index).initialize(to: transform(items[index]))
                }
            }
            initialized = items.count
        }
    }

    /// `body(n)` for every n in 0..<count, spread over the cores; the results in order of n, so
    /// they do not depend on which thread ran what.
    static func each<U>(_ count: Int, _ body: @Sendable (Int) -> U) -> [U] {
        guard count > 0 else { return [] }
        return [U](unsafeUninitializedCapacity: count) { buffer, initialized in
            let slots = Slots(base: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: count) { n in (slots.base + n).initialize(to: body(n)) }
            initialized = count
        }
    }

    /// Each chunk writes its own slots: no two threads touch one element.
    private struct Slots<U>: @unchecked Sendable {
        let base: UnsafeMutablePointer<U>
    }
}
