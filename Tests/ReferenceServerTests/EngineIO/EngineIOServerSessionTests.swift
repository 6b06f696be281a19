import Testing
import WireCodecs
@testable import ReferenceServer

/// A fake clock: milliseconds since the session opened.
private func at(_ milliseconds: Int64) -> EngineIOInstant { EngineIOInstant(milliseconds: milliseconds) }

private let configuration = EngineIOServerConfiguration(
    pingInterval: 300, pingTimeout: 200, maxPayload: 100, upgrades: [.webSocket], upgradeTimeout: 1_000, closeTimeout: 5_000
)

/// Opens a polling session at t=0 and checks the handshake answer.
private func openPolling() -> EngineIOServerSession {
    let (session, actions) = EngineIOServerSession.open(sid: "abc", transport: .polling, configuration: configuration, now: at(0))
    let payload = EngineIOOpenPayload(sid: "abc", upgrades: ["websocket"], pingInterval: 300, pingTimeout: 200, maxPayload: 100)
    #expect(actions == [.respondToPoll([.open(payload)]), .scheduleTimer(at: at(300))])
    return session
}

/// Polling byte count of a text message, as a caller with the codec would pass it.
private func size(_ text: String) -> Int { 1 + text.utf8.count }

@Suite struct EngineIOServerSessionTests {
    // MARK: Handshake

    @Test func webSocketHandshakeWritesOpenWithoutUpgrades() {
        let (session, actions) = EngineIOServerSession.open(sid: "w", transport: .webSocket, configuration: configuration, now: at(10))
        let payload = EngineIOOpenPayload(sid: "w", upgrades: [], pingInterval: 300, pingTimeout: 200, maxPayload: 100)
        #expect(actions == [.writeToWebSocket(.open(payload)), .scheduleTimer(at: at(310))])
        #expect(session.transport == .webSocket)
        #expect(session.nextDeadline == at(310))
    }

    // MARK: Polling queue

    @Test func emptyQueueHoldsThePollAndASendReleasesIt() {
        var session = openPolling()
        #expect(session.onPollRequest(now: at(1)) == [.holdPoll])
        #expect(session.hasPendingPoll)
        #expect(session.send(.message("2[\"x\"]"), encodedByteCount: size("2[\"x\"]")) == [.respondToPoll([.message("2[\"x\"]")])])
        #expect(!session.hasPendingPoll)
    }

    @Test func queuedPacketsAreAnsweredAtOnceInOrder() {
        var session = openPolling()
        #expect(session.send(.message("a"), encodedByteCount: 2) == [])
        #expect(session.send(.binaryMessage([1, 2, 3]), encodedByteCount: 5) == [])
        #expect(session.onPollRequest(now: at(1)) == [.respondToPoll([.message("a"), .binaryMessage([1, 2, 3])])])
        #expect(session.onPollRequest(now: at(2)) == [.holdPoll])
    }

    @Test func postIsAcknowledgedAndMessagesDelivered() {
        var session = openPolling()
        let actions = session.onPollData([.message("4hello"), .binaryMessage([9])], byteCount: 20, now: at(5))
        #expect(actions == [.acknowledgePost, .deliverToApplication(.message("4hello")), .deliverToApplication(.binaryMessage([9]))])
    }

    @Test func secondConcurrentGetClosesTheSession() {
        var session = openPolling()
        #expect(session.onPollRequest(now: at(1)) == [.holdPoll])
        let actions = session.onPollRequest(now: at(2))
        #expect(actions == [.rejectRequest(status: 400), .respondToPoll([.close]), .sessionClosed(reason: .transportError)])
        #expect(session.isClosed)
        #expect(session.closeReason == .transportError)
        #expect(session.onPollRequest(now: at(3)) == [.rejectRequest(status: 400)])
        #expect(session.nextDeadline == nil)
    }

