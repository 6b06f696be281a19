import MessageStore
import NetworkCore
import Testing
import WireCodecs
@testable import ReferenceServer

/// Stands for a connection's `HTTPConnectionHandler`: the state only names it in effects.
private final class Responder: HTTPResponder {
    func complete(sequence: UInt64, response: HTTPResponse, closesConnection: Bool) {}
    func completeCreated(sequence: UInt64, message: StoredMessage, origin: RequestOrigin?) {}
    func upgrade(sequence: UInt64, key: String, sid: String?) {}
}

/// Stands for a `WebSocketConnectionHandler`.
private final class Endpoint: WebSocketEndpoint {
    let connection: ConnectionID
    init(_ connection: UInt64) { self.connection = ConnectionID(rawValue: connection) }
    func write(_ frame: [UInt8]) {}
    func close(code: UInt16) {}
    func attached(to sid: String) {}
}

private let clockOrigin = ContinuousClock.now

/// A fake clock: milliseconds since the state's clock origin.
private func at(_ milliseconds: Int64) -> ServerState.Time {
    ServerState.Time(monotonic: clockOrigin.advanced(by: .milliseconds(milliseconds)), unixSeconds: 1_800_000_000)
}

private func instant(_ milliseconds: Int64) -> EngineIOInstant { EngineIOInstant(milliseconds: milliseconds) }

/// A state whose sessions are named `sid1`, `sid2`, … and whose pings come every 25 s.
private func makeState() -> ServerState {
    var count = 0
    return ServerState(
        configuration: ServerConfiguration(pingInterval: 25_000, pingTimeout: 20_000), clockOrigin: clockOrigin,
        makeSessionID: {
            count += 1
            return "sid\(count)"
        })
}

/// One client connection: its responder and the sequence of its next request.
private final class Client {
    let responder = Responder()
    let connection: ConnectionID
    var sequence: UInt64 = 0

    init(_ connection: UInt64) { self.connection = ConnectionID(rawValue: connection) }

    func next() -> PendingRequest {
        defer { sequence += 1 }
        return PendingRequest(responder: responder, connection: connection, sequence: sequence, origin: nil)
    }
}

private func get(_ target: String) -> HTTPRequest { HTTPRequest(head: HTTPRequestHead(method: "GET", target: target)) }

private func post(_ target: String, _ body: String) -> HTTPRequest {
    HTTPRequest(head: HTTPRequestHead(method: "POST", target: target), body: Array(body.utf8))
}

private func poll(_ packets: [EngineIOPacket]) -> HTTPResponse { ServerState.pollResponse(packets, origin: nil) }

private let ok = HTTPResponse.withCORS(status: 200, contentType: "text/html", body: Array("ok".utf8), origin: nil)

private func message(_ id: Int64, from sender: String = "bob", to receiver: String = "alice", _ content: String = "hi") -> StoredMessage {
    StoredMessage(id: id, sender: sender, receiver: receiver, content: content, timestamp: "2026-12-06T22:00:00.000Z")
}

/// Opens polling session `sid1` at t=0, connects it to `/` and, with `user`, joins and loads an empty history.
private func openJoinedSession(_ state: inout ServerState, client: Client, user: String? = "alice") {
    _ = state.receive(get("/socket.io/?EIO=4&transport=polling"), from: client.next(), at: at(0))
    _ = state.receive(post("/socket.io/?EIO=4&transport=polling&sid=sid1", "40"), from: client.next(), at: at(1))
    guard let user else {
        _ = state.receive(get("/socket.io/?EIO=4&transport=polling&sid=sid1"), from: client.next(), at: at(2))
        return
    }
    let join = state.receive(post("/socket.io/?EIO=4&transport=polling&sid=sid1", "42[\"join\",\"\(user)\"]"), from: client.next(), at: at(2))
    #expect(join.contains(.loadHistory(SessionID(1), user: user, token: 1)))
    _ = state.historyLoaded(session: SessionID(1), token: 1, result: .success([]), at: at(3))
    // Drains the CONNECT answer and `all_messages`.
    _ = state.receive(get("/socket.io/?EIO=4&transport=polling&sid=sid1"), from: client.next(), at: at(4))
}

