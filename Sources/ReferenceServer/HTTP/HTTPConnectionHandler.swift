import MessageStore
import NetworkCore
import WireCodecs

/// Serves HTTP/1.1 on one connection: parses requests, hands them to the core, and writes the
/// answers in request order, even when an earlier one waits (a held poll, a POST waiting for its
/// commit). RFC 9112 §9.3 (persistence), §9.3.2 (pipelining); Spec HTTP-1, HTTP-2, ROBUST-4.
///
/// Timers: a request must be complete within `requestHeadTimeout` of its first byte (else 408 and
/// close: a client trickling bytes is cut off); an idle keep-alive connection closes after
/// `idleTimeout`. After a WebSocket upgrade the connection's handler is replaced.
final class HTTPConnectionHandler: ConnectionHandler, HTTPResponder {
    private struct Slot {
        let sequence: UInt64
        let isKeepAlive: Bool
        let isHTTP10: Bool
        var response: [UInt8]?
        var closesConnection = false
        var origin: RequestOrigin?
        /// Kept only for `ServerHooks.response`.
        var requestHead: HTTPRequestHead?
    }

    private let core: any ServerConnectionCore
    /// `core.configuration`, read once: through the protocol each read copies the whole struct (hooks
    /// included), and the hot path reads it several times per request.
    private let configuration: ServerConfiguration
    private var parser: HTTPRequestParser
    private var slots: [Slot] = []
    private var nextSequence: UInt64 = 0
    /// Set once no further request will be read (close requested, error, upgrade).
    private var isFinished = false
    private var isUpgraded = false
    private var requestTimer: TimerID?
    /// One long-lived idle timer: responses and reads only move `idleDeadline`; the timer, when it
    /// fires early, re-arms itself for the current deadline (no cancel and reschedule per response).
    private var idleTimer: TimerID?
    /// When the connection counts as idle, if nothing happens before; nil while a request is owed.
    private var idleDeadline: ContinuousClock.Instant?

    /// When this connection counts as idle if nothing happens, while it owes no answer and holds no
    /// partial request; nil when busy. The oldest idle ones are closed first when descriptors run short.
    var idleDeadlineIfIdle: ContinuousClock.Instant? { slots.isEmpty && parser.isIdle && !isFinished ? idleDeadline : nil }

    /// The connection this handler serves (weak: the connection owns its handler).
    private weak var connection: Connection?

    init(core: any ServerConnectionCore, connection: Connection) {
        self.core = core
        self.configuration = core.configuration
        self.connection = connection
        self.parser = HTTPRequestParser(limits: configuration.limits)
    }

    func connectionDidConnect(_ connection: Connection) {
        guard core.connectionOpened(connection, handler: self) else {
            shed(connection, reason: "too many connections from your address")
            return
        }
        updateTimers(connection)
        core.freeDescriptorsIfNeeded(context: connection.context)
    }

    /// Answers 503 + `Retry-After` before reading anything and closes: a connection over a limit.
    func shed(_ connection: Connection, reason: String) {
        isFinished = true
        var response = HTTPResponse.retryLater(
            status: 503, reason: reason, retryAfterSeconds: configuration.operating.retryAfterSeconds, origin: nil)
        response.head.headers.add(name: "Connection", value: "close")
        connection.write(response.serialized())
        connection.closeAfterFlush()
    }

    func connectionDidRead(_ connection: Connection, _ bytes: UnsafeRawBufferPointer) {
        guard !isFinished else { return }
        if let rewrite = configuration.hooks.incomingHTTPBytes {
            parser.append(rewrite(Array(bytes)))
        } else {
            parser.append(bytes)
        }
        while !isFinished {
            let request: HTTPRequest?
            do {
                request = try parser.nextRequest()
            } catch {
                refuse(connection, error: error)
                break
            }
            guard let request else { break }
            // The next request's time starts with its own first byte.
            if let requestTimer {
                connection.context.cancelTimer(requestTimer)
                self.requestTimer = nil
            }
            handle(request, connection: connection)
        }
        if !isUpgraded { updateTimers(connection) }
    }