    @Test func abortedPollClosesWithTransportError() {
        var session = openPolling()
        #expect(session.onPollAborted(now: at(1)) == [])
        _ = session.onPollRequest(now: at(1))
        #expect(session.onPollAborted(now: at(2)) == [.sessionClosed(reason: .transportError)])
    }

    @Test func clientClosePacketReleasesHeldPollWithNoop() {
        var session = openPolling()
        _ = session.onPollRequest(now: at(1))
        let actions = session.onPollData([.close], byteCount: 1, now: at(2))
        #expect(actions == [.acknowledgePost, .respondToPoll([.noop]), .sessionClosed(reason: .transportClose)])
    }

    @Test func pingFromClientIsInvalidHeartbeatDirection() {
        var session = openPolling()
        let actions = session.onPollData([.ping("")], byteCount: 1, now: at(2))
        #expect(actions == [.rejectRequest(status: 400), .sessionClosed(reason: .transportError)])
    }

    @Test func malformedPostClosesWithParseError() {
        var session = openPolling()
        _ = session.onPollRequest(now: at(1))
        let actions = session.onPollDataMalformed(now: at(2))
        #expect(actions == [.rejectRequest(status: 400), .respondToPoll([.close]), .sessionClosed(reason: .parseError)])
    }

    // MARK: maxPayload

    @Test func pollResponseStaysWithinMaxPayload() {
        var session = openPolling()
        let forty = String(repeating: "x", count: 39)  // 40 bytes encoded
        for _ in 0..<3 { _ = session.send(.message(forty), encodedByteCount: size(forty)) }
        // 40 + 1 + 40 = 81 fits in 100; a third would make 122.
        #expect(session.onPollRequest(now: at(1)) == [.respondToPoll([.message(forty), .message(forty)])])
        #expect(session.onPollRequest(now: at(2)) == [.respondToPoll([.message(forty)])])
    }

    @Test func payloadOfExactlyMaxPayloadIsOnePoll() {
        var session = openPolling()
        let a = String(repeating: "a", count: 48)  // 49 bytes
        let b = String(repeating: "b", count: 49)  // 50 bytes: 49 + 1 + 50 = 100
        _ = session.send(.message(a), encodedByteCount: size(a))
        _ = session.send(.message(b), encodedByteCount: size(b))
        #expect(session.onPollRequest(now: at(1)) == [.respondToPoll([.message(a), .message(b)])])
    }

    @Test func recordSeparatorCountsTowardsMaxPayload() {
        var session = openPolling()
        let a = String(repeating: "a", count: 49)  // 50 bytes: 50 + 1 + 50 = 101 > 100
        _ = session.send(.message(a), encodedByteCount: size(a))
        _ = session.send(.message(a), encodedByteCount: size(a))
        #expect(session.onPollRequest(now: at(1)) == [.respondToPoll([.message(a)])])
        #expect(session.onPollRequest(now: at(2)) == [.respondToPoll([.message(a)])])
    }

    @Test func oversizedLonePacketStillLeavesAlone() {
        var session = openPolling()
        let big = String(repeating: "z", count: 500)
        _ = session.send(.message(big), encodedByteCount: size(big))
        _ = session.send(.message("s"), encodedByteCount: 2)
        #expect(session.onPollRequest(now: at(1)) == [.respondToPoll([.message(big)])])
        #expect(session.onPollRequest(now: at(2)) == [.respondToPoll([.message("s")])])
    }

    @Test func postOverMaxPayloadIsRefusedWith413AndSessionLives() {
        var session = openPolling()
        #expect(session.onPollData([.message("x")], byteCount: 101, now: at(1)) == [.rejectRequest(status: 413)])
        #expect(!session.isClosed)
        #expect(session.onPollData([.message("x")], byteCount: 100, now: at(2)) == [.acknowledgePost, .deliverToApplication(.message("x"))])
    }

    // MARK: Heartbeat

