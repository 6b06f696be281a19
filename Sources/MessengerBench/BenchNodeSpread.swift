import ConformanceKit

/// Which node of a deployment each bench session and POST connection uses (`conform bench --node URL
/// --node URL …`): seeded, balanced, and spread so that fan-out crosses nodes.
///
/// A user's session slots go round the nodes from a first node drawn from the seed, so a user with at
/// least as many sessions as there are nodes has one on every node, and whichever node takes a POST
/// for that user, some of its deliveries come from another node's commit. POST connections go round
/// the nodes from a node drawn from the seed too; a `send_message` enters at its session's node.
/// With one node everything is on node 0.
public struct BenchNodeSpread: Sendable, Equatable {
    public let nodeCount: Int
    public let seed: UInt64
    private let firstPostNode: Int

    public init(nodeCount: Int, seed: UInt64) {
        self.nodeCount = max(1, nodeCount)
        self.seed = seed
        self.firstPostNode = Int(SeededGenerator.derive(seed: seed, stream: "bench/posts") % UInt64(max(1, nodeCount)))
    }

    /// The node of session `slot` of `user`.
    public func node(user: Int, slot: Int) -> Int {
        guard nodeCount > 1 else { return 0 }
        let first = Int(SeededGenerator.derive(seed: seed, stream: "bench/user/\(user)") % UInt64(nodeCount))
        return (first + slot) % nodeCount
    }

    /// The node of POST connection `index`.
    public func node(postConnection index: Int) -> Int { (firstPostNode + index) % nodeCount }

    /// Sessions per node for `users` users of `sessionsPerUser` sessions, and POST connections per node
    /// for `connections` connections: the line a run prints and records.
    public func summary(users: Int, sessionsPerUser: Int, connections: Int) -> [(sessions: Int, postConnections: Int)] {
        var counts = [(sessions: Int, postConnections: Int)](repeating: (0, 0), count: nodeCount)
        for user in 0..<users {
            for slot in 0..<sessionsPerUser { counts[node(user: user, slot: slot)].sessions += 1 }
        }
        for index in 0..<connections { counts[node(postConnection: index)].postConnections += 1 }
        return counts
    }
}
