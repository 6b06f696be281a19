/// Engine.IO heartbeat scenarios (Spec §1 HEARTBEAT-1..3), timed by the advertised pingInterval and
/// pingTimeout, each wait capped at pingInterval + pingTimeout + 2 s (scaled).
public enum HeartbeatScenarios {
    public static let all: [Scenario] = [pingInterval, silentClientClosed, answeringClientKept]

    /// pingInterval + pingTimeout of a session.
    static func period(_ session: KitSession) -> Duration {
        .milliseconds(session.openPayload.pingInterval + session.openPayload.pingTimeout)
    }

    /// How long the kit waits for a heartbeat outcome.
    static func cap(_ context: ScenarioContext, _ session: KitSession) -> Duration {
        context.timeout(period(session) + .seconds(2))
    }

    /// HEARTBEAT-1: pings come within pingInterval (grace pingTimeout), first and second.
    static let pingInterval = Scenario(
        id: "heartbeat/ping-interval", title: "The server pings an idle session within pingInterval",
        area: .heartbeat, requirements: ["HEARTBEAT-1"], transports: [.webSocket], prerequisites: ["transport/websocket-only"]
    ) { context in
        let session = try await context.connect(context.label("idle"))
        let allowed = period(session) + context.timeout(.milliseconds(250))
        let deadline = ContinuousClock.now + cap(context, session)
        while session.pingTimes.count < 2, !session.isClosed, ContinuousClock.now < deadline {
            await context.pause(.milliseconds(20))
        }
        let times = session.pingTimes
        let starts = [session.openedAt] + times
        try context.expect(
            !times.isEmpty, expected: "an Engine.IO ping within pingInterval \(session.openPayload.pingInterval) ms (+ pingTimeout \(session.openPayload.pingTimeout) ms)",
            actual: session.isClosed ? "the session closed first (\(session.closeReason ?? "unknown"))" : "no ping within \(KitFormat.duration(cap(context, session)))")
        for (index, time) in times.prefix(2).enumerated() {
            let gap = time - starts[index]
            try context.expect(
                gap <= allowed, expected: "ping \(index + 1) at most \(KitFormat.duration(allowed)) after the \(index == 0 ? "handshake" : "previous ping")",
                actual: "it came after \(KitFormat.duration(gap))")
        }
    }

    /// HEARTBEAT-2: a client that never pongs is closed.
    static let silentClientClosed = Scenario(
        id: "heartbeat/silent-client-closed", title: "A session that answers no ping is closed",
        area: .heartbeat, requirements: ["HEARTBEAT-2"], transports: [.webSocket, .polling], prerequisites: ["heartbeat/ping-interval"]
    ) { context in
        for transport in [TransportKind.webSocket, .polling] {
            let session = try await context.connect(context.label("silent"), transport: transport, autoPong: false)
            let limit = cap(context, session)
            let isClosed = await session.waitUntilClosed(timeout: limit)
            try context.expect(
                isClosed, expected: "the \(transport.rawValue) session closed within pingInterval + pingTimeout of its last unanswered ping",
                actual: "still open after \(KitFormat.duration(limit)), \(session.pingsReceived) ping(s) unanswered")
        }
    }

    /// HEARTBEAT-3: a client that answers every ping stays open well past pingInterval + pingTimeout.
    static let answeringClientKept = Scenario(
        id: "heartbeat/answering-client-kept", title: "A session that answers every ping stays open",
        area: .heartbeat, requirements: ["HEARTBEAT-3"], transports: [.webSocket, .polling], prerequisites: ["heartbeat/ping-interval"]
    ) { context in
        var sessions: [(KitSession, String)] = []
        for transport in [TransportKind.webSocket, .polling] {
            let session = try await context.connect(context.label("answering"), transport: transport)
            let user = context.uniqueUser("answering")
            _ = try await session.join(user)
            sessions.append((session, user))
        }
        let first = sessions[0].0
        let wait = min(period(first) * 2.5, cap(context, first))
        await context.pause(wait)
        for (session, user) in sessions {
            try context.expect(
                !session.isClosed, expected: "\(session.label) (\(session.transport.rawValue)) still open \(KitFormat.duration(wait)) after connecting, every ping answered",
                actual: "closed: \(session.closeReason ?? "unknown") after \(session.pingsReceived) ping(s)")
            try await context.expectDelivery(to: session, user: user, after: "\(KitFormat.duration(wait)) of answered pings", requirement: "HEARTBEAT-3")
        }
    }
}