    @Test func pingIsSentAtPingIntervalAndTimeoutClosesWithoutPong() {
        var session = openPolling()
        #expect(session.onTimer(now: at(299)) == [.scheduleTimer(at: at(300))])
        #expect(session.onTimer(now: at(300)) == [.scheduleTimer(at: at(500))])
        #expect(session.onPollRequest(now: at(320)) == [.respondToPoll([.ping("")])])
        #expect(session.onTimer(now: at(499)) == [.scheduleTimer(at: at(500))])
        #expect(!session.isClosed)
        #expect(session.onTimer(now: at(500)) == [.sessionClosed(reason: .pingTimeout)])
        #expect(session.closeReason == .pingTimeout)
    }

    @Test func pingReleasesAHeldPoll() {
        var session = openPolling()
        _ = session.onPollRequest(now: at(100))
        #expect(session.onTimer(now: at(300)) == [.respondToPoll([.ping("")]), .scheduleTimer(at: at(500))])
    }

    @Test func heldPollGetsCloseOnPingTimeout() {
        var session = openPolling()
        _ = session.onTimer(now: at(300))
        _ = session.onPollRequest(now: at(310))  // carries the ping
        _ = session.onPollRequest(now: at(320))  // held
        #expect(session.onTimer(now: at(500)) == [.respondToPoll([.close]), .sessionClosed(reason: .pingTimeout)])
    }

    @Test func pongResetsTheHeartbeat() {
        var session = openPolling()
        _ = session.onTimer(now: at(300))
        let actions = session.onPollData([.pong("")], byteCount: 1, now: at(450))
        #expect(actions == [.acknowledgePost, .scheduleTimer(at: at(750))])
        #expect(session.onTimer(now: at(500)) == [.scheduleTimer(at: at(750))])
        #expect(!session.isClosed)
        #expect(session.onTimer(now: at(750)) == [.scheduleTimer(at: at(950))])
        #expect(session.onTimer(now: at(950)) == [.sessionClosed(reason: .pingTimeout)])
    }

    @Test func messagesWithoutPongDoNotKeepTheSessionAlive() {
        var session = openPolling()
        _ = session.onTimer(now: at(300))
        _ = session.onPollData([.message("4x")], byteCount: 3, now: at(400))
        #expect(session.onTimer(now: at(500)) == [.sessionClosed(reason: .pingTimeout)])
    }

    @Test func webSocketPingIsWrittenDirectly() {
        var (session, _) = EngineIOServerSession.open(sid: "w", transport: .webSocket, configuration: configuration, now: at(0))
        #expect(session.onTimer(now: at(300)) == [.writeToWebSocket(.ping("")), .scheduleTimer(at: at(500))])
        #expect(session.onWebSocketPacket(.pong(""), now: at(350)) == [.scheduleTimer(at: at(650))])
        #expect(session.onTimer(now: at(650)) == [.writeToWebSocket(.ping("")), .scheduleTimer(at: at(850))])
        #expect(session.onTimer(now: at(850)) == [.closeWebSocket, .sessionClosed(reason: .pingTimeout)])
    }

    // MARK: Upgrade

