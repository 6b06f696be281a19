/// Everything a run produced: metadata and one result per selected scenario, in scenario order.
public struct RunReport: Sendable, Equatable {
    public var metadata: RunMetadata
    public var results: [ScenarioResult]

    public init(metadata: RunMetadata, results: [ScenarioResult]) {
        self.metadata = metadata
        self.results = results
    }

    public var totals: RunTotals { RunTotals(results) }

    public var exitStatus: ExitStatus { ExitStatus.of(results, isStrict: metadata.isStrict) }

    public func result(_ scenarioID: String) -> ScenarioResult? { results.first { $0.scenario.id == scenarioID } }
}
