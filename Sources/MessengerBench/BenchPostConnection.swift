import NetworkCore
import WireCodecs

/// One keep-alive HTTP/1.1 connection sending `POST /messages`, pipelined: up to the driver's depth
/// of requests in flight, answered in order (RFC 9112 §9.3.2; Spec HTTP-2). Loop-confined.
final class BenchPostConnection: ConnectionHandler {
    let index: Int
    /// The deployment node this connection POSTs to (index into the driver's endpoints).
    let node: Int
    let endpoint: BenchEndpoint
    unowned let driver: BenchDriver
    private(set) var connection: Connection?
    private(set) var isConnected = false
    private(set) var isClosed = false
    private var parser = HTTPResponseParser()
    /// Sequences in flight, oldest first (`inFlight[inFlightStart...]`).
    private var inFlight: [Int] = []
    private var inFlightStart = 0
    private var request: [UInt8] = []

    init(index: Int, node: Int, endpoint: BenchEndpoint, driver: BenchDriver) {
        self.index = index
        self.node = node
        self.endpoint = endpoint
        self.driver = driver
    }

    var inFlightCount: Int { inFlight.count - inFlightStart }
    var isUsable: Bool { isConnected && !isClosed }

    func start(context: LoopContext) {
        connection = context.connect(host: endpoint.host, port: endpoint.port, handler: self)
    }

    func close() {
        isClosed = true
        connection?.close()
    }

    /// Sends `POST /messages` for message `sequence` to user `receiver`.
    func send(sequence: Int, receiver: Int) {
        guard let connection, isUsable else { return }
        let body = driver.content.postBody(sequence: sequence, receiver: receiver)
        request.removeAll(keepingCapacity: true)
        request.append(contentsOf: endpoint.requestHeadPrefix)
        request.append(contentsOf: driver.content.senderAuthorizationLine)
        request.append(contentsOf: BenchEndpoint.contentLengthName)
        request.append(contentsOf: String(body.utf8.count).utf8)
        request.append(contentsOf: [0x0D, 0x0A, 0x0D, 0x0A])
        request.append(contentsOf: body.utf8)
        if inFlightStart > 1024, inFlightStart * 2 > inFlight.count {
            inFlight.removeFirst(inFlightStart)
            inFlightStart = 0
        }
        inFlight.append(sequence)
        parser.expectResponse(toMethod: "POST")
        connection.write(request)
    }

    // MARK: ConnectionHandler

    func connectionDidConnect(_ connection: Connection) {
        isConnected = true
        driver.postConnectionIsReady(self)
    }

    func connectionDidRead(_ connection: Connection, _ bytes: UnsafeRawBufferPointer) {
        let arrival = BenchClock.nanoseconds()
        parser.append(bytes)
        while !isClosed {
            let response: HTTPResponse?
            do {
                response = try parser.nextResponse()
            } catch {
                fail("malformed response: \(error)")
                return
            }
            guard let response else { return }
            guard inFlightStart < inFlight.count else {
                fail("a response to no request")
                return
            }
            let sequence = inFlight[inFlightStart]
            inFlightStart += 1
            driver.postDidAnswer(self, sequence: sequence, status: response.head.status, arrival: arrival)
        }
    }

    func connectionDidClose(_ connection: Connection, error: NetworkError?) {
        let wasClosed = isClosed
        isClosed = true
        if !wasClosed {
            driver.postConnectionDidFail(self, reason: error.map { "\($0)" } ?? "closed by the server", unanswered: inFlightCount)
        }
    }

    private func fail(_ reason: String) {
        guard !isClosed else { return }
        isClosed = true
        connection?.close()
        driver.postConnectionDidFail(self, reason: reason, unanswered: inFlightCount)
    }
}
