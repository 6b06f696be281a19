import WireCodecs

/// Spec §7: durability, offline delivery, restart and crash.
enum DurabilityScenarios {
    static let all: [Scenario] = [offline, restart, crashAcknowledged, crashDelivered]

    static let offline = Scenario(
        id: "durability/offline",
        title: "Messages to a user with no session are stored and listed at the next join",
        area: .durability, requirements: ["DURABLE-4"], transports: [.webSocket], prerequisites: ["join/basic"]
    ) { context in
        let receiver = context.uniqueUser("offline"), sender = context.uniqueUser("sender")
        let (session, _) = try await context.joinedSession(context.label("before"), user: receiver)
        await session.close()
        var sent: [String] = []
        for _ in 0..<3 { sent.append(try await context.postAccepted(sender: sender, receiver: receiver, content: context.nonce()).sent.nonce) }
        let (_, history) = try await context.joinedSession(context.label("after"), user: receiver)
        try context.expectEqual(history.contents(with: sender) ?? [], sent, "messages listed after coming back online")
    }

    static let restart = Scenario(
        id: "durability/restart",
        title: "Messages answered 201 survive an orderly restart, exactly once",
        area: .durability, requirements: ["DURABLE-1"], transports: [.webSocket], prerequisites: ["join/basic"],
        isExclusive: true, needs: [.restart]
    ) { context in
        let receiver = context.uniqueUser("receiver"), sender = context.uniqueUser("sender")
        var sent: [PostResult] = []
        for _ in 0..<10 { sent.append(try await context.postAccepted(sender: sender, receiver: receiver, content: context.nonce())) }
        let operation = context.history.invoke(process: "target", .restart)
        try await context.target.restart()
        _ = context.history.ok(operation)
        let session = try await context.connect(context.label("after-restart"))
        _ = try await session.join(receiver)
        try context.expectCleanDelivery(sessions: [session], expected: "every acknowledged message once in all_messages after the restart")
    }

    /// Writers POST to one receiver while the target is crashed (kill -9) and restarted: four whose entry
    /// points are drawn, or one per element of `entryPoints` (nil: drawn) sending all its POSTs there.
    static func crashUnderLoad(_ context: ScenarioContext, receiver: String, entryPoints: [String?] = [nil, nil, nil, nil]) async throws -> [PostResult] {
        let accepted = SharedCounter()
        let stop = SharedFlag()
        let writers = entryPoints.enumerated().map { index, entryPoint in
            Task { () -> [PostResult] in
                let sender = context.uniqueUser("writer\(index)")
                let write = { () async -> [PostResult] in
                    var results: [PostResult] = []
                    while !stop.isSet {
                        guard let result = try? await context.post(sender: sender, receiver: receiver, content: context.nonce()) else { break }
                        results.append(result)
                        if result.status == 201 { accepted.increment() }
                        if result.status == nil { break }  // the server went away: this POST is indeterminate
                    }
                    return results
                }
                guard let entryPoint else { return await write() }
                return await context.on(entryPoint) { await write() }
            }
        }
        await accepted.wait(until: 100, deadline: ContinuousClock.now + context.timeout(.seconds(10)))
        let operation = context.history.invoke(process: "target", .crash)
        try await context.target.crash()
        _ = context.history.ok(operation)
        stop.set()
        var sent: [PostResult] = []
        for writer in writers { sent += await writer.value }
        guard sent.contains(where: { $0.status == 201 }) else {
            try context.inconclusive("no POST was acknowledged before the crash")
        }
        return sent
    }

    static let crashAcknowledged = Scenario(
        id: "durability/crash-acknowledged",
        title: "Every message answered 201 survives a kill -9 under load, exactly once",
        area: .durability, requirements: ["DURABLE-2"], transports: [.http, .webSocket], prerequisites: ["join/basic"],
        isExclusive: true, needs: [.crash]
    ) { context in
        let receiver = context.uniqueUser("receiver")
        let sent = try await crashUnderLoad(context, receiver: receiver)
        let session = try await context.connect(context.label("after-crash"))
        _ = try await session.join(receiver)
        try context.expectCleanDelivery(sessions: [session], expected: "every acknowledged message once in all_messages after kill -9 and restart")
    }

    static let crashDelivered = Scenario(
        id: "durability/crash-delivered",
        title: "Every message seen as new_message survives a kill -9 (delivery only after commit)",
        area: .durability, requirements: ["DURABLE-3"], transports: [.http, .webSocket], prerequisites: ["join/basic"],
        isExclusive: true, needs: [.crash]
    ) { context in
        let receiver = context.uniqueUser("receiver")
        let (watcher, _) = try await context.joinedSession(context.label("watcher"), user: receiver)
        _ = try await crashUnderLoad(context, receiver: receiver)
        let seen = watcher.newMessageContents
        let (_, history) = try await context.joinedSession(context.label("after-crash"), user: receiver)
        let stored = Set(history.allContents)
        let missing = seen.filter { !stored.contains($0) }
        try context.expect(missing.isEmpty, expected: "every message delivered as new_message before the crash listed after the restart",
                           actual: "\(missing.count) of \(seen.count) delivered messages missing, e.g. \(missing.prefix(3))", witnesses: [history.operation])
    }
}

