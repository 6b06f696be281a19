/// How binding a scenario is: the strongest level among the requirements it cites.
///
/// A scenario citing any requirement conditional on an optional feature (`MUST, if EXT-1`) or only
/// MAY requirements is `optional`: it applies only when the server offers the feature, and it reports
/// `unsupported` when the feature is absent.
public enum ScenarioLevel: String, Sendable, Equatable, Hashable, Codable, Comparable {
    case must = "MUST"
    case should = "SHOULD"
    case optional = "OPTIONAL"

    /// The level of a scenario citing these requirement IDs; IDs unknown to the catalogue are ignored,
    /// and a scenario citing nothing known is `must` (it checks something the Spec takes for granted).
    public init(requirementIDs: [String], catalog: [Requirement] = RequirementCatalog.all) {
        let cited = requirementIDs.compactMap { id in catalog.first { $0.id == id } }
        if cited.contains(where: { $0.condition != nil }) {
            self = .optional
        } else if cited.isEmpty || cited.contains(where: { $0.level == .must }) {
            self = .must
        } else if cited.contains(where: { $0.level == .should }) {
            self = .should
        } else {
            self = .optional
        }
    }

    public static func < (lhs: ScenarioLevel, rhs: ScenarioLevel) -> Bool { lhs.rank < rhs.rank }
    private var rank: Int { switch self { case .must: 0; case .should: 1; case .optional: 2 } }
}