    @Test func fullUpgradeDance() {
        var session = openPolling()
        #expect(session.onPollRequest(now: at(10)) == [.holdPoll])
        _ = session.send(.message("early"), encodedByteCount: 6)  // answers the held poll
        #expect(session.onPollRequest(now: at(20)) == [.holdPoll])

        #expect(session.onWebSocketOpened(now: at(30)) == [])  // deadline 1030 is after the ping at 300
        #expect(session.upgradeState == .awaitingProbe)

        // 2probe -> 3probe, and the held GET is released with a noop.
        #expect(session.onWebSocketPacket(.ping("probe"), now: at(40)) == [.writeToWebSocket(.pong("probe")), .respondToPoll([.noop])])
        #expect(session.upgradeState == .probed)

        // The application keeps sending while the client pauses polling: packets are queued.
        #expect(session.send(.message("queued1"), encodedByteCount: 8) == [])
        #expect(session.send(.message("queued2"), encodedByteCount: 8) == [])

        // 5 switches the transport and flushes the queue on the WebSocket.
        #expect(session.onWebSocketPacket(.upgrade, now: at(50)) == [.writeToWebSocket(.message("queued1")), .writeToWebSocket(.message("queued2"))])
        #expect(session.transport == .webSocket)
        #expect(session.upgradeState == .completed)

        // From now on everything goes over the WebSocket, and polling is refused.
        #expect(session.send(.message("late"), encodedByteCount: 5) == [.writeToWebSocket(.message("late"))])
        #expect(session.onWebSocketPacket(.message("4hi"), now: at(60)) == [.deliverToApplication(.message("4hi"))])
        #expect(session.onPollRequest(now: at(70)) == [.rejectRequest(status: 400)])
        #expect(session.onPollData([.message("x")], byteCount: 2, now: at(70)) == [.rejectRequest(status: 400)])
        #expect(session.onTimer(now: at(300)) == [.writeToWebSocket(.ping("")), .scheduleTimer(at: at(500))])
        #expect(session.onWebSocketOpened(now: at(310)) == [.rejectWebSocket])
        #expect(session.onWebSocketClosed(now: at(320)) == [.sessionClosed(reason: .transportClose)])
    }

    @Test func getDuringProbedUpgradeIsAnsweredWithNoop() {
        var session = openPolling()
        _ = session.onWebSocketOpened(now: at(10))
        _ = session.onWebSocketPacket(.ping("probe"), now: at(20))
        #expect(session.onPollRequest(now: at(30)) == [.respondToPoll([.noop])])
        #expect(!session.hasPendingPoll)
    }

    @Test func queuedPingTravelsOverTheNewWebSocket() {
        var session = openPolling()
        _ = session.onWebSocketOpened(now: at(10))
        _ = session.onWebSocketPacket(.ping("probe"), now: at(20))
        #expect(session.onTimer(now: at(300)) == [.scheduleTimer(at: at(500))])
        #expect(session.onWebSocketPacket(.upgrade, now: at(310)) == [.writeToWebSocket(.ping(""))])
        #expect(session.onWebSocketPacket(.pong(""), now: at(320)) == [.scheduleTimer(at: at(620))])
    }

    @Test func badProbeAbortsTheUpgradeButKeepsPolling() {
        var session = openPolling()
        _ = session.onWebSocketOpened(now: at(10))
        #expect(session.onWebSocketPacket(.ping("nope"), now: at(20)) == [.closeWebSocket])
        #expect(session.upgradeState == .none)
        #expect(session.transport == .polling)
        #expect(!session.isClosed)
        #expect(session.onPollRequest(now: at(30)) == [.holdPoll])
        // A new attempt is allowed after the failed one.
        #expect(session.onWebSocketOpened(now: at(40)) == [])
    }

    @Test func messageBeforeProbeAbortsTheUpgrade() {
        var session = openPolling()
        _ = session.onWebSocketOpened(now: at(10))
        #expect(session.onWebSocketPacket(.message("4x"), now: at(20)) == [.closeWebSocket])
        #expect(session.transport == .polling)
    }

    @Test func malformedFrameOnProbeOnlyAbortsTheUpgrade() {
        var session = openPolling()
        _ = session.onWebSocketOpened(now: at(10))
        #expect(session.onWebSocketMalformed(now: at(20)) == [.closeWebSocket])
        #expect(!session.isClosed)
    }

    @Test func upgradeTimesOut() {
        var session = EngineIOServerSession.open(
            sid: "u", transport: .polling,
            configuration: EngineIOServerConfiguration(pingInterval: 5_000, pingTimeout: 200, upgradeTimeout: 1_000),
            now: at(0)
        ).session
        #expect(session.onWebSocketOpened(now: at(100)) == [.scheduleTimer(at: at(1_100))])
        #expect(session.onTimer(now: at(1_100)) == [.closeWebSocket, .scheduleTimer(at: at(5_000))])
        #expect(session.upgradeState == .none)
        #expect(!session.isClosed)
    }

