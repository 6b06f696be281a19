import WireCodecs

/// Checks that the server still serves: a session receives a freshly POSTed message (Spec §9
/// "the server MUST keep serving every other session and connection").
extension ScenarioContext {
    /// POSTs a fresh message to `user` and fails unless `session` receives it as `new_message` within
    /// 5 s (scaled). `what` says what happened before, for the failure text.
    public func expectDelivery(to session: KitSession, user: String, after what: String, requirement: String) async throws {
        let nonce = nonce()
        let posted = try await post(sender: uniqueUser("probe-sender"), receiver: user, content: nonce)
        try expect(
            posted.status == 201, expected: "POST /messages answered 201 after \(what) (\(requirement))",
            actual: posted.status.map { "status \($0)" } ?? "no answer", witnesses: [posted.operation])
        let limit = timeout(.seconds(5))
        let event = await session.waitForEvent(timeout: limit) { event in
            event.name == "new_message" && event.arguments.first?["content"]?.stringValue == nonce
        }
        guard event != nil else {
            let state = session.isClosed ? "its session was closed (\(session.closeReason ?? "unknown"))" : "nothing within \(KitFormat.duration(limit))"
            try fail(
                expected: ["\(session.label) still receives new_message after \(what) (\(requirement))"], actual: state,
                witnesses: [posted.operation])
        }
    }

    /// Opens a fresh WebSocket session, joins a fresh user and checks it receives a POSTed message:
    /// the server still serves new sessions after `what`.
    public func probeLiveness(after what: String, requirement: String) async throws {
        let label = label("probe")
        let session: KitSession
        do {
            session = try await connect(label)
        } catch let failure as ScenarioFailure {
            try fail(expected: ["a new session still connects after \(what) (\(requirement))"], actual: failure.actual, witnesses: failure.witnesses)
        }
        let user = uniqueUser("probe")
        _ = try await session.join(user)
        try await expectDelivery(to: session, user: user, after: what, requirement: requirement)
        await session.close()
    }

    /// A session joined to a fresh user, opened before bad input to check afterwards that it was spared.
    public func bystander(_ prefix: String = "bystander", transport: TransportKind = .webSocket) async throws -> (session: KitSession, user: String) {
        let user = uniqueUser(prefix)
        let session = try await connect(label(prefix), transport: transport, user: user)
        _ = try await session.join(user)
        return (session, user)
    }

    /// Sleeps `duration` (scaled is up to the caller); ends early on cancellation.
    public func pause(_ duration: Duration) async {
        try? await Task.sleep(for: duration)
    }
}
