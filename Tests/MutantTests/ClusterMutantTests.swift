import ConformanceKit
import MessageStore
import PostgreSQLTestServer
import ReferenceServer
import Testing

/// Clustered deployments with one fault (docs/cluster.md): three reference-server nodes on one
/// throwaway PostgreSQL database, the whole catalogue through `ClusterTarget` (`conform --node ×3`),
/// which must fail (the CLUSTER scenarios skipped: this run grants no capability). The cluster mutants
/// of `MutantCatalog` (`Mutants+Cluster.swift`) run the CLUSTER scenarios with exact expectations.
@Suite(.serialized) struct ClusterMutantTests {
    /// How a node's store is made: a fault of the deployment.
    struct ClusterMutant: Sendable, CustomStringConvertible {
        var name: String
        var makeStore: @Sendable (_ url: String, _ configuration: StoreConfiguration) throws(StorageError) -> any ServerMessageStore
        var description: String { name }
    }

    static let mutants = [
        ClusterMutant(name: "delivers-only-own-posts") { url, configuration throws(StorageError) in
            var configuration = configuration
            configuration.otherNodeCommitted = { _ in }
            return try PostgreSQLMessageStore(url: url, configuration: configuration)
        },
        ClusterMutant(name: "acknowledges-before-commit") { url, configuration throws(StorageError) in
            try PostgreSQLMessageStore(url: url, configuration: configuration, faults: PostgreSQLStoreFaults(acknowledgesBeforeCommit: true))
        },
    ]

    @Test(arguments: mutants)
    func catalogueThroughThreeNodesCatchesIt(_ mutant: ClusterMutant) async throws {
        try await withThrowawayPostgreSQL { server in
            let url = try server.makeDatabase()
            var hooks = ServerHooks()
            hooks.makeStore = { _, configuration throws(StorageError) in try mutant.makeStore(url, configuration) }
            let nodes = try (0..<3).map { _ in
                try ReferenceServer.start(configuration: ServerConfiguration(
                    port: 0, postgresURL: url, pingInterval: 300, pingTimeout: 10_000, logLevel: .error, hooks: hooks))
            }
            defer { nodes.forEach { $0.stop() } }
            let runner = ConformanceRunner(
                scenarios: ScenarioCatalog.all, options: RunnerOptions(seed: 7, scenarioTimeout: .seconds(30)),
                target: ClusterTarget(nodes: nodes.map(\.baseURL)))
            let report = await runner.run()
            let failed = report.results.filter { $0.verdict == .fail }.map(\.scenario.id)
            print("cluster mutant \(mutant.name): failed \(failed.joined(separator: ", "))")
            #expect(!failed.isEmpty, "the catalogue through three nodes catches \(mutant.name)")
        }
    }
}
