import WireCodecs

/// Spec §5: exactly once across a join.
enum ExactlyOnceScenarios {
    static let all: [Scenario] = [joinRace, acceptedBeforeJoin, afterHistory]

    static let joinRace = Scenario(
        id: "once/join-race",
        title: "Sessions joining during a stream of POSTs see every message exactly once, history first",
        area: .exactlyOnce, requirements: ["ONCE-1", "ONCE-2"], transports: [.webSocket, .polling], prerequisites: ["join/basic"]
    ) { context in
        let receiver = context.uniqueUser("receiver"), sender = context.uniqueUser("sender")
        let total = 60
        let transports: [TransportKind] = [.webSocket, .polling, .webSocket, .polling, .webSocket]
        var pending: [KitSession] = []
        for transport in transports { pending.append(try await context.connect(context.label("racer"), transport: transport)) }
        let joinPoints = transports.map { _ in context.randomInt(in: 0...(total - 10)) }.sorted()
        let progress = SharedCounter()
        let writer = Task { () throws -> [PostResult] in
            var sent: [PostResult] = []
            for _ in 0..<total {
                let result = try await context.post(sender: sender, receiver: receiver, content: context.nonce())
                sent.append(result)
                progress.increment()
            }
            return sent
        }
        let deadline = ContinuousClock.now + context.timeout(.seconds(30))
        var joined: [KitSession] = []
        for (session, point) in zip(pending, joinPoints) {
            await progress.wait(until: point, deadline: deadline)
            _ = try await session.join(receiver)
            joined.append(session)
        }
        let sent = try await writer.value
        try context.expect(sent.allSatisfy { $0.status == 201 }, expected: "every POST of the stream answered 201",
                           actual: "statuses \(Set(sent.map { $0.status.map(String.init) ?? "none" }))")
        try await context.flush(joined, user: receiver)
        try context.expectCleanDelivery(sessions: joined,
                                        expected: "each message to the receiver exactly once in all_messages plus the new_message events after it, all_messages first")
    }

    static let acceptedBeforeJoin = Scenario(
        id: "once/accepted-before-join",
        title: "A message answered 201 before the join is in that join's all_messages",
        area: .exactlyOnce, requirements: ["ONCE-3"], transports: [.webSocket, .polling], prerequisites: ["join/basic"]
    ) { context in
        for transport in [TransportKind.webSocket, .polling] {
            let receiver = context.uniqueUser("receiver")
            let session = try await context.connect(context.label(transport.rawValue), transport: transport)
            let sent = try await context.postAccepted(sender: context.uniqueUser("sender"), receiver: receiver, content: context.nonce())
            _ = try await session.join(receiver)
            try await context.flush([session], user: receiver)
            try context.expectCleanDelivery(sessions: [session], expected: "the message answered before the join listed in all_messages (\(transport.rawValue))")
            let history = session.observedSession().observations.first
            guard case .allMessages(let conversations)? = history?.event else {
                try context.fail(expected: ["all_messages first"], actual: "\(session.eventNames)")
            }
            try context.expect(conversations.values.contains { $0.contains(sent.sent.nonce) },
                               expected: "\(sent.sent.nonce) in all_messages", actual: "\(conversations)", witnesses: [sent.operation])
        }
    }

    static let afterHistory = Scenario(
        id: "once/after-history",
        title: "A message POSTed after all_messages arrived comes as new_message",
        // No prerequisite: join/basic's own flush is a message POSTed after all_messages, so gating this
        // scenario on it would hide every ONCE-4 failure behind a JOIN-1 failure.
        area: .exactlyOnce, requirements: ["ONCE-4"], transports: [.webSocket, .polling]
    ) { context in
        for transport in [TransportKind.webSocket, .polling] {
            let receiver = context.uniqueUser("receiver")
            let (session, _) = try await context.joinedSession(context.label(transport.rawValue), user: receiver, transport: transport)
            let sent = try await context.postAccepted(sender: context.uniqueUser("sender"), receiver: receiver, content: context.nonce())
            let arrived = await session.waitForEvent(timeout: context.eventTimeout) { $0.arguments.first?["content"] == .string(sent.sent.nonce) }
            try context.expect(arrived?.name == "new_message", expected: "new_message \(sent.sent.nonce) on \(transport.rawValue)",
                               actual: arrived.map(\.name) ?? "nothing within \(context.eventTimeout)", witnesses: [sent.operation])
        }
    }
}

/// Spec §6: ordering.
enum OrderingScenarios {
    static let all: [Scenario] = [livePerPair, historyPerPair, acrossSessions, historyAgrees]

