import Testing
@testable import ConformanceKit

@Suite("Scenario catalogue", .serialized)
struct ScenarioCatalogTests {
    @Test func catalogueIsSound() {
        #expect(Scenario.problems(in: ScenarioCatalog.all) == [])
        #expect(ScenarioCatalog.all.count >= 18)
    }

    /// Nothing passes without a server: each scenario alone against a closed port is inconclusive.
    @Test func everyScenarioIsInconclusiveAgainstAClosedPort() async {
        let scenarios = ScenarioCatalog.all.map { scenario in
            var alone = scenario
            alone.prerequisites = []
            return alone
        }
        let closed = ReservedClosedPort()
        defer { withExtendedLifetime(closed) {} }
        let runner = ConformanceRunner(
            scenarios: scenarios, options: RunnerOptions(concurrency: 8, scenarioTimeout: .seconds(20), capabilities: Set(Capability.allCases)),
            target: BaseURLTarget(baseURL: "http://127.0.0.1:\(closed.port)"))
        let report = await runner.run()
        #expect(report.results.count == scenarios.count)
        for result in report.results {
            guard case .inconclusive = result.verdict else {
                Issue.record("\(result.scenario.id): \(result.verdict.label) \(result.verdict.reason ?? "")")
                continue
            }
        }
        #expect(report.exitStatus == .inconclusive)
    }

    /// The in-process reference server passes every scenario of the catalogue; those that restart
    /// or crash the server need a separate process and are covered by `ConformCommandTests`.
    @Test func referenceServerPassesEveryScenario() async throws {
        let fixture = try ReferenceServerFixture()
        defer { fixture.stop() }
        let runner = ConformanceRunner(scenarios: ScenarioCatalog.all, options: RunnerOptions(seed: 7), target: BaseURLTarget(baseURL: fixture.baseURL))
        let report = await runner.run()
        for result in report.results where !result.verdict.didPass {
            if case .skipped = result.verdict, !result.scenario.needs.isEmpty { continue }
            Issue.record("\(result.scenario.id): \(result.verdict.label) \(result.verdict.reason ?? "") \(result.actual ?? "")")
        }
        #expect(report.exitStatus == .success)
    }
}