    func connectionDidClose(_ connection: Connection, error: NetworkError?) {
        cancelTimers(connection.context)
        let unanswered = slots.filter { $0.response == nil }
        slots.removeAll()
        for slot in unanswered {
            let request = PendingRequest(responder: self, connection: connection.id, sequence: slot.sequence, origin: slot.origin)
            core.requestAborted(request, context: connection.context)
        }
        if !isUpgraded { core.connectionClosed(connection, error: error, sid: nil) }
    }

    // MARK: Requests

    private func handle(_ request: HTTPRequest, connection: Connection) {
        var request = request
        let hookResponse = configuration.hooks.request?(&request)
        let sequence = nextSequence
        nextSequence += 1
        let head = request.head
        let origin = RequestOrigin(field: head.headers["Origin"], allowList: configuration.allowedOrigins)
        let isKeepAlive = head.isKeepAlive
        slots.append(Slot(
            sequence: sequence, isKeepAlive: isKeepAlive, isHTTP10: head.version == .http1_0, origin: origin,
            requestHead: configuration.hooks.response == nil ? nil : head))
        if !isKeepAlive { isFinished = true }
        if let hookResponse {
            complete(sequence: sequence, response: hookResponse)
            return
        }
        let pending = PendingRequest(responder: self, connection: connection.id, sequence: sequence, origin: origin)
        core.handleRequest(request, pending: pending, context: connection.context)
    }

    func upgrade(sequence: UInt64, key: String, sid: String?) {
        guard let connection, !connection.isClosed else { return }
        upgrade(connection, sequence: sequence, key: key, sid: sid)
    }

    /// Closes the connection at once (an idle one, when descriptors run short).
    func closeConnection() {
        connection?.close()
    }

    /// Answers 101 and hands the connection to a `WebSocketConnectionHandler` (RFC 6455 §4.2.2).
    private func upgrade(_ connection: Connection, sequence: UInt64, key: String, sid: String?) {
        guard slots.count == 1 else {
            // Earlier answers are still owed: switching protocols now would reorder the stream.
            let response = HTTPResponse(head: HTTPResponseHead(status: 400))
            complete(sequence: sequence, response: response, closesConnection: true)
            return
        }
        slots.removeAll()
        isFinished = true
        isUpgraded = true
        cancelTimers(connection.context)
        connection.write(HTTPResponse(head: WebSocketHandshake.serverResponse(key: key)).serialized())
        let leftover = parser.takeUnparsedBytes()
        let handler = WebSocketConnectionHandler(core: core, connection: connection, limits: configuration.limits)
        connection.handler = handler
        handler.attach(connection, sid: sid)
        if !leftover.isEmpty, !connection.isClosed {
            leftover.withUnsafeBytes { handler.connectionDidRead(connection, $0) }
        }
    }

    /// A malformed request: its status, `Connection: close`, then close (Spec ROBUST-4).
    private func refuse(_ connection: Connection, error: HTTPParseError) {
        core.logger.log(.warning, key: "malformed HTTP request", "connection \(connection.id): malformed HTTP request: \(error)")
        isFinished = true
        let sequence = nextSequence
        nextSequence += 1
        slots.append(Slot(sequence: sequence, isKeepAlive: false, isHTTP10: false))
        let response = HTTPResponse.jsonError(status: error.status, reason: error.reason, origin: nil)
        complete(sequence: sequence, response: response, closesConnection: true)
    }

    // MARK: Responses

    /// Supplies the answer to request `sequence`; answers go out as soon as every earlier one has.
    func complete(sequence: UInt64, response: HTTPResponse, closesConnection: Bool = false) {
        guard let index = slots.firstIndex(where: { $0.sequence == sequence }), slots[index].response == nil else { return }
        var response = response
        let slot = slots[index]
        if let rewrite = configuration.hooks.response {
            response = rewrite(slot.requestHead, response)
        }
        let isClosing = closesConnection || !slot.isKeepAlive
        if isClosing {
            response.head.headers.replaceOrAdd(name: "Connection", value: "close")
        } else if slot.isHTTP10 {
            response.head.headers.replaceOrAdd(name: "Connection", value: "keep-alive")
        }
        store(response.serialized(), at: index, closesConnection: isClosing)
    }

