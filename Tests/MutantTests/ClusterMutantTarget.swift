import ConformanceKit
import MessageStore
import PostgreSQLTestServer
import ReferenceServer
import Synchronization

/// A clustered deployment carrying one fault, in this process: `nodeCount` reference-server nodes on
/// 127.0.0.1 sharing one database of a private throwaway PostgreSQL (private, because the
/// database-restart scenario stops and starts it). Each node's store comes from the mutant.
///
/// Restart: the node stops and starts again on its port. Crash (an in-process node cannot be killed with
/// `kill -9`): PostgreSQL ends the node's backends first (`pg_terminate_backend` on its
/// `application_name`), so its open transaction rolls back as the death of the process would make it,
/// then the node stops and starts again. Database restart: `pg_ctl stop -m fast`, then start.
final class ClusterMutantTarget: MutantTarget {
    let nodes: [String]
    private let database: ThrowawayPostgreSQL
    private let configurations: [ServerConfiguration]
    private let servers: Mutex<[ReferenceServer]>
    private let turn = Mutex(0)

    init(nodeCount: Int, makeStore: @escaping Mutant.ClusterStore) throws {
        let database = try ThrowawayPostgreSQL()
        self.database = database
        do {
            let url = try database.makeDatabase()
            var configurations: [ServerConfiguration] = []
            var servers: [ReferenceServer] = []
            for index in 0..<nodeCount {
                let nodeURL = url + "&application_name=" + Self.applicationName(index)
                var hooks = ServerHooks()
                hooks.makeStore = { _, configuration throws(StorageError) in try makeStore(nodeURL, configuration) }
                var configuration = ServerConfiguration(
                    port: 0, postgresURL: nodeURL, pingInterval: 300, pingTimeout: 4_000, logLevel: .error, hooks: hooks)
                let server = try ReferenceServer.start(configuration: configuration)
                configuration.port = server.port
                configurations.append(configuration)
                servers.append(server)
            }
            self.configurations = configurations
            self.servers = Mutex(servers)
            self.nodes = servers.map(\.baseURL)
        } catch {
            database.destroy()
            throw error
        }
    }

    var baseURL: String { nodes[0] }

    var entryPoints: [String] { nodes }

    func restart() async throws { try await cycle(node: nextNode(), isCrash: false) }

    func crash() async throws { try await cycle(node: nextNode(), isCrash: true) }

    func restartDatabase() async throws {
        let database = self.database
        let restarted: Result<Void, any Error> = await offThePool {
            Result {
                try database.stop(mode: "fast")
                try database.start()
            }
        }
        if case .failure(let error) = restarted { throw ScenarioInconclusive("the throwaway PostgreSQL did not restart: \(error)") }
    }

    func stop() async {
        let current = servers.withLock { $0 }
        let database = self.database
        await offThePool {
            current.forEach { $0.stop() }
            database.destroy()
        }
    }

    private static func applicationName(_ index: Int) -> String { "mutant-node-\(index)" }

    private func nextNode() -> Int {
        turn.withLock { turn in
            defer { turn += 1 }
            return turn % nodes.count
        }
    }

    private func cycle(node: Int, isCrash: Bool) async throws {
        let configuration = configurations[node]
        let database = self.database
        let old = servers.withLock { $0[node] }
        let started: Result<ReferenceServer, any Error> = await offThePool {
            if isCrash {
                _ = try? database.psql(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '\(Self.applicationName(node))'")
            }
            old.stop()
            return Result { try ReferenceServer.start(configuration: configuration) }
        }
        switch started {
        case .success(let new): servers.withLock { $0[node] = new }
        case .failure(let error): throw ScenarioInconclusive("the mutant node did not start again: \(error)")
        }
    }
}
