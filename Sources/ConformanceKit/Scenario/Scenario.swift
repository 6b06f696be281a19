/// One conformance check: a stable ID, the Spec requirements it encodes, and the body that drives the
/// server and decides.
///
/// The body signals its outcome by how it ends: returning normally is a pass; throwing
/// `ScenarioFailure`, `ScenarioInconclusive` or `ScenarioUnsupported` gives that verdict; any other
/// error makes the scenario inconclusive with the error's description.
public struct Scenario: Sendable {
    /// Stable ID such as `join/all-messages-shape`; never derived from the title, never reused.
    public var id: String
    public var title: String
    public var area: ScenarioArea
    /// The Spec requirement IDs this scenario checks (`JOIN-1`, `ONCE-3`).
    public var requirements: [String]
    public var transports: [TransportKind]
    /// IDs of scenarios that must pass before this one runs; when one does not, this one is skipped.
    public var prerequisites: [String]
    /// Must run alone (restarts, crashes, load): nothing else runs while it does.
    public var isExclusive: Bool
    /// Mostly waits out the server's own heartbeat clock (pingInterval + pingTimeout, 45 s at the
    /// Socket.IO defaults): starts as soon as its prerequisites pass, ahead of the others, and runs
    /// beside the concurrency limit, so long waits overlap each other and the rest of the run.
    public var isHeartbeatBound: Bool
    /// Capabilities the run must have; without them the scenario is skipped.
    public var needs: Set<Capability>
    /// Capabilities that make the scenario meaningless (JOIN-6's rebinding under AUTH-5); with one of
    /// them the scenario is skipped.
    public var conflicts: Set<Capability>
    public var body: @Sendable (ScenarioContext) async throws -> Void

    public init(
        id: String,
        title: String,
        area: ScenarioArea,
        requirements: [String],
        transports: [TransportKind] = [],
        prerequisites: [String] = [],
        isExclusive: Bool = false,
        isHeartbeatBound: Bool = false,
        needs: Set<Capability> = [],
        conflicts: Set<Capability> = [],
        body: @escaping @Sendable (ScenarioContext) async throws -> Void
    ) {
        self.id = id
        self.title = title
        self.area = area
        self.requirements = requirements
        self.transports = transports
        self.prerequisites = prerequisites
        self.isExclusive = isExclusive
        self.isHeartbeatBound = isHeartbeatBound
        self.needs = needs
        self.conflicts = conflicts
        self.body = body
    }

    /// The strongest level among the cited requirements (see `ScenarioLevel`).
    public var level: ScenarioLevel { ScenarioLevel(requirementIDs: requirements) }

    /// The scenario's description without its body, as results and reports carry it.
    public var info: ScenarioInfo {
        ScenarioInfo(
            id: id, title: title, area: area, level: level, requirements: requirements, transports: transports,
            prerequisites: prerequisites, isExclusive: isExclusive, needs: needs.sorted()
        )
    }
}
