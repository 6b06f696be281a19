/// One normative requirement of `Spec/SPEC.md`: a stable ID, a level and the sentence a report quotes.
public struct Requirement: Sendable, Equatable, Hashable, Codable {
    /// RFC 2119 levels as the Spec uses them.
    public enum Level: String, Sendable, Equatable, Hashable, Codable, Comparable {
        case must = "MUST"
        case should = "SHOULD"
        case may = "MAY"

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }
        private var rank: Int { switch self { case .must: 0; case .should: 1; case .may: 2 } }
    }

    /// Stable ID, e.g. `JOIN-3`. Never reused or renumbered.
    public var id: String
    public var level: Level
    /// The ID of the optional feature this requirement depends on (`EXT-1`), or nil.
    public var condition: String?
    /// The sentence, verbatim from the Spec.
    public var text: String

    public init(id: String, level: Level, condition: String? = nil, text: String) {
        self.id = id
        self.level = level
        self.condition = condition
        self.text = text
    }

    /// The area prefix of the ID (`JOIN` for `JOIN-3`).
    public var area: String { String(id.prefix { $0 != "-" }) }
}
