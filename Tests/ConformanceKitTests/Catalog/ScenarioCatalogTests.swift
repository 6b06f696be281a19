import ReferenceServer
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
            scenarios: scenarios, options: RunnerOptions(
                concurrency: 8, scenarioTimeout: .seconds(20), capabilities: [.restart, .crash, .cluster, .databaseRestart, .storageFault],
                authentication: KitAuthentication(secret: Array("closed".utf8)), allowedOrigin: "http://allowed.example"),
            target: BaseURLTarget(baseURL: "http://127.0.0.1:\(closed.port)"))
        let report = await runner.run()
        #expect(report.results.count == scenarios.count)
        for result in report.results {
            // Rebinding (JOIN-6) does not apply to an authenticated run: skipped, never passed.
            if case .skipped = result.verdict, !result.scenario.id.isEmpty, scenarios.first(where: { $0.id == result.scenario.id })?.conflicts.isEmpty == false { continue }
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

    /// Spec AUTH, ORIGIN: the in-process reference server with authentication and an origin allow-list
    /// passes the whole catalogue run authenticated (a token for every user the kit invents, the AUTH
    /// and ORIGIN scenarios included); only JOIN-6's rebinding is skipped, as AUTH-5 forbids it.
    @Test func authenticatedReferenceServerPassesEveryScenario() async throws {
        let secret = Array("catalogue-test-secret".utf8)
        let fixture = try ReferenceServerFixture(
            authentication: AuthenticationConfiguration(secret: secret, leewaySeconds: 1), allowedOrigins: ["http://allowed.example"])
        defer { fixture.stop() }
        let options = RunnerOptions(
            seed: 7, authentication: KitAuthentication(secret: secret, leewaySeconds: 1), allowedOrigin: "http://allowed.example")
        let runner = ConformanceRunner(scenarios: ScenarioCatalog.all, options: options, target: BaseURLTarget(baseURL: fixture.baseURL))
        let report = await runner.run()
        var skipped: [String] = []
        for result in report.results where !result.verdict.didPass {
            if case .skipped = result.verdict {
                skipped.append(result.scenario.id)
                if !result.scenario.needs.isEmpty || result.scenario.id == "join/rebind" { continue }
            }
            Issue.record("\(result.scenario.id): \(result.verdict.label) \(result.verdict.reason ?? "") \(result.actual ?? "")")
        }
        #expect(skipped.contains("join/rebind"))
        let authenticationScenarios = report.results.filter { $0.scenario.area == .authentication || $0.scenario.id.hasPrefix("origin/") }
        #expect(authenticationScenarios.count == 9 && authenticationScenarios.allSatisfy { $0.verdict == .pass })
        #expect(report.exitStatus == .success)
    }
}