    /// Supplies the `201` for a committed `POST /messages` (Spec SEND-1): prebuilt bytes, or the
    /// general path when a response hook may rewrite it.
    func completeCreated(sequence: UInt64, message: StoredMessage, origin: RequestOrigin?) {
        guard configuration.hooks.response == nil else {
            let body = MessengerEvents.successBody(message)
            complete(sequence: sequence, response: .json(status: 201, body: body, origin: origin))
            return
        }
        guard let index = slots.firstIndex(where: { $0.sequence == sequence }), slots[index].response == nil else { return }
        let slot = slots[index]
        let isClosing = !slot.isKeepAlive
        let field: HTTPResponse.ConnectionField = isClosing ? .close : slot.isHTTP10 ? .keepAlive : .none
        store(HTTPResponse.createdBytes(for: message, origin: origin, connection: field), at: index, closesConnection: isClosing)
    }

    /// Records the answer of `slots[index]` and writes every answer now in order.
    private func store(_ bytes: [UInt8], at index: Int, closesConnection isClosing: Bool) {
        slots[index].response = bytes
        slots[index].closesConnection = isClosing
        guard index == 0, let connection, !connection.isClosed else { return }
        flush(connection)
    }

    private func flush(_ connection: Connection) {
        while let first = slots.first, let bytes = first.response {
            slots.removeFirst()
            connection.write(bytes)
            if first.closesConnection {
                isFinished = true
                slots.removeAll()
                cancelTimers(connection.context)
                connection.closeAfterFlush()
                return
            }
        }
        updateTimers(connection)
    }

    // MARK: Timers

    private func updateTimers(_ connection: Connection) {
        let context = connection.context
        guard !isFinished, !connection.isClosed else {
            cancelTimers(context)
            return
        }
        if parser.isIdle {
            if let requestTimer {
                context.cancelTimer(requestTimer)
                self.requestTimer = nil
            }
        } else if requestTimer == nil {
            let timeout = Duration.milliseconds(configuration.requestHeadTimeout)
            requestTimer = context.scheduleTimer(after: timeout) { [weak self, weak connection] _ in
                guard let self, let connection else { return }
                self.requestTimer = nil
                self.requestTimedOut(connection)
            }
        }
        if slots.isEmpty && parser.isIdle {
            let deadline = context.now.advanced(by: .milliseconds(configuration.idleTimeout))
            idleDeadline = deadline
            if idleTimer == nil { armIdleTimer(connection, at: deadline) }
        } else {
            idleDeadline = nil
        }
    }

    /// Schedules the idle timer; when it fires it closes the connection if the deadline has come,
    /// re-arms for a later deadline, or stops when no deadline is set (a request is owed).
    private func armIdleTimer(_ connection: Connection, at deadline: ContinuousClock.Instant) {
        idleTimer = connection.context.scheduleTimer(at: deadline) { [weak self, weak connection] context in
            guard let self, let connection else { return }
            self.idleTimer = nil
            guard let deadline = self.idleDeadline else { return }
            if context.now < deadline {
                self.armIdleTimer(connection, at: deadline)
                return
            }
            self.idleDeadline = nil
            guard self.slots.isEmpty, !self.isFinished else { return }
            self.core.logger.log(.debug, "connection \(connection.id): idle timeout")
            self.isFinished = true
            connection.close()
        }
    }

    /// The request did not complete in time: 408 when nothing else is owed, then close.
    private func requestTimedOut(_ connection: Connection) {
        guard !isFinished, !connection.isClosed else { return }
        core.logger.log(.warning, key: "request timeout", "connection \(connection.id): request not complete within \(configuration.requestHeadTimeout) ms")
        isFinished = true
        if slots.isEmpty {
            var response = HTTPResponse.jsonError(status: 408, reason: "request timeout", origin: nil)
            response.head.headers.add(name: "Connection", value: "close")
            connection.write(response.serialized())
            connection.closeAfterFlush()
        } else {
            connection.close()
        }
    }

    private func cancelTimers(_ context: LoopContext) {
        if let requestTimer { context.cancelTimer(requestTimer) }
        if let idleTimer { context.cancelTimer(idleTimer) }
        requestTimer = nil
        idleTimer = nil
        idleDeadline = nil
    }
}
