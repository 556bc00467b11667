public import RastroModel
public import RastroStore

/// Records an analyst's decision on two mentions (confirm: one party; split: different
/// parties), as `rastro resolve confirm|split` and the workbench's party page do: both mentions
/// must exist for the deciding viewer, a decision already on record is not repeated, the
/// opposite decision on the same pair is revoked, and a decision that contradicts the others
/// through a chain of confirms is refused.
public enum DecisionDesk {
    public enum Outcome: Sendable, Hashable {
        /// The same decision is already on record as this number: nothing was written.
        case alreadyRecorded(Int)
        /// Recorded as `number`, revoking the opposite decisions `revoked`.
        case recorded(number: Int, revoked: [ResolutionDecision])
    }

    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public enum Reason: Sendable, Hashable {
            case sameMention
            case noSuchMention(Mention)
            /// A split (number 0: this one) that the confirms would contradict.
            case contradiction(split: Int, left: Mention, right: Mention)
        }

        public var reason: Reason

        public var description: String {
            switch reason {
            case .sameMention: "the two mentions are the same"
            case .noSuchMention(let mention): "\(DecisionDesk.text(mention)): no such mention in the store"
            case .contradiction(let number, let left, let right):
                "\(number == 0 ? "this split" : "split #\(number)") (\(DecisionDesk.text(left)) / \(DecisionDesk.text(right))) "
                    + "contradicts the confirms that join them; revoke one first (`rastro resolve decisions`)"
            }
        }
    }

    /// Records `action` on the two mentions for `actor`; `viewer` must see both mentions' records.
    public static func record(_ action: ResolutionDecision.Action, _ left: Mention, _ right: Mention, actor: String, note: String,
                              viewer: Viewer, in store: Store) async throws -> Outcome {
        guard left != right else { throw Refusal(reason: .sameMention) }
        for mention in [left, right] where try await store.record(of: mention, viewer: viewer)
            .map({ PartyMention.mentions(in: $0).contains { $0.mention == mention } }) != true {
            throw Refusal(reason: .noSuchMention(mention))
        }
        let active = try await store.decisions().filter(\.isActive)
        let pair = Set([left, right])
        if let same = active.first(where: { $0.action == action && Set([$0.left, $0.right]) == pair }) {
            return .alreadyRecorded(same.decisionID)
        }
        let opposite = active.filter { $0.action != action && Set([$0.left, $0.right]) == pair }
        let others = active.filter { Set([$0.left, $0.right]) != pair }
        var groups = MentionGroups()
        for decision in others where decision.action == .confirm { groups.join(decision.left, decision.right) }
        if action == .confirm { groups.join(left, right) }
        var splits = others.filter { $0.action == .split }.map { (number: $0.decisionID, left: $0.left, right: $0.right) }
        if action == .split { splits.append((0, left, right)) }
        for split in splits where groups.same(split.left, split.right) {
            throw Refusal(reason: .contradiction(split: split.number, left: split.left, right: split.right))
        }
        let number = try await store.recordDecision(action, left, right, actor: actor, note: note, revoking: opposite.map(\.decisionID))
        return .recorded(number: number, revoked: opposite)
    }

    /// KIND:ID:ROLE.
    public static func text(_ mention: Mention) -> String { "\(mention.kind):\(mention.id):\(mention.role.rawValue)" }

    /// Parses KIND:ID:ROLE (the id may hold colons); nil when it is not one.
    public static func mention(_ text: String) -> Mention? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, let role = Mention.Role(rawValue: parts[parts.count - 1]), Kind(rawValue: parts[0]) != nil else { return nil }
        let id = parts[1..<(parts.count - 1)].joined(separator: ":")
        return id.isEmpty ? nil : Mention(kind: parts[0], id: id, role: role)
    }
}

/// Union–find over mentions, for checking decisions against each other.
struct MentionGroups {
    private var parent: [Mention: Mention] = [:]

    mutating func root(_ mention: Mention) -> Mention {
        var current = mention
        while let next = parent[current], next != current { current = next }
        return current
    }

    mutating func join(_ a: Mention, _ b: Mention) {
        let ra = root(a), rb = root(b)
        if ra != rb { parent[ra] = rb }
    }

    mutating func same(_ a: Mention, _ b: Mention) -> Bool { root(a) == root(b) }
}
