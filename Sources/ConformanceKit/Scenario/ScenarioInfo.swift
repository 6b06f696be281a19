/// A scenario's metadata without its body: what results, reports and `--list` show.
public struct ScenarioInfo: Sendable, Equatable, Hashable, Codable {
    public var id: String
    public var title: String
    public var area: ScenarioArea
    public var level: ScenarioLevel
    public var requirements: [String]
    public var transports: [TransportKind]
    public var prerequisites: [String]
    public var isExclusive: Bool
    public var needs: [Capability]

    public init(
        id: String, title: String, area: ScenarioArea, level: ScenarioLevel, requirements: [String],
        transports: [TransportKind], prerequisites: [String], isExclusive: Bool, needs: [Capability]
    ) {
        self.id = id
        self.title = title
        self.area = area
        self.level = level
        self.requirements = requirements
        self.transports = transports
        self.prerequisites = prerequisites
        self.isExclusive = isExclusive
        self.needs = needs
    }

    /// The cited requirements as the catalogue states them, in citation order; unknown IDs are left out.
    public var citedRequirements: [Requirement] { requirements.compactMap { RequirementCatalog.requirement($0) } }
}
