import Foundation
import ReferenceServer
import Testing
import WireCodecs
#if canImport(Glibc)
import Glibc
#endif

/// What a test client saw that it did not expect.
struct TestClientError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Every wait in these tests is bounded by this (no test can hang).
let testTimeout: Duration = .seconds(5)

/// Starts a server on 127.0.0.1 port 0 with a fresh temporary database, runs `body`, stops it.
func withServer(
    databasePath: String? = nil,
    _ configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: (ReferenceServer) throws -> Void
) throws {
    var configuration = ServerConfiguration(port: 0, databasePath: databasePath ?? temporaryDatabasePath(), logLevel: .error)
    configure(&configuration)
    let server = try ReferenceServer.start(configuration: configuration)
    defer { server.stop() }
    try body(server)
}

func temporaryDatabasePath() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("server-test-\(UUID().uuidString).db").path
}

/// A blocking TCP connection to 127.0.0.1 whose reads are bounded by `poll(2)`.
final class RawConnection {
    private(set) var descriptor: Int32

    init(port: Int, receiveBufferSize: Int32? = nil) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestClientError("socket failed") }
        if var size = receiveBufferSize {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard status == 0 else {
            let code = errno
            // deinit runs even though init throws (self is fully initialized): it closes the socket,
            // once. Closing it here too closed whatever descriptor the number belonged to by then
            // (another test's socket, in the shared test process), which then hung without an event.
            close()
            throw TestClientError("connect to port \(port) failed: errno \(code)")
        }
    }

    deinit { close() }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw TestClientError("send failed: errno \(errno)") }
            offset += sent
        }
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Bytes received within `timeout`: nil on timeout, empty at end of stream (or reset).
    func receive(timeout: Duration = testTimeout) -> [UInt8]? {
        var descriptorSet = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        guard poll(&descriptorSet, 1, milliseconds) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        return count > 0 ? Array(buffer[0..<count]) : []
    }

    /// Whether the peer closes the connection within `timeout` (reading and dropping what arrives).
    func isClosedByPeer(within timeout: Duration = testTimeout) -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            guard let bytes = receive(timeout: .milliseconds(100)) else { continue }
            if bytes.isEmpty { return true }
        }
        return false
    }

    func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }
}

/// HTTP/1.1 over a `RawConnection`, with the package's own response parser.
final class TestHTTPClient {
    let connection: RawConnection
    private var parser = HTTPResponseParser()

    init(port: Int) throws {
        connection = try RawConnection(port: port)
    }

    static func request(
        _ method: String, _ target: String, headers: [(String, String)] = [], body: String? = nil
    ) -> [UInt8] {
        var head = HTTPRequestHead(method: method, target: target, headers: HTTPHeaders([("Host", "127.0.0.1")] + headers))
        if let body { head.headers.add(name: "Content-Length", value: String(body.utf8.count)) }
        return HTTPRequest(head: head, body: Array((body ?? "").utf8)).serialized()
    }

    /// Sends one request and reads its response.
    func send(_ method: String, _ target: String, headers: [(String, String)] = [], body: String? = nil) throws -> HTTPResponse {
        try connection.send(Self.request(method, target, headers: headers, body: body))
        return try readResponse()
    }

    /// The next response, within the test timeout.
    func readResponse() throws -> HTTPResponse {
        let deadline = ContinuousClock.now.advanced(by: testTimeout)
        while true {
            if let response = try parser.nextResponse() { return response }
            guard ContinuousClock.now < deadline, let bytes = connection.receive() else { throw TestClientError("no response in time") }
            guard !bytes.isEmpty else { throw TestClientError("connection closed before a response") }
            parser.append(bytes)
        }
    }
}

extension HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue? { try? JSONParser.parse(body) }
}

/// A WebSocket client (masked frames) over a `RawConnection`.
final class TestWebSocket {
    let connection: RawConnection
    private var parser = WebSocketMessageParser(role: .client, maxFrameSize: 1 << 24, maxMessageSize: 1 << 24)
    private var generator = SystemRandomNumberGenerator()

    init(port: Int, target: String, receiveBufferSize: Int32? = nil) throws {
        connection = try RawConnection(port: port, receiveBufferSize: receiveBufferSize)
        let key = WebSocketHandshake.makeKey(using: &generator)
        let head = WebSocketHandshake.clientRequest(host: "127.0.0.1", target: target, key: key)
        try connection.send(head.serialized())
        var responseParser = HTTPResponseParser()
        responseParser.expectResponse(toMethod: "GET")
        let deadline = ContinuousClock.now.advanced(by: testTimeout)
        while true {
            if let response = try responseParser.nextResponse() {
                try WebSocketHandshake.validateServerResponse(response.head, key: key)
                parser.append(responseParser.takeUnparsedBytes())
                return
            }
            guard ContinuousClock.now < deadline, let bytes = connection.receive(), !bytes.isEmpty else {
                throw TestClientError("no 101 in time")
            }
            responseParser.append(bytes)
        }
    }

