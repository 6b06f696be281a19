import Synchronization
import WireCodecs

/// Building blocks the messenger-level scenarios share: joined sessions, accepted POSTs, and the
/// sentinel that proves nothing else arrived (no fixed sleeps anywhere).
extension ScenarioContext {
    /// The wait for one expected event (`new_message`, `all_messages`, an ack): 5 s × `--timeout-factor`.
    var eventTimeout: Duration { timeout(.seconds(5)) }

    /// Connects a session over `transport` and joins `user`; returns the session and its history.
    func joinedSession(_ label: String, user: String, transport: TransportKind = .webSocket) async throws -> (KitSession, AllMessages) {
        let session = try await connect(label, transport: transport, user: user)
        let history = try await session.join(user)
        return (session, history)
    }

    /// POSTs a message and fails the scenario unless it is answered 201 with `status: "success"` (Spec SEND-1).
    @discardableResult
    func postAccepted(sender: String, receiver: String, content: String) async throws -> PostResult {
        let result = try await post(sender: sender, receiver: receiver, content: content)
        guard let status = result.status else {
            try inconclusive("POST /messages got no answer in time", witnesses: [result.operation])
        }
        try expect(
            status == 201 && result.json?["status"] == .string("success"),
            expected: #"201 with a JSON object whose "status" is "success" (Spec SEND-1)"#,
            actual: "\(status) \(result.json.map { JSONSerializer.serialize($0) } ?? "(no JSON body)")",
            witnesses: [result.operation]
        )
        return result
    }

    /// POSTs a sentinel message to `user` from a fresh sender and waits until every session in
    /// `sessions` has received it as `new_message`. Whatever a session received before its sentinel is
    /// everything the server sent it in the meantime. Returns the sentinel's nonce.
    @discardableResult
    func flush(_ sessions: [KitSession], user: String) async throws -> String {
        let sentinel = "sentinel-" + nonce()
        let result = try await postAccepted(sender: uniqueUser("sentinel"), receiver: user, content: sentinel)
        for session in sessions {
            let arrived = await session.waitForEvent(timeout: eventTimeout) { event in
                event.name == "new_message" && event.arguments.first?["content"] == .string(sentinel)
            }
            try expect(
                arrived != nil,
                expected: "the sentinel new_message \(sentinel) on \(session.label) (Spec DELIVER-1)",
                actual: "nothing within \(eventTimeout) (events: \(session.events.map(\.name)))",
                witnesses: [result.operation]
            )
        }
        return sentinel
    }

    /// Fails unless the session of `receiver` got nothing but the sentinel before it, and a later join
    /// of `receiver` lists only the sentinel: what `because` names was neither delivered nor stored.
    func expectNothingStoredOrDelivered(_ session: KitSession, receiver: String, because: String) async throws {
        let sentinel = try await flush([session], user: receiver)
        try expect(session.newMessageContents == [sentinel],
                   expected: "no new_message before the sentinel: \(because) are not delivered",
                   actual: "new_message contents \(session.newMessageContents.map { String($0.prefix(40)) })")
        let (_, history) = try await joinedSession(label("rejoin"), user: receiver)
        try expect(history.allContents == [sentinel],
                   expected: "all_messages holds only the sentinel: \(because) are not stored",
                   actual: "\(history.allContents.map { String($0.prefix(40)) })", witnesses: [history.operation])
    }

    /// Runs the delivery checker over every message this scenario sent (sentinels included) and what
    /// the sessions observed, and fails with the findings (lost, duplicated, reordered, leaked…)
    /// unless the history is clean.
    func expectCleanDelivery(sessions: [KitSession], expected: String, lateBound: Duration? = nil) throws {
        let report = DeliveryChecker(lateBound: lateBound).check(sent: sentMessages, sessions: sessions.map { $0.observedSession() })
        try expectClean(report, expected: expected)
    }
}

extension KitSession {
    /// The contents of the `new_message` events received so far, in arrival order.
    var newMessageContents: [String] {
        events.filter { $0.name == "new_message" }.compactMap { $0.arguments.first?["content"]?.stringValue }
    }

    /// The names of the events received so far, in arrival order.
    var eventNames: [String] { events.map(\.name) }
}

extension AllMessages {
    /// The contents listed for `party`, in listed order; nil when the party has no conversation.
    func contents(with party: String) -> [String]? {
        conversations.first { $0.party == party }.map { $0.messages.map(\.content) }
    }

    /// Every content listed, in listed order.
    var allContents: [String] { conversations.flatMap { $0.messages.map(\.content) } }
}

/// ISO 8601 date-time (`2026-11-22T12:00:00Z`, `…T12:00:00.123+01:00`), as Spec SEND-5 requires.
enum ISO8601Check {
    static func isDateTime(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Bool {
            range.upperBound <= bytes.count && bytes[range].allSatisfy { $0 >= 48 && $0 <= 57 }
        }
        guard bytes.count >= 19, digits(0..<4), bytes[4] == 45, digits(5..<7), bytes[7] == 45, digits(8..<10),
              bytes[10] == 84 || bytes[10] == 116 || bytes[10] == 32, digits(11..<13), bytes[13] == 58, digits(14..<16),
              bytes[16] == 58, digits(17..<19)
        else { return false }
        var index = 19
        if index < bytes.count, bytes[index] == 46 {
            index += 1
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
            guard index > start else { return false }
        }
        if index == bytes.count { return true }  // local time without offset is still ISO 8601
        if bytes[index] == 90 || bytes[index] == 122 { return index + 1 == bytes.count }
        guard bytes[index] == 43 || bytes[index] == 45 else { return false }
        let rest = bytes.count - index - 1
        if rest == 5 { return digits(index + 1..<index + 3) && bytes[index + 3] == 58 && digits(index + 4..<index + 6) }
        if rest == 4 || rest == 2 { return digits(index + 1..<bytes.count) }
        return false
    }
}

/// A counter tasks of one scenario share (e.g. POSTs accepted so far), so a join or a crash can be
/// placed at a chosen point of a stream.
final class SharedCounter: Sendable {
    private let count = Mutex(0)

    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }

    /// Waits until the count reaches `target` (a condition polled every millisecond, not a fixed
    /// sleep), or until the deadline.
    func wait(until target: Int, deadline: ContinuousClock.Instant) async {
        while value < target, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(1)) }
    }
}

/// A flag tasks of one scenario share (e.g. "stop writing").
final class SharedFlag: Sendable {
    private let flag = Mutex(false)

    func set() { flag.withLock { $0 = true } }
    var isSet: Bool { flag.withLock { $0 } }
}