/// Spec §8: disconnection.
enum DisconnectScenarios {
    static let all: [Scenario] = [socketIODisconnect, transportClose, heartbeatTimeout]

    static let socketIODisconnect = Scenario(
        id: "disconnect/socketio-disconnect",
        title: "After a Socket.IO DISCONNECT the session receives nothing; the user's other session does",
        area: .disconnect, requirements: ["DISCONNECT-1"], transports: [.webSocket, .polling], prerequisites: ["join/basic"]
    ) { context in
        let receiver = context.uniqueUser("receiver")
        let (leaving, _) = try await context.joinedSession(context.label("leaving"), user: receiver)
        let (staying, _) = try await context.joinedSession(context.label("staying"), user: receiver, transport: .polling)
        try await leaving.disconnect()
        // A barrier: the server reads one transport in order, so once it answers this CONNECT to an
        // unused namespace it has received the DISCONNECT (Spec DISCONNECT-1 counts from there).
        if !leaving.isClosed { _ = try? await leaving.connectNamespace("/conform-barrier-\(context.runToken)") }
        let countBefore = leaving.events.count
        let sent = try await context.postAccepted(sender: context.uniqueUser("sender"), receiver: receiver, content: context.nonce())
        try await context.flush([staying], user: receiver)
        // The staying session got the message and the sentinel; anything the server sent the leaving session
        // for them went out at the same time (same receiver, same commit).
        let after = leaving.events.dropFirst(countBefore)
        try context.expect(after.isEmpty, expected: "no event on the session after its DISCONNECT",
                           actual: "\(after.map { "\($0.name) \($0.arguments.map { JSONSerializer.serialize($0) })" })", witnesses: [sent.operation])
        try context.expect(staying.newMessageContents.contains(sent.sent.nonce), expected: "the other session still receives",
                           actual: "\(staying.newMessageContents)")
    }

    static let transportClose = Scenario(
        id: "disconnect/transport-close",
        title: "When one session's transport closes, the user's other sessions keep receiving",
        area: .disconnect, requirements: ["DISCONNECT-2"], transports: [.webSocket, .polling], prerequisites: ["join/basic"]
    ) { context in
        let receiver = context.uniqueUser("receiver"), sender = context.uniqueUser("sender")
        let (closingWebSocket, _) = try await context.joinedSession(context.label("closing-ws"), user: receiver)
        let (closingPolling, _) = try await context.joinedSession(context.label("closing-polling"), user: receiver, transport: .polling)
        let (first, _) = try await context.joinedSession(context.label("staying-ws"), user: receiver)
        let (second, _) = try await context.joinedSession(context.label("staying-polling"), user: receiver, transport: .polling)
        await closingWebSocket.close()
        await closingPolling.close()
        var sent: [PostResult] = []
        for _ in 0..<3 { sent.append(try await context.postAccepted(sender: sender, receiver: receiver, content: context.nonce())) }
        try await context.flush([first, second], user: receiver)
        try context.expectCleanDelivery(sessions: [first, second], expected: "the remaining sessions receive every message once")
    }

    static let heartbeatTimeout = Scenario(
        id: "disconnect/heartbeat-timeout",
        title: "A session closed for missed heartbeats receives nothing; the user's other session keeps receiving",
        area: .disconnect, requirements: ["DISCONNECT-3"], transports: [.webSocket], prerequisites: ["join/basic"],
        isHeartbeatBound: true
    ) { context in
        let receiver = context.uniqueUser("receiver")
        let silent = try await context.connect(context.label("silent"), autoPong: false)
        _ = try await silent.join(receiver)
        let (alive, _) = try await context.joinedSession(context.label("alive"), user: receiver)
        let limit = context.serverCycleLimit(silent.heartbeatPeriod)
        let wasClosed = await silent.waitUntilClosed(timeout: limit)
        try context.expect(wasClosed, expected: "the server closes the session that answers no ping within pingInterval + pingTimeout (\(KitFormat.duration(silent.heartbeatPeriod)))",
                           actual: "still open after \(KitFormat.duration(limit))")
        let sent = try await context.postAccepted(sender: context.uniqueUser("sender"), receiver: receiver, content: context.nonce())
        try await context.flush([alive], user: receiver)
        try context.expect(alive.newMessageContents.contains(sent.sent.nonce) && !silent.newMessageContents.contains(sent.sent.nonce),
                           expected: "the live session receives; the timed-out one does not",
                           actual: "alive \(alive.newMessageContents), silent \(silent.newMessageContents)", witnesses: [sent.operation])
    }
}
