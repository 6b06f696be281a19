import Foundation
import MessageStore
import PostgreSQLTestServer
import ReferenceServer
import Testing
@testable import ConformanceKit

/// `ClusterTarget` (`conform --node`) and the catalogue run against several reference-server nodes on
/// one PostgreSQL database (docs/cluster.md).
@Suite(.serialized) struct ClusterTargetTests {
    @Test func commandsNameTheirNode() {
        #expect(ClusterTarget.substitute("http://127.0.0.1:5001", in: "restart {node} && wait {node}")
            == "restart http://127.0.0.1:5001 && wait http://127.0.0.1:5001")
        #expect(ClusterTarget.substitute("http://a", in: "no placeholder") == "no placeholder")
    }

    @Test func entryPointsAreSpreadAndSeeded() {
        let target = ClusterTarget(nodes: ["http://a:1", "http://b:2", "http://c:3"])
        func draws(seed: UInt64) -> [String] {
            let context = ScenarioContext(scenarioID: "cluster/test", seed: seed, runToken: "t", target: target)
            return (0..<30).map { context.entryPoint(for: "s\($0)") }
        }
        #expect(Set(draws(seed: 1)) == Set(target.nodes))
        #expect(draws(seed: 1) == draws(seed: 1))
        #expect(draws(seed: 1) != draws(seed: 2))
        let single = ScenarioContext(scenarioID: "x", seed: 1, runToken: "t", target: BaseURLTarget(baseURL: "http://only:1"))
        #expect(single.entryPoint(for: "s") == "http://only:1")
    }

    @Test func optionsTakeRepeatedNodes() throws {
        let options = try ConformOptions.parse(["--node", "http://127.0.0.1:1/", "--node", "http://127.0.0.1:2"])
        #expect(options.nodes == ["http://127.0.0.1:1", "http://127.0.0.1:2"])
        #expect(throws: ConformUsageError.self) { try ConformOptions.parse(["http://127.0.0.1:3", "--node", "http://127.0.0.1:1"]) }
    }

    /// `conform --node ×3` against three reference-server nodes on one PostgreSQL database: every
    /// scenario passes (restart and crash need processes: `ConformCommandTests`).
    @Test func threePostgreSQLNodesPassEveryScenario() async throws {
        try await withThrowawayPostgreSQL { server in
            let url = try server.makeDatabase()
            let nodes = try (0..<3).map { _ in
                try ReferenceServer.start(configuration: ServerConfiguration(
                    port: 0, postgresURL: url, pingInterval: 300, pingTimeout: 10_000, logLevel: .error))
            }
            defer { nodes.forEach { $0.stop() } }
            let target = ClusterTarget(nodes: nodes.map(\.baseURL))
            #expect(target.capabilities == [.cluster])
            // The kit's timeouts scaled by 4, like the other live tests: the suite's parallel load (browsers,
            // mutants) once starved a 5 s wait here in CI.
            let runner = ConformanceRunner(
                scenarios: ScenarioCatalog.all, options: RunnerOptions(seed: 7, timeoutFactor: 4, capabilities: target.capabilities), target: target)
            let report = await runner.run()
            let clusterPassed = report.results.filter { $0.scenario.area == .cluster && $0.verdict.didPass }.map(\.scenario.id)
            #expect(clusterPassed.count == 3, "the CLUSTER scenarios that need no restart ran and passed: \(clusterPassed)")
            for result in report.results where !result.verdict.didPass {
                if case .skipped = result.verdict, !result.scenario.needs.isEmpty { continue }
                Issue.record("\(result.scenario.id): \(result.verdict.label) \(result.verdict.reason ?? "") \(result.actual ?? "")")
            }
            #expect(report.exitStatus == .success)
        }
    }

    /// `--database-restart-command` restarting a private throwaway PostgreSQL under three nodes: the
    /// nodes answer 503 while it is away, keep their sessions, then deliver everything accepted once, in
    /// order (CLUSTER-4).
    @Test func databaseRestartUnderLoadLosesAndRepeatsNothing() async throws {
        try await withThrowawayPostgreSQL(isPrivate: true) { server in
            let url = try server.makeDatabase()
            let nodes = try (0..<3).map { _ in
                try ReferenceServer.start(configuration: ServerConfiguration(
                    port: 0, postgresURL: url, pingInterval: 300, pingTimeout: 10_000, logLevel: .error))
            }
            defer { nodes.forEach { $0.stop() } }
            let target = ClusterTarget(nodes: nodes.map(\.baseURL), databaseRestartCommand: server.restartCommand(), startTimeout: .seconds(60))
            #expect(target.capabilities == [.cluster, .databaseRestart])
            let runner = ConformanceRunner(
                scenarios: ScenarioCatalog.all, options: RunnerOptions(filters: ["cluster/database-restart"], seed: 7, capabilities: target.capabilities),
                target: target)
            let report = await runner.run()
            let result = try #require(report.results.first { $0.scenario.id == "cluster/database-restart" })
            #expect(result.verdict.didPass, "\(result.verdict.label) \(result.verdict.reason ?? "") \(result.actual ?? "")")
        }
    }
}
