import WireCodecs

/// Spec §12: a deployment with several entry points (`conform --node` twice or more). Each session and
/// POST is sent to a node the scenario chooses (`ScenarioContext.on(_:_:)`), so every cross-node path is
/// taken, not just the ones a seeded draw happens to pick.
///
/// They have no prerequisite: under `--node` the basic scenarios are spread over the nodes too, so a
/// node that, say, delivers only its own POSTs fails `join/basic`, which would hide the scenario that
/// names the fault.
enum ClusterScenarios {
    static let all: [Scenario] = [crossNodeDelivery, sameOrderAcrossNodes, historyOrderAcrossNodes, databaseRestart, nodeCrash]

    static let crossNodeDelivery = Scenario(
        id: "cluster/cross-node-delivery",
        title: "A message POSTed on any node reaches the receiver's sessions on every node",
        area: .cluster, requirements: ["CLUSTER-1"], transports: [.http, .webSocket], needs: [.cluster]
    ) { context in
        let receiver = context.uniqueUser("receiver"), sender = context.uniqueUser("sender")
        let sessions = try await sessionOnEveryNode(context, user: receiver)
        for node in context.target.entryPoints {
            for _ in 0..<2 {
                try await context.on(node) { _ = try await context.postAccepted(sender: sender, receiver: receiver, content: context.nonce()) }
            }
        }
        try await flushFromEveryNode(context, sessions, user: receiver)
        try context.expectCleanDelivery(sessions: sessions, expected: "every message POSTed on any node once on the receiver's session on every node")
    }

    static let sameOrderAcrossNodes = Scenario(
        id: "cluster/same-order-across-nodes",
        title: "Sessions of one user on different nodes see the same order while every node takes POSTs at once",
        area: .cluster, requirements: ["CLUSTER-2"], transports: [.http, .webSocket], needs: [.cluster]
    ) { context in
        let (_, sessions) = try await concurrentWritersOnEveryNode(context)
        let orders = sessions.map(\.newMessageContents)
        try context.expect(orders.allSatisfy { $0 == orders[0] }, expected: "one order of new_message events on the sessions of every node",
                           actual: firstDifference(sessions))
        try context.expectCleanDelivery(sessions: sessions, expected: "every message once on each node's session, in one order")
    }

