import Synchronization

/// One deployment with several entry points (`conform --node URL --node URL …`): the scenarios' sessions
/// and POSTs are spread over `nodes` (`ScenarioContext.entryPoint(for:)`). Restart and crash commands
/// name the node with `{node}`; each call acts on the next node in turn, the others keep running.
public final class ClusterTarget: ServerTarget {
    public let nodes: [String]
    private let nodeTargets: [URLTarget]
    private let turn = Mutex(0)
    private let databaseRestartCommand: String?
    private let startTimeout: Duration

    /// `nodes` must not be empty; `{node}` in a command is replaced by the node's URL.
    /// `databaseRestartCommand` restarts the deployment's database (`--database-restart-command`).
    public init(
        nodes: [String], restartCommand: String? = nil, crashCommand: String? = nil, databaseRestartCommand: String? = nil,
        startTimeout: Duration = .seconds(10)
    ) {
        self.nodes = nodes
        self.databaseRestartCommand = databaseRestartCommand
        self.startTimeout = startTimeout
        self.nodeTargets = nodes.map { node in
            URLTarget(
                baseURL: node, restartCommand: restartCommand.map { Self.substitute(node, in: $0) },
                crashCommand: crashCommand.map { Self.substitute(node, in: $0) }, startTimeout: startTimeout)
        }
    }

    public var baseURL: String { nodes[0] }

    public var entryPoints: [String] { nodes }

    public var capabilities: Set<Capability> {
        var capabilities = nodeTargets.first?.capabilities ?? []
        if nodes.count > 1 { capabilities.insert(.cluster) }
        if databaseRestartCommand != nil { capabilities.insert(.databaseRestart) }
        return capabilities
    }

    public func restart() async throws { try await nextNode().restart() }

    public func crash() async throws { try await nextNode().crash() }

    /// Runs `--database-restart-command`, then waits until the first node answers HTTP again (the nodes
    /// keep running; whether they deliver again is what the scenarios check).
    public func restartDatabase() async throws {
        guard let databaseRestartCommand else {
            throw ScenarioInconclusive("the run cannot restart the database (needs \(Capability.databaseRestart.option))")
        }
        try await URLTarget.run(databaseRestartCommand, what: "database restart", baseURL: baseURL, startTimeout: startTimeout)
    }

    /// `command` with every `{node}` replaced by `node`.
    static func substitute(_ node: String, in command: String) -> String {
        command.split(separator: "{node}", omittingEmptySubsequences: false).joined(separator: node)
    }

    private func nextNode() -> URLTarget {
        turn.withLock { turn in
            defer { turn += 1 }
            return nodeTargets[turn % nodeTargets.count]
        }
    }
}