    @Test func probeWebSocketClosingKeepsPolling() {
        var session = openPolling()
        _ = session.onWebSocketOpened(now: at(10))
        #expect(session.onWebSocketClosed(now: at(20)) == [])
        #expect(session.upgradeState == .none)
        #expect(!session.isClosed)
    }

    @Test func secondWebSocketDuringUpgradeIsRejected() {
        var session = openPolling()
        _ = session.onWebSocketOpened(now: at(10))
        #expect(session.onWebSocketOpened(now: at(20)) == [.rejectWebSocket])
    }

    @Test func upgradeRefusedWhenNotOffered() {
        var session = EngineIOServerSession.open(
            sid: "p", transport: .polling, configuration: EngineIOServerConfiguration(upgrades: []), now: at(0)
        ).session
        #expect(session.onWebSocketOpened(now: at(1)) == [.rejectWebSocket])
    }

    // MARK: Close

    @Test func forcedCloseOnHeldPollSendsQueueThenClose() {
        var session = openPolling()
        _ = session.onPollRequest(now: at(1))
        #expect(session.close(now: at(2)) == [.respondToPoll([.close]), .sessionClosed(reason: .forcedClose)])
    }

    @Test func forcedCloseWithoutPollWaitsForTheNextGet() {
        var session = openPolling()
        _ = session.send(.message("bye"), encodedByteCount: 4)
        #expect(session.close(now: at(10)) == [.scheduleTimer(at: at(5_010))])
        #expect(session.send(.message("dropped"), encodedByteCount: 8) == [])
        #expect(session.onPollData([.message("ignored")], byteCount: 8, now: at(11)) == [.acknowledgePost])
        #expect(session.onPollRequest(now: at(20)) == [.respondToPoll([.message("bye"), .close]), .sessionClosed(reason: .forcedClose)])
    }

    @Test func forcedCloseGivesUpAfterCloseTimeout() {
        var session = openPolling()
        _ = session.close(reason: .parseError, now: at(10))
        #expect(session.onTimer(now: at(5_010)) == [.sessionClosed(reason: .parseError)])
    }

    @Test func forcedCloseOfWebSocketSessionClosesTheSocket() {
        var (session, _) = EngineIOServerSession.open(sid: "w", transport: .webSocket, configuration: configuration, now: at(0))
        #expect(session.close(now: at(1)) == [.closeWebSocket, .sessionClosed(reason: .forcedClose)])
        #expect(session.close(now: at(2)) == [])
    }

    @Test func webSocketClientCloseAndParseError() {
        var (first, _) = EngineIOServerSession.open(sid: "a", transport: .webSocket, configuration: configuration, now: at(0))
        #expect(first.onWebSocketPacket(.close, now: at(1)) == [.closeWebSocket, .sessionClosed(reason: .transportClose)])
        var (second, _) = EngineIOServerSession.open(sid: "b", transport: .webSocket, configuration: configuration, now: at(0))
        #expect(second.onWebSocketMalformed(now: at(1)) == [.closeWebSocket, .sessionClosed(reason: .parseError)])
        #expect(second.onWebSocketPacket(.message("x"), now: at(2)) == [])
    }

    @Test func closeReasonsSpellLikeNode() {
        #expect(EngineIOCloseReason.allCases.map(\.rawValue) == ["transport close", "ping timeout", "transport error", "forced close", "parse error"])
    }

    @Test func instantSaturatesInsteadOfOverflowing() {
        #expect(EngineIOInstant(milliseconds: .max - 1).advanced(byMilliseconds: 10) == EngineIOInstant(milliseconds: .max))
        #expect(at(5).advanced(byMilliseconds: -10) == at(-5))
    }

    @Test func sessionIDsAreTwentyURLSafeCharacters() {
        let id = EngineIOSessionID.make()
        #expect(id.utf8.count == 20)
        #expect(id.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(EngineIOSessionID.make() != id)
    }
}
