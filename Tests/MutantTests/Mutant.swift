import ConformanceKit
import MessageStore
import ReferenceServer

/// A deliberately broken server: the reference server with exactly one fault injected through
/// `ServerHooks`, the requirements that fault breaks, and the verdicts the catalogue must give it.
struct Mutant: Sendable, CustomStringConvertible {
    /// What the catalogue must say about one scenario (every scenario not listed must pass).
    enum Outcome: String, Sendable, Comparable {
        case fail = "FAIL"
        case skip = "SKIP"

        static func < (lhs: Outcome, rhs: Outcome) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// Stable name, e.g. `drop-second-session`.
    var name: String
    /// The way a real server goes wrong, in one sentence.
    var fault: String
    /// The Spec requirements the fault breaks (those it is meant to prove the kit catches).
    var breaks: [String]
    /// Scenario ID → expected verdict: the failures, and the skips of their dependants.
    var expected: [String: Outcome]
    /// Scenarios that may fail or pass: collateral whose outcome depends on timing (documented per mutant).
    var mayFail: Set<String>
    /// Scenarios run at once; 1 for faults that spill over to every session open at the time.
    var concurrency: Int
    /// Runs the server with authentication and an origin allow-list, and the kit with the secret
    /// (the AUTH and ORIGIN scenarios run, JOIN-6's rebinding is skipped); otherwise those are skipped.
    var isAuthenticated: Bool
    /// Builds the hooks for one run (fresh state each time).
    var hooks: @Sendable (MutantWorld) -> ServerHooks
    /// A fault of a clustered deployment: how each node's store is made on the run's database URL. Such a
    /// mutant runs as three nodes on one throwaway PostgreSQL (`ClusterMutantTarget`), and only the
    /// CLUSTER scenarios run against it (the whole catalogue through three nodes is `ClusterMutantTests`).
    var clusterStore: ClusterStore?

    typealias ClusterStore = @Sendable (_ url: String, _ configuration: StoreConfiguration) throws(StorageError) -> any ServerMessageStore

    var isCluster: Bool { clusterStore != nil }

    init(
        _ name: String, fault: String, breaks: [String], fails: [String], skips: [String] = [], mayFail: [String] = [],
        concurrency: Int = 4, isAuthenticated: Bool = false,
        hooks: @escaping @Sendable (MutantWorld) -> ServerHooks = { _ in ServerHooks() }, clusterStore: ClusterStore? = nil
    ) {
        self.clusterStore = clusterStore
        self.mayFail = Set(mayFail)
        self.concurrency = concurrency
        self.isAuthenticated = isAuthenticated
        self.name = name
        self.fault = fault
        self.breaks = breaks
        var expected: [String: Outcome] = [:]
        for id in fails { expected[id] = .fail }
        for id in skips { expected[id] = .skip }
        self.expected = expected
        self.hooks = hooks
    }

    var description: String { name }

    /// The verdict of a scenario the mutant lists nothing for: PASS, or SKIP when the run cannot or
    /// must not run it (AUTH and ORIGIN scenarios without authentication, JOIN-6 with it).
    func defaultOutcome(of scenario: Scenario) -> String {
        let capabilities = Mutant.capabilities(isAuthenticated: isAuthenticated, isCluster: isCluster)
        return ConformanceRunner.capabilityReason(scenario, capabilities: capabilities) == nil ? "PASS" : Outcome.skip.rawValue
    }

    static func capabilities(isAuthenticated: Bool, isCluster: Bool = false) -> Set<Capability> {
        if isCluster { return [.restart, .crash, .cluster, .databaseRestart] }
        return isAuthenticated ? [.restart, .crash, .storageFault, .authentication, .originAllowList] : [.restart, .crash, .storageFault]
    }

    /// The scenarios a mutant's run executes: the whole catalogue, or for a cluster mutant the CLUSTER ones.
    var scenarios: [Scenario] { isCluster ? ScenarioCatalog.all.filter { $0.area == .cluster } : ScenarioCatalog.all }

    /// The secret, leeway and allowed origin of authenticated mutant runs.
    static let secret = Array("mutant-shared-secret".utf8)
    static let leewaySeconds = 1
    static let allowedOrigin = "http://allowed.example"
}

/// What a mutant's hooks may reach beyond the server: the run's stores, for crash modelling.
final class MutantWorld: Sendable {
    let stores = MemoryStoreRegistry()
}
