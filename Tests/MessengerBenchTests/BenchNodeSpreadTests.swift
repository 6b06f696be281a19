import Testing
@testable import ConformanceKit
@testable import MessengerBench

/// How `conform bench --node …` spreads sessions and POST connections over the nodes: seeded, balanced,
/// and every user of enough sessions on every node (so fan-out crosses nodes).
@Suite struct BenchNodeSpreadTests {
    @Test func oneNodeTakesEverything() {
        let spread = BenchNodeSpread(nodeCount: 1, seed: 42)
        #expect((0..<50).allSatisfy { spread.node(user: $0, slot: $0 % 3) == 0 })
        #expect((0..<10).allSatisfy { spread.node(postConnection: $0) == 0 })
        #expect(spread.summary(users: 5, sessionsPerUser: 2, connections: 3).map(\.sessions) == [10])
    }

    @Test func everyUserHasASessionOnEveryNode() {
        let spread = BenchNodeSpread(nodeCount: 3, seed: 7)
        for user in 0..<200 {
            #expect(Set((0..<3).map { spread.node(user: user, slot: $0) }) == [0, 1, 2], "user \(user)")
        }
        // With two sessions per user on two nodes, each user has exactly one on each.
        let pair = BenchNodeSpread(nodeCount: 2, seed: 7)
        #expect((0..<200).allSatisfy { pair.node(user: $0, slot: 0) != pair.node(user: $0, slot: 1) })
    }

    @Test func sessionsAndPostConnectionsAreBalanced() {
        let spread = BenchNodeSpread(nodeCount: 2, seed: 99)
        let counts = spread.summary(users: 100, sessionsPerUser: 2, connections: 16)
        #expect(counts.map(\.sessions) == [100, 100])
        #expect(counts.map(\.postConnections) == [8, 8])
        // One session per user: the first nodes are drawn, so roughly (not exactly) half each.
        let single = spread.summary(users: 1_000, sessionsPerUser: 1, connections: 3).map(\.sessions)
        #expect(single.allSatisfy { (400...600).contains($0) }, "\(single)")
        #expect(spread.summary(users: 0, sessionsPerUser: 1, connections: 3).map(\.postConnections).sorted() == [1, 2])
    }

    @Test func theSpreadFollowsTheSeed() {
        func nodes(seed: UInt64) -> [Int] {
            let spread = BenchNodeSpread(nodeCount: 3, seed: seed)
            return (0..<40).map { spread.node(user: $0, slot: 0) } + (0..<3).map { spread.node(postConnection: $0) }
        }
        #expect(nodes(seed: 1) == nodes(seed: 1))
        #expect(nodes(seed: 1) != nodes(seed: 2))
        #expect(Set(nodes(seed: 1)) == [0, 1, 2])
    }
}
