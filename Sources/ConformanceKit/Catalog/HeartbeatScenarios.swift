/// Engine.IO heartbeat scenarios (Spec §1 HEARTBEAT-1..3), timed by the pingInterval and pingTimeout
/// the server advertised: each wait ends one server cycle (pingInterval + pingTimeout) plus the kit's
/// grace after the event it counts from (`ScenarioContext.serverCycleLimit`). All are heartbeat-bound:
/// they run beside the rest of the catalogue, and each opens its sessions at once so their waits overlap.
public enum HeartbeatScenarios {
    public static let all: [Scenario] = [pingInterval, silentClientClosed, answeringClientKept]

    /// HEARTBEAT-1: pings come within pingInterval (grace pingTimeout), first and second.
    static let pingInterval = Scenario(
        id: "heartbeat/ping-interval", title: "The server pings an idle session within pingInterval",
        area: .heartbeat, requirements: ["HEARTBEAT-1"], transports: [.webSocket], prerequisites: ["transport/websocket-only"],
        isHeartbeatBound: true
    ) { context in
        let session = try await context.connect(context.label("idle"))
        let allowed = session.heartbeatPeriod + context.timeout(.milliseconds(250))
        // Each ping is waited for one server cycle (+ grace) after the handshake or the previous ping.
        let limit = context.serverCycleLimit(session.heartbeatPeriod)
        while session.pingTimes.count < 2, !session.isClosed, context.clock.now() - (session.pingTimes.last ?? session.openedAt) < limit {
            await context.pause(.milliseconds(20))
        }
        let times = session.pingTimes
        let starts = [session.openedAt] + times
        try context.expect(
            !times.isEmpty, expected: "an Engine.IO ping within pingInterval \(session.openPayload.pingInterval) ms (+ pingTimeout \(session.openPayload.pingTimeout) ms)",
            actual: session.isClosed ? "the session closed first (\(session.closeReason ?? "unknown"))"
                : "no ping within \(KitFormat.duration(limit))")
        try context.expect(
            times.count >= 2 || session.isClosed, expected: "a second ping within pingInterval (+ pingTimeout) of the first",
            actual: "none within \(KitFormat.duration(limit)) of the first")
        for (index, time) in times.prefix(2).enumerated() {
            let gap = time - starts[index]
            try context.expect(
                gap <= allowed, expected: "ping \(index + 1) at most \(KitFormat.duration(allowed)) after the \(index == 0 ? "handshake" : "previous ping")",
                actual: "it came after \(KitFormat.duration(gap))")
        }
    }

    /// HEARTBEAT-2: a client that never pongs is closed, on WebSocket and on polling (waited for at once).
    static let silentClientClosed = Scenario(
        id: "heartbeat/silent-client-closed", title: "A session that answers no ping is closed",
        area: .heartbeat, requirements: ["HEARTBEAT-2"], transports: [.webSocket, .polling],
        prerequisites: ["transport/websocket-only"], isHeartbeatBound: true
    ) { context in
        var sessions: [KitSession] = []
        for transport in [TransportKind.webSocket, .polling] {
            sessions.append(try await context.connect(context.label("silent"), transport: transport, autoPong: false))
        }
        let outcomes = await withTaskGroup(of: (Int, Bool, Duration).self) { group in
            for (index, session) in sessions.enumerated() {
                group.addTask {
                    let limit = context.serverCycleLimit(session.heartbeatPeriod)
                    return (index, await session.waitUntilClosed(timeout: limit), limit)
                }
            }
            var outcomes: [(Int, Bool, Duration)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes.sorted { $0.0 < $1.0 }
        }
        for (index, isClosed, limit) in outcomes {
            let session = sessions[index]
            try context.expect(
                isClosed, expected: "the \(session.transport.rawValue) session closed within pingInterval + pingTimeout of its last unanswered ping",
                actual: "still open after \(KitFormat.duration(limit)), \(session.pingsReceived) ping(s) unanswered")
        }
    }

    /// HEARTBEAT-3: a client that answers every ping stays open past pingInterval + pingTimeout.
    static let answeringClientKept = Scenario(
        id: "heartbeat/answering-client-kept", title: "A session that answers every ping stays open",
        area: .heartbeat, requirements: ["HEARTBEAT-3"], transports: [.webSocket, .polling],
        prerequisites: ["transport/websocket-only"], isHeartbeatBound: true
    ) { context in
        var sessions: [(KitSession, String)] = []
        for transport in [TransportKind.webSocket, .polling] {
            let session = try await context.connect(context.label("answering"), transport: transport)
            let user = context.uniqueUser("answering")
            _ = try await session.join(user)
            sessions.append((session, user))
        }
        // Past one whole cycle (and at least two and a half, when that is quicker than the grace): a
        // server that does not count pongs has closed both sessions by then.
        let first = sessions[0].0
        let wait = min(first.heartbeatPeriod * 2.5, context.serverCycleLimit(first.heartbeatPeriod))
        await context.pause(wait)
        for (session, user) in sessions {
            try context.expect(
                !session.isClosed, expected: "\(session.label) (\(session.transport.rawValue)) still open \(KitFormat.duration(wait)) after connecting, every ping answered",
                actual: "closed: \(session.closeReason ?? "unknown") after \(session.pingsReceived) ping(s)")
            try await context.expectDelivery(to: session, user: user, after: "\(KitFormat.duration(wait)) of answered pings", requirement: "HEARTBEAT-3")
        }
    }
}
