import MessageStore
import NetworkCore
import WireCodecs

/// What `ServerState` asks its I/O owner (`ServerCore`) to do, in order, after an input.
enum ServerEffect: Equatable {
    /// Answer an HTTP request (through its connection's handler, in request order).
    case respond(PendingRequest, HTTPResponse)
    /// Answer a committed `POST /messages` with its `201` (prebuilt bytes on the hot path).
    case respondCreated(PendingRequest, StoredMessage)
    /// Refuse a WebSocket upgrade with this response and close the connection.
    case rejectUpgrade(PendingRequest, HTTPResponse)
    /// Answer 101 with this key and switch the connection to WebSocket; `sid` nil opens a
    /// WebSocket-only session once the WebSocket is opened (`ServerState.webSocketOpened`).
    case upgrade(PendingRequest, key: String, sid: String?)
    /// The WebSocket carries session `sid` from now on.
    case attachWebSocket(WebSocketReference, sid: String)
    /// Write WebSocket frame bytes (the same array may go to many WebSockets).
    case writeWebSocket(WebSocketReference, [UInt8])
    /// Send a close frame and close the WebSocket once flushed.
    case closeWebSocket(WebSocketReference, code: UInt16)
    /// Read `user`'s history and hand it to `ServerState.historyLoaded`.
    case loadHistory(SessionID, user: String, token: UInt64)
    /// Submit a message to the store; its result comes back in a `ServerState.commitsArrived` batch.
    case submit(NewMessage, submission: UInt64)
    /// Call `ServerState.timerFired` at `at`.
    case scheduleTimer(ServerState.TimerLayer, sid: String, at: EngineIOInstant)
    /// Call `ServerState.emitNewMessage` after a delay (`ServerHooks.newMessageDelay` only).
    case emitNewMessageLater(StoredMessage, to: [SessionID], after: Duration)
    case log(LogLevel, String)
    /// A line of a kind that may repeat: rate-limited by `key` (`ServerLogger.log(_:key:_:)`).
    case logLimited(LogLevel, key: String, String)
}

extension ServerEffect {
    /// Carries out an effect addressed to a connection's handler or to the log, and returns true; false
    /// for the others (store, timers), which need the core that owns them. Shared by `ServerCore` and
    /// `ProtocolTestCore`.
    func performOnHandlers(logger: ServerLogger) -> Bool {
        switch self {
        case .respond(let request, let response):
            request.responder.complete(sequence: request.sequence, response: response, closesConnection: false)
        case .respondCreated(let request, let message):
            request.responder.completeCreated(sequence: request.sequence, message: message, origin: request.origin)
        case .rejectUpgrade(let request, let response):
            request.responder.complete(sequence: request.sequence, response: response, closesConnection: true)
        case .upgrade(let request, let key, let sid):
            request.responder.upgrade(sequence: request.sequence, key: key, sid: sid)
        case .attachWebSocket(let webSocket, let sid):
            webSocket.endpoint.attached(to: sid)
        case .writeWebSocket(let webSocket, let bytes):
            webSocket.endpoint.write(bytes)
        case .closeWebSocket(let webSocket, let code):
            webSocket.endpoint.close(code: code)
        case .log(let level, let message):
            logger.log(level, message)
        case .logLimited(let level, let key, let message):
            logger.log(level, key: key, message)
        case .loadHistory, .submit, .scheduleTimer, .emitNewMessageLater:
            return false
        }
        return true
    }
}