    static let historyOrderAcrossNodes = Scenario(
        id: "cluster/history-order-across-nodes",
        title: "The live order on every node agrees with a later all_messages on any node",
        area: .cluster, requirements: ["CLUSTER-3"], transports: [.http, .webSocket], needs: [.cluster]
    ) { context in
        let (receiver, sessions) = try await concurrentWritersOnEveryNode(context)
        var histories: [(node: String, history: AllMessages)] = []
        var later: [KitSession] = []
        for node in context.target.entryPoints {
            let (session, history) = try await context.on(node) { try await context.joinedSession(context.label("later"), user: receiver) }
            histories.append((node, history))
            later.append(session)
        }
        for session in sessions {
            for (node, history) in histories {
                let listed = history.allContents  // one sender: one conversation
                let position = Dictionary(listed.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
                let live = session.newMessageContents.filter { position[$0] != nil }
                let sorted = live.sorted { (position[$0] ?? 0) < (position[$1] ?? 0) }
                guard let index = live.indices.first(where: { live[$0] != sorted[$0] }) else { continue }
                try context.fail(
                    expected: ["\(session.label)'s new_message order as a later all_messages through \(node) lists it"],
                    actual: "live has \(live[index]) at position \(index) where all_messages has \(sorted[index])",
                    witnesses: [history.operation])
            }
        }
        try context.expectCleanDelivery(sessions: sessions + later, expected: "every message once on each node's session, in the order every all_messages lists")
    }

    static let databaseRestart = Scenario(
        id: "cluster/database-restart",
        title: "After the database restarts under load, every node delivers again: nothing accepted is lost or repeated",
        area: .cluster, requirements: ["CLUSTER-4"], transports: [.http, .webSocket],
        isExclusive: true, needs: [.cluster, .databaseRestart]
    ) { context in
        let receiver = context.uniqueUser("receiver")
        let sessions = try await sessionOnEveryNode(context, user: receiver)
        let accepted = SharedCounter()
        let stop = SharedFlag()
        let writers = context.target.entryPoints.enumerated().map { index, node in
            Task {
                await context.on(node) {
                    let sender = context.uniqueUser("writer\(index)")
                    while !stop.isSet {
                        // 503 while the database is away, or no answer: neither is accepted; keep writing.
                        guard let result = try? await context.post(sender: sender, receiver: receiver, content: context.nonce()) else { return }
                        if result.status == 201 { accepted.increment() } else { try? await Task.sleep(for: .milliseconds(20)) }
                    }
                }
            }
        }
        await accepted.wait(until: 30, deadline: ContinuousClock.now + context.timeout(.seconds(10)))
        let operation = context.history.invoke(process: "database", .restart)
        do {
            try await context.target.restartDatabase()
        } catch {
            stop.set()
            for writer in writers { await writer.value }
            throw error
        }
        _ = context.history.ok(operation)
        let acceptedBefore = accepted.value
        await accepted.wait(until: acceptedBefore + 30, deadline: ContinuousClock.now + context.timeout(.seconds(20)))
        stop.set()
        for writer in writers { await writer.value }
        try context.expect(accepted.value >= acceptedBefore + 30, expected: "POSTs accepted again after the database restart",
                           actual: "\(accepted.value - acceptedBefore) accepted in \(context.timeout(.seconds(20))) after it")
        for session in sessions {
            try context.expect(!session.isClosed, expected: "\(session.label) stays open through the database restart", actual: "closed")
        }
        // Every node must accept again, each after its own reconnection backoff (the others' 201s above
        // may all come from nodes that reconnected first): a 503 until then is allowed, not after 20 s.
        let sender = context.uniqueUser("probe")
        for node in context.target.entryPoints {
            try await context.on(node) {
                let deadline = ContinuousClock.now + context.timeout(.seconds(20))
                while true {
                    let result = try await context.post(sender: sender, receiver: receiver, content: context.nonce())
                    if result.status == 201 { break }
                    try context.expect(
                        ContinuousClock.now < deadline, expected: "\(node) accepts POSTs again within \(context.timeout(.seconds(20))) of the database restart",
                        actual: "still answered \(result.status.map(String.init) ?? "nothing")")
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
        }
        try await flushFromEveryNode(context, sessions, user: receiver)
        let later = try await context.on(context.target.entryPoints[0]) {
            try await context.joinedSession(context.label("after"), user: receiver).0
        }
        try context.expectCleanDelivery(sessions: sessions + [later], expected: "every message accepted before, during and after the restart once on every node's session, in history order")
    }

    static let nodeCrash = Scenario(
        id: "cluster/node-crash",
        title: "A node killed (kill -9) under load loses nothing the deployment acknowledged; every node lists it",
        area: .cluster, requirements: ["CLUSTER-5"], transports: [.http, .webSocket],
        isExclusive: true, needs: [.cluster, .crash]
    ) { context in
        let receiver = context.uniqueUser("receiver")
        // Two writers per node, each sending all its POSTs to its node: every node is busy when one dies.
        let writerNodes = context.target.entryPoints.flatMap { [$0, $0] }
        _ = try await DurabilityScenarios.crashUnderLoad(context, receiver: receiver, entryPoints: writerNodes)
        var sessions: [KitSession] = []
        for (index, node) in context.target.entryPoints.enumerated() {
            sessions.append(try await context.on(node) { try await context.joinedSession(context.label("after-crash-node\(index)"), user: receiver).0 })
        }
        try context.expectCleanDelivery(sessions: sessions, expected: "every acknowledged message once in all_messages through every node after kill -9 of one")
    }

    // MARK: Support

    /// One session of `user` on every node, joined.
    static func sessionOnEveryNode(_ context: ScenarioContext, user: String) async throws -> [KitSession] {
        var sessions: [KitSession] = []
        for (index, node) in context.target.entryPoints.enumerated() {
            sessions.append(try await context.on(node) { try await context.joinedSession(context.label("node\(index)"), user: user).0 })
        }
        return sessions
    }

    /// A sentinel POSTed on every node, each awaited on every session: whatever arrived before them is all.
    static func flushFromEveryNode(_ context: ScenarioContext, _ sessions: [KitSession], user: String) async throws {
        for node in context.target.entryPoints {
            try await context.on(node) { _ = try await context.flush(sessions, user: user) }
        }
    }

    /// A session of a fresh receiver on every node and two writers per node POSTing at once, all as one
    /// sender (so a later `all_messages` lists them in one conversation, in acceptance order).
    static func concurrentWritersOnEveryNode(_ context: ScenarioContext) async throws -> (receiver: String, sessions: [KitSession]) {
        let receiver = context.uniqueUser("receiver"), sender = context.uniqueUser("sender")
        let sessions = try await sessionOnEveryNode(context, user: receiver)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for node in context.target.entryPoints {
                for _ in 0..<2 {
                    group.addTask {
                        try await context.on(node) {
                            for _ in 0..<20 { try await context.postAccepted(sender: sender, receiver: receiver, content: context.nonce()) }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        try await flushFromEveryNode(context, sessions, user: receiver)
        return (receiver, sessions)
    }

    /// Where the sessions' orders first part, for the report.
    static func firstDifference(_ sessions: [KitSession]) -> String {
        let orders = sessions.map(\.newMessageContents)
        for (session, order) in zip(sessions, orders).dropFirst() where order != orders[0] {
            let index = zip(order, orders[0]).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(order.count, orders[0].count)
            return "\(sessions[0].label) and \(session.label) part at position \(index) of \(orders[0].count) and \(order.count) events"
        }
        return "one order"
    }
}