    static let livePerPair = Scenario(
        id: "order/live-per-pair",
        title: "Messages of one pair arrive as new_message in POST order on every session",
        area: .ordering, requirements: ["ORDER-1"], transports: [.webSocket, .polling], prerequisites: ["join/basic"]
    ) { context in
        let receiver = context.uniqueUser("receiver"), sender = context.uniqueUser("sender")
        let (first, _) = try await context.joinedSession(context.label("ws"), user: receiver)
        let (second, _) = try await context.joinedSession(context.label("polling"), user: receiver, transport: .polling)
        var sent: [PostResult] = []
        for _ in 0..<30 { sent.append(try await context.postAccepted(sender: sender, receiver: receiver, content: context.nonce())) }
        try await context.flush([first, second], user: receiver)
        for session in [first, second] {
            let order = session.newMessageContents.filter { !$0.hasPrefix("sentinel-") }
            try context.expectEqual(order, sent.map(\.sent.nonce), "new_message order on \(session.label)")
        }
    }

    static let historyPerPair = Scenario(
        id: "order/history-per-pair",
        title: "Messages of one pair are listed in POST order in a later all_messages",
        area: .ordering, requirements: ["ORDER-2"], transports: [.webSocket], prerequisites: ["join/basic"]
    ) { context in
        let receiver = context.uniqueUser("receiver"), sender = context.uniqueUser("sender")
        var sent: [String] = []
        for _ in 0..<30 { sent.append(try await context.postAccepted(sender: sender, receiver: receiver, content: context.nonce()).sent.nonce) }
        let (_, history) = try await context.joinedSession(context.label("receiver"), user: receiver)
        try context.expectEqual(history.contents(with: sender) ?? [], sent, "listed order of the pair's messages")
    }

    /// Three senders POST concurrently (each in sequence) to one receiver with three sessions.
    static func concurrentWorkload(_ context: ScenarioContext) async throws -> (receiver: String, sessions: [KitSession], sent: [PostResult]) {
        let receiver = context.uniqueUser("receiver")
        var sessions: [KitSession] = []
        for transport in [TransportKind.webSocket, .polling, .webSocket] {
            sessions.append(try await context.joinedSession(context.label(transport.rawValue), user: receiver, transport: transport).0)
        }
        let sent = try await withThrowingTaskGroup(of: [PostResult].self) { group in
            for index in 0..<3 {
                let sender = context.uniqueUser("sender\(index)")
                group.addTask {
                    var results: [PostResult] = []
                    for _ in 0..<15 { results.append(try await context.postAccepted(sender: sender, receiver: receiver, content: context.nonce())) }
                    return results
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        try await context.flush(sessions, user: receiver)
        return (receiver, sessions, sent)
    }

    static let acrossSessions = Scenario(
        id: "order/across-sessions",
        title: "All sessions of one receiver see new_message events in the same order",
        area: .ordering, requirements: ["ORDER-3"], transports: [.webSocket, .polling], prerequisites: ["join/basic"]
    ) { context in
        let (_, sessions, sent) = try await concurrentWorkload(context)
        let orders = sessions.map(\.newMessageContents)
        try context.expect(orders.allSatisfy { $0 == orders[0] }, expected: "one order of new_message events on every session",
                           actual: sessions.map { "\($0.label): \($0.newMessageContents.prefix(8))…" }.joined(separator: "; "))
        try context.expectCleanDelivery(sessions: sessions, expected: "every message once on each session, in one order")
    }

    static let historyAgrees = Scenario(
        id: "order/history-agrees",
        title: "The order of new_message events agrees with a later all_messages",
        area: .ordering, requirements: ["ORDER-4"], transports: [.webSocket, .polling], prerequisites: ["join/basic"]
    ) { context in
        let (receiver, sessions, _) = try await concurrentWorkload(context)
        let (_, history) = try await context.joinedSession(context.label("later"), user: receiver)
        let listed = history.conversations.flatMap { conversation in conversation.messages.map(\.content) }
        let position = Dictionary(listed.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        for session in sessions {
            for party in history.conversations.map(\.party) {
                let inConversation = Set(history.contents(with: party) ?? [])
                let live = session.newMessageContents.filter { inConversation.contains($0) }
                let sorted = live.sorted { (position[$0] ?? 0) < (position[$1] ?? 0) }
                try context.expect(live == sorted, expected: "the order of \(session.label)'s new_message events from \(party) as listed in all_messages",
                                   actual: "live \(live.prefix(6))…, listed \(sorted.prefix(6))…", witnesses: [history.operation])
            }
        }
    }
}