/// `openJoinedSession` for alice on connection 1, then a GET at t=10 that the session holds.
private func joinedSessionHoldingAPoll(_ state: inout ServerState) -> (Client, PendingRequest) {
    let alice = Client(1)
    openJoinedSession(&state, client: alice)
    let heldPoll = alice.next()
    #expect(state.receive(get("/socket.io/?EIO=4&transport=polling&sid=sid1"), from: heldPoll, at: at(10)) == [])
    return (alice, heldPoll)
}

@Suite struct ServerStateTests {
    // MARK: Handshake

    @Test func pollingHandshakeAnswersOpenAndArmsBothTimers() {
        var state = makeState()
        let client = Client(1)
        let request = client.next()
        let effects = state.receive(get("/socket.io/?EIO=4&transport=polling"), from: request, at: at(0))
        let open = EngineIOOpenPayload(sid: "sid1", upgrades: ["websocket"], pingInterval: 25_000, pingTimeout: 20_000, maxPayload: 1_000_000)
        #expect(effects == [
            .log(.debug, "session sid1 opened (polling)"),
            .respond(request, poll([.open(open)])),
            .scheduleTimer(.engineIO, sid: "sid1", at: instant(25_000)),
            .scheduleTimer(.socketIO, sid: "sid1", at: instant(45_000)),
        ])
        #expect(state.sessions.keys.sorted() == ["sid1"])
    }

    @Test func unknownSessionGets400AndNothingElse() {
        var state = makeState()
        let request = Client(1).next()
        let effects = state.receive(get("/socket.io/?EIO=4&transport=polling&sid=nope"), from: request, at: at(0))
        #expect(effects.count == 2)
        #expect(effects.last == .respond(request, {
            var response = EngineIORequestError.sessionIDUnknown.response(isWebSocketUpgrade: false)
            HTTPResponse.appendCORS(to: &response.head.headers, origin: nil)
            return response
        }()))
    }

    // MARK: A held poll and a commit in one iteration

    @Test func commitAnswersThePostThenReleasesTheHeldPollWithTheNewMessage() {
        var state = makeState()
        let (_, heldPoll) = joinedSessionHoldingAPoll(&state)
        let bob = Client(2)
        let messagePost = bob.next()
        let submitted = state.receive(post("/messages", #"{"sender":"bob","receiver":"alice","content":"hi"}"#), from: messagePost, at: at(11))
        #expect(submitted == [.submit(NewMessage(sender: "bob", receiver: "alice", content: "hi"), submission: 1)])
        #expect(state.metrics.pendingCommits == 1)

        let stored = message(7)
        let effects = state.commitsArrived([.own(submission: 1, .success(stored))], at: at(20))
        #expect(effects == [
            .respondCreated(messagePost, stored),
            .respond(heldPoll, poll([.message(MessengerEvents.newMessage(stored))])),
        ])
        #expect(state.metrics.pendingCommits == 0)
        #expect(state.metrics.messagesAccepted == 1)
    }

    @Test func failedCommitAnswers503AndLogsOnceForTheBatch() {
        var state = makeState()
        let client = Client(1)
        let first = client.next()
        let second = client.next()
        _ = state.receive(post("/messages", #"{"sender":"a","receiver":"b","content":"1"}"#), from: first, at: at(0))
        _ = state.receive(post("/messages", #"{"sender":"a","receiver":"b","content":"2"}"#), from: second, at: at(0))
        let effects = state.commitsArrived([.own(submission: 1, .failure(.closed)), .own(submission: 2, .failure(.closed))], at: at(5))
        let refusal = state.storageFailureResponse(.closed, origin: nil)
        #expect(refusal.head.status == 503)
        #expect(effects == [
            .respond(first, refusal),
            .respond(second, refusal),
            .logLimited(.error, key: "commit failed 503", "commit failed for 2 message(s), answered 503: \(StorageError.closed)"),
        ])
    }

    @Test func anotherNodesCommitIsDeliveredButNotCounted() {
        var state = makeState()
        let (_, heldPoll) = joinedSessionHoldingAPoll(&state)
        let stored = message(3, from: "carol")
        #expect(state.commitsArrived([.otherNode(stored)], at: at(11)) == [
            .respond(heldPoll, poll([.message(MessengerEvents.newMessage(stored))])),
        ])
        #expect(state.metrics.messagesAccepted == 0)
    }

    // MARK: Join buffering (Spec ONCE-1..4)

    @Test func commitsDuringAJoinWaitForTheHistoryAndAreNotRepeated() {
        var state = makeState()
        let alice = Client(1)
        openJoinedSession(&state, client: alice, user: nil)
        let join = alice.next()
        let joined = state.receive(post("/socket.io/?EIO=4&transport=polling&sid=sid1", #"42["join","alice"]"#), from: join, at: at(5))
        #expect(joined == [.respond(join, ok), .loadHistory(SessionID(1), user: "alice", token: 1)])
        let heldPoll = alice.next()
        #expect(state.receive(get("/socket.io/?EIO=4&transport=polling&sid=sid1"), from: heldPoll, at: at(6)) == [])
        // Committed while the history is read: 5 is in the history, 6 is not.
        #expect(state.commitsArrived([.otherNode(message(5)), .otherNode(message(6))], at: at(7)) == [])
        let effects = state.historyLoaded(session: SessionID(1), token: 1, result: .success([message(5)]), at: at(8))
        #expect(effects == [.respond(heldPoll, poll([.message(MessengerEvents.allMessages(for: "alice", messages: [message(5)]))]))])
        let next = alice.next()
        #expect(state.receive(get("/socket.io/?EIO=4&transport=polling&sid=sid1"), from: next, at: at(9)) == [
            .respond(next, poll([.message(MessengerEvents.newMessage(message(6)))])),
        ])
    }

    @Test func failedHistoryEmitsAnError() {
        var state = makeState()
        let alice = Client(1)
        openJoinedSession(&state, client: alice, user: nil)
        _ = state.receive(post("/socket.io/?EIO=4&transport=polling&sid=sid1", #"42["join","alice"]"#), from: alice.next(), at: at(5))
        let effects = state.historyLoaded(session: SessionID(1), token: 1, result: .failure(.closed), at: at(6))
        #expect(effects.first == .logLimited(.error, key: "history failed", "history for s1 failed: \(StorageError.closed)"))
        #expect(effects.count == 1)  // the `error` event waits in the queue for the next poll
    }

    // MARK: An upgrade during fan-out

    @Test func messagesDuringAnUpgradeStayOnPollingThenMoveToTheWebSocket() {
        var state = makeState()
        _ = joinedSessionHoldingAPoll(&state)
        let webSocket = Endpoint(9)
        let reference = WebSocketReference(webSocket)
        let opened = state.webSocketOpened(webSocket, sid: "sid1", remoteIP: "", at: at(11))
        #expect(opened.first == .attachWebSocket(reference, sid: "sid1"))
        // The probe is answered on the WebSocket; the held poll is released with a noop.
        let probe = state.webSocketReceived(.text("2probe"), from: webSocket, sid: "sid1", at: at(12))
        #expect(probe.contains(.writeWebSocket(reference, ServerState.textFrame(for: .pong("probe")))))
        // A message committed mid-upgrade goes to polling, not to the WebSocket.
        let during = state.commitsArrived([.otherNode(message(1))], at: at(13))
        #expect(!during.contains { if case .writeWebSocket = $0 { true } else { false } })
        // The upgrade packet moves the session: what polling still held is flushed to the WebSocket.
        let upgraded = state.webSocketReceived(.text("5"), from: webSocket, sid: "sid1", at: at(14))
        let after = state.commitsArrived([.otherNode(message(2))], at: at(15))
        #expect(after == [.writeWebSocket(reference, ServerState.textFrame(for: .message(MessengerEvents.newMessage(message(2)))))])
        #expect(state.sessions["sid1"]?.engineIO.transport == .webSocket)
        let delivered = (probe + during + upgraded).compactMap { effect -> [UInt8]? in
            if case .respond(_, let response) = effect { return response.body }
            if case .writeWebSocket(_, let frame) = effect { return frame }
            return nil
        }
        let newMessage = Array(MessengerEvents.newMessage(message(1)).utf8)
        #expect(delivered.filter { $0.firstRange(of: newMessage) != nil }.count == 1)
    }

    @Test func aWebSocketOnlySessionIsAttachedBeforeItsOpenPacket() {
        var state = makeState()
        let webSocket = Endpoint(3)
        let reference = WebSocketReference(webSocket)
        let open = EngineIOOpenPayload(sid: "sid1", upgrades: [], pingInterval: 25_000, pingTimeout: 20_000, maxPayload: 1_000_000)
        #expect(state.webSocketOpened(webSocket, sid: nil, remoteIP: "10.0.0.1", at: at(0)) == [
            .attachWebSocket(reference, sid: "sid1"),
            .log(.debug, "session sid1 opened (websocket)"),
            .writeWebSocket(reference, ServerState.textFrame(for: .open(open))),
            .scheduleTimer(.engineIO, sid: "sid1", at: instant(25_000)),
            .scheduleTimer(.socketIO, sid: "sid1", at: instant(45_000)),
        ])
        #expect(state.sessions["sid1"]?.remoteIP == "10.0.0.1")
    }

    @Test func anUpgradeRequestIsAnsweredByTheHandlerWithTheKey() {
        var state = makeState()
        _ = state.receive(get("/socket.io/?EIO=4&transport=polling"), from: Client(1).next(), at: at(0))
        let headers: HTTPHeaders = [
            "Host": "localhost", "Upgrade": "websocket", "Connection": "Upgrade",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13",
        ]
        let request = Client(2).next()
        let upgrade = HTTPRequest(head: HTTPRequestHead(method: "GET", target: "/socket.io/?EIO=4&transport=websocket&sid=sid1", headers: headers))
        #expect(state.receive(upgrade, from: request, at: at(1)) == [.upgrade(request, key: "dGhlIHNhbXBsZSBub25jZQ==", sid: "sid1")])
    }

    @Test func sendMessageIsAcknowledgedOnlyAfterItsCommit() {
        var state = makeState()
        let webSocket = Endpoint(3)
        let reference = WebSocketReference(webSocket)
        _ = state.webSocketOpened(webSocket, sid: nil, remoteIP: "", at: at(0))
        _ = state.webSocketReceived(.text("40"), from: webSocket, sid: "sid1", at: at(1))
        _ = state.webSocketReceived(.text(#"42["join","alice"]"#), from: webSocket, sid: "sid1", at: at(2))
        _ = state.historyLoaded(session: SessionID(1), token: 1, result: .success([]), at: at(3))
        let sent = state.webSocketReceived(.text(#"421["send_message",{"receiver":"bob","content":"yo"}]"#), from: webSocket, sid: "sid1", at: at(4))
        #expect(sent == [.submit(NewMessage(sender: "alice", receiver: "bob", content: "yo"), submission: 1)])
        let stored = message(8, from: "alice", to: "bob", "yo")
        let acknowledgement = "31" + JSONValue.array([ServerState.successObject(stored)]).serialized()
        // The sender gets the acknowledgement; `new_message` goes to the receiver's sessions (none here).
        #expect(state.commitsArrived([.own(submission: 1, .success(stored))], at: at(5)) == [
            .writeWebSocket(reference, ServerState.textFrame(for: .message(acknowledgement))),
        ])
    }

    @Test func anOriginOffTheAllowListOpensNothing() {
        var configuration = ServerConfiguration()
        configuration.allowedOrigins = ["https://chat.example"]
        var state = ServerState(configuration: configuration, clockOrigin: clockOrigin)
        let request = PendingRequest(
            responder: Responder(), connection: ConnectionID(rawValue: 1), sequence: 0,
            origin: RequestOrigin(field: "https://evil.example", allowList: configuration.allowedOrigins))
        let effects = state.receive(get("/socket.io/?EIO=4&transport=polling"), from: request, at: at(0))
        #expect(effects == [
            .log(.debug, "refused origin https://evil.example on GET /socket.io/"),
            .respond(request, .originRefused),
        ])
        #expect(state.sessions.isEmpty)
    }

    @Test func aWebSocketThatIsNotTheSessionsIsIgnored() {
        var state = makeState()
        let alice = Client(1)
        openJoinedSession(&state, client: alice)
        #expect(state.webSocketReceived(.text("4x"), from: Endpoint(5), sid: "sid1", at: at(10)) == [])
        #expect(state.webSocketClosed(Endpoint(5), sid: "sid1", at: at(10)) == [])
    }

    @Test func aWebSocketForAnUnknownSessionIsClosed() {
        var state = makeState()
        let webSocket = Endpoint(5)
        #expect(state.webSocketOpened(webSocket, sid: "gone", remoteIP: "", at: at(0)) == [
            .closeWebSocket(WebSocketReference(webSocket), code: WebSocketCloseCode.normalClosure),
        ])
    }

    // MARK: Closed connections, timers

    @Test func theConnectionOfAHeldPollClosingEndsTheSession() {
        var state = makeState()
        let (alice, heldPoll) = joinedSessionHoldingAPoll(&state)
        #expect(state.sessions["sid1"]?.heldPoll == heldPoll)
        // Another request of the same connection, never held: nothing happens.
        #expect(state.requestAborted(alice.next(), at: at(11)) == [])
        #expect(state.requestAborted(heldPoll, at: at(11)) == [.log(.debug, "session sid1 closed: transport error")])
        #expect(state.sessions.isEmpty)
        #expect(state.requestAborted(heldPoll, at: at(12)) == [])
    }

    @Test func aSecondGetWhileOneIsHeldIsRefusedAndClosesTheSession() {
        var state = makeState()
        let (_, heldPoll) = joinedSessionHoldingAPoll(&state)
        let second = Client(2).next()
        let effects = state.receive(get("/socket.io/?EIO=4&transport=polling&sid=sid1"), from: second, at: at(11))
        #expect(effects == [
            .respond(second, .withCORS(status: 400, contentType: nil, body: [], origin: nil)),
            .respond(heldPoll, poll([.close])),
            .log(.debug, "session sid1 closed: transport error"),
        ])
    }

    @Test func aTimerForAnOlderDeadlineIsStale() {
        var state = makeState()
        _ = state.receive(get("/socket.io/?EIO=4&transport=polling"), from: Client(1).next(), at: at(0))
        #expect(state.timerFired(.engineIO, sid: "sid1", deadline: instant(1), at: at(30_000)) == [])
        #expect(state.timerFired(.engineIO, sid: "sid9", deadline: instant(25_000), at: at(30_000)) == [])
    }

    @Test func closingEverythingAnswersTheHeldPollWithClose() {
        var state = makeState()
        let (_, heldPoll) = joinedSessionHoldingAPoll(&state)
        let effects = state.closeEverything(at: at(11))
        #expect(effects.contains(.respond(heldPoll, poll([.close]))))
        #expect(state.sessions.isEmpty)
        #expect(state.requestAborted(heldPoll, at: at(12)) == [])
    }

    // MARK: POST /messages refusals

    @Test func anInvalidPostIsAnsweredAtOnceAndSubmitsNothing() {
        var state = makeState()
        let request = Client(1).next()
        let effects = state.receive(post("/messages", #"{"sender":""}"#), from: request, at: at(0))
        #expect(effects.count == 1)
        guard case .respond(let answered, let response) = effects.first else {
            Issue.record("expected an answer, got \(effects)")
            return
        }
        #expect(answered == request)
        #expect(response.head.status == 400)
        #expect(state.metrics.pendingCommits == 0)
    }
}