    func sendText(_ text: String) throws {
        var frame: [UInt8] = []
        WebSocketFrame.appendText(text, maskingKey: WebSocketFrame.makeMaskingKey(using: &generator), to: &frame)
        try connection.send(frame)
    }

    /// The next message within `timeout`; nil on timeout; throws at end of stream.
    func nextMessage(timeout: Duration = testTimeout) throws -> WebSocketMessage? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            if let message = try parser.nextMessage() { return message }
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero, let bytes = connection.receive(timeout: remaining) else { return nil }
            guard !bytes.isEmpty else { throw TestClientError("WebSocket closed") }
            parser.append(bytes)
        }
    }

    /// The next text message (answering nothing), within `timeout`.
    func nextText(timeout: Duration = testTimeout) throws -> String? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            guard let message = try nextMessage(timeout: ContinuousClock.now.duration(to: deadline)) else { return nil }
            if case .text(let text) = message { return text }
            if case .close = message { throw TestClientError("WebSocket close frame: \(message)") }
        }
        return nil
    }

    /// The close code the server sends within the timeout (nil if none came).
    func closeCode() -> UInt16? {
        let deadline = ContinuousClock.now.advanced(by: testTimeout)
        while ContinuousClock.now < deadline {
            guard let message = try? nextMessage(timeout: ContinuousClock.now.duration(to: deadline)) else { return nil }
            if case .close(let code, _) = message { return code }
        }
        return nil
    }
}

/// A Socket.IO v5 client over a WebSocket-only Engine.IO v4 session; answers pings.
final class TestSocketIOClient {
    let webSocket: TestWebSocket
    let open: EngineIOOpenPayload
    let socketID: String
    var isAnsweringPings = true

    /// `connectPayload`: the CONNECT's JSON (`{"token":"…"}`, Spec AUTH-2), empty for none.
    init(port: Int, receiveBufferSize: Int32? = nil, connectPayload: String = "") throws {
        webSocket = try TestWebSocket(port: port, target: "/socket.io/?EIO=4&transport=websocket", receiveBufferSize: receiveBufferSize)
        guard let first = try webSocket.nextText(), case .open(let payload) = try EngineIOPacket.decode(text: first) else {
            throw TestClientError("no open packet")
        }
        open = payload
        try webSocket.sendText("40" + connectPayload)
        guard let connect = try webSocket.nextText(), connect.hasPrefix("40"),
              let sid = try JSONParser.parse(String(connect.dropFirst(2)))["sid"]?.stringValue
        else { throw TestClientError("no CONNECT answer") }
        socketID = sid
    }

    func emit(_ name: String, _ argumentJSON: String, ackID: Int? = nil) throws {
        try webSocket.sendText("42\(ackID.map(String.init) ?? "")[\"\(name)\",\(argumentJSON)]")
    }

    /// The next Socket.IO packet (pings answered and skipped), within `timeout`.
    func nextPacket(timeout: Duration = testTimeout) throws -> SocketIOPacket? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            guard let text = try webSocket.nextText(timeout: ContinuousClock.now.duration(to: deadline)) else { return nil }
            if text == "2" {
                if isAnsweringPings { try webSocket.sendText("3") }
                continue
            }
            guard text.hasPrefix("4") else { continue }
            return try SocketIOPacket.decode(String(text.dropFirst()))
        }
        return nil
    }

    /// The next event as (name, first argument), within `timeout`.
    func nextEvent(timeout: Duration = testTimeout) throws -> (name: String, argument: JSONValue?)? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            guard let packet = try nextPacket(timeout: ContinuousClock.now.duration(to: deadline)) else { return nil }
            if packet.type == .event, let name = packet.eventName { return (name, packet.eventArguments.first) }
        }
        return nil
    }

    /// Joins and returns the `all_messages` argument.
    func join(_ user: String) throws -> JSONValue? {
        try emit("join", "\"\(user)\"")
        guard let event = try nextEvent(), event.name == "all_messages" else { throw TestClientError("no all_messages") }
        return event.argument
    }
}

/// POSTs a message on a fresh connection and returns the response.
@discardableResult
func postMessage(port: Int, sender: String, receiver: String, content: String) throws -> HTTPResponse {
    let body = #"{"sender":"\#(sender)","receiver":"\#(receiver)","content":"\#(content)"}"#
    return try TestHTTPClient(port: port).send("POST", "/messages", headers: [("Content-Type", "application/json")], body: body)
}
