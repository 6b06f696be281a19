import Foundation
import NetworkCore
import Synchronization
import Testing
import WireCodecs
@testable import ReferenceServer

/// `HTTPConnectionHandler` and `WebSocketConnectionHandler` on a real loop and socket, with a scripted
/// core in place of `ServerCore`: what the handlers themselves do (answer order, malformed input,
/// timeouts, aborted requests, the hand-over to WebSocket), apart from the server's logic.
@Suite(.serialized) struct HTTPConnectionHandlerTests {
    /// A `ServerConnectionCore` that records what the handlers tell it and answers by a script: each
    /// request whose target is in `held` is kept (answered later by the test), every other one is
    /// answered 200 with its target as the body, at once.
    final class ScriptedCore: ServerConnectionCore {
        struct Recorded {
            var targets: [String] = []
            var held: [String: PendingRequest] = [:]
            var aborted: [UInt64] = []
            var webSocketTexts: [String] = []
            var webSocketsOpened = 0
            var webSocketsClosed = 0
            var endpoint: (any WebSocketEndpoint)?
        }

        let configuration: ServerConfiguration
        let logger = ServerLogger(level: .error)
        let holds: Set<String>
        let admits: Bool
        /// Confined to the loop, like `ServerCore`'s state; the test reads it with `Harness.snapshot`.
        let recorded: LoopBound<Recorded>

        init(loop: EventLoop, configuration: ServerConfiguration, holding: Set<String>, admits: Bool) {
            self.configuration = configuration
            self.holds = holding
            self.admits = admits
            recorded = LoopBound(Recorded(), loop: loop)
        }

        func connectionOpened(_ connection: Connection, handler: HTTPConnectionHandler) -> Bool { admits }
        func freeDescriptorsIfNeeded(context: LoopContext) {}
        func connectionClosed(_ connection: Connection, error: NetworkError?, sid: String?) {}

        func handleRequest(_ request: HTTPRequest, pending: PendingRequest, context: LoopContext) {
            let target = request.head.target
            let isHeld = holds.contains(target)
            recorded.withValue {
                $0.targets.append(target)
                if isHeld { $0.held[target] = pending }
            }
            if target == "/upgrade", let key = request.head.headers["Sec-WebSocket-Key"] {
                pending.responder.upgrade(sequence: pending.sequence, key: key, sid: nil)
            } else if !isHeld {
                pending.responder.complete(sequence: pending.sequence, response: Self.answer(target), closesConnection: false)
            }
        }

        /// Answers the held request for `target` (on the loop thread).
        func completeHeld(_ target: String) {
            guard let pending = recorded.withValue({ $0.held.removeValue(forKey: target) }) else { return }
            pending.responder.complete(sequence: pending.sequence, response: Self.answer(target), closesConnection: false)
        }

        func requestAborted(_ request: PendingRequest, context: LoopContext) {
            recorded.withValue { $0.aborted.append(request.sequence) }
        }

        func webSocketOpened(_ endpoint: any WebSocketEndpoint, sid: String?, context: LoopContext) {
            recorded.withValue {
                $0.webSocketsOpened += 1
                $0.endpoint = endpoint
            }
            endpoint.attached(to: "sid-1")
        }

        func webSocketReceived(_ message: ServerState.WebSocketMessage, from endpoint: any WebSocketEndpoint, sid: String, context: LoopContext) {
            guard case .text(let text) = message else { return }
            recorded.withValue { $0.webSocketTexts.append(text) }
            endpoint.write(WebSocketFrame(opcode: .text, payload: Array(("echo " + text).utf8)).serialized())
        }

        func webSocketClosed(_ endpoint: any WebSocketEndpoint, sid: String, context: LoopContext) {
            recorded.withValue { $0.webSocketsClosed += 1 }
        }

        static func answer(_ target: String) -> HTTPResponse {
            var response = HTTPResponse(head: HTTPResponseHead(status: 200), body: Array(target.utf8))
            response.head.headers.add(name: "Content-Type", value: "text/plain")
            return response
        }
    }

    /// A loop listening on 127.0.0.1 port 0 with `core` behind every connection.
    final class Harness {
        let loop: EventLoop
        let core: ScriptedCore
        let port: Int

        init(configuration: ServerConfiguration = ServerConfiguration(port: 0, databasePath: ""), holding: Set<String> = [], admits: Bool = true) async throws {
            loop = try EventLoop(configuration: NetworkConfiguration(log: { _ in }), name: "handler-test")
            let core = ScriptedCore(loop: loop, configuration: configuration, holding: holding, admits: admits)
            self.core = core
            port = try await loop.submit { context throws(NetworkError) -> Int in
                try context.listen(host: "127.0.0.1", port: 0) { HTTPConnectionHandler(core: core, connection: $0) }.port
            }
        }

        /// Runs `body` on the loop thread and waits for it.
        func onLoop(_ body: @escaping @Sendable () -> Void) async throws { try await loop.submit { _ in body() } }

        /// Reads what the core recorded, on the loop.
        func snapshot<Value: Sendable>(_ read: @escaping @Sendable (ScriptedCore.Recorded) -> Value) async throws -> Value {
            let core = core
            return try await loop.submit { _ in read(core.recorded.value) }
        }

        /// Polls `condition` on the recorded state for up to 3 s.
        func waitFor(_ condition: @escaping @Sendable (ScriptedCore.Recorded) -> Bool) async throws {
            let deadline = ContinuousClock.now + .seconds(3)
            while try await !snapshot(condition), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        }

        deinit { loop.shutdown() }
    }

    /// Reads from `client` until `count` complete responses arrived (or 5 s passed).
    static func responses(_ client: RawConnection, count: Int, methods: [String]) -> [HTTPResponse] {
        var parser = HTTPResponseParser()
        var responses: [HTTPResponse] = []
        let deadline = ContinuousClock.now + .seconds(5)
        parser.expectResponse(toMethod: methods[0])
        while responses.count < count, ContinuousClock.now < deadline {
            while let response = try? parser.nextResponse() {
                responses.append(response)
                if responses.count < methods.count { parser.expectResponse(toMethod: methods[responses.count]) }
            }
            guard responses.count < count, let bytes = client.receive(timeout: .milliseconds(100)) else { continue }
            if bytes.isEmpty { break }
            parser.append(bytes)
        }
        return responses
    }

    @Test func pipelinedAnswersGoOutInRequestOrderWhenAnEarlierOneIsHeld() async throws {
        let harness = try await Harness(holding: ["/held"])
        let core = harness.core
        let client = try RawConnection(port: harness.port)
        try client.send("GET /held HTTP/1.1\r\nHost: t\r\n\r\nGET /quick HTTP/1.1\r\nHost: t\r\n\r\n")
        // The second is answered by the core at once, but must wait for the first.
        #expect(client.receive(timeout: .milliseconds(300)) == nil)
        #expect(try await harness.snapshot { $0.targets } == ["/held", "/quick"])
        #expect(try await harness.snapshot { $0.held["/held"] != nil })
        try await harness.onLoop { core.completeHeld("/held") }
        let answers = Self.responses(client, count: 2, methods: ["GET", "GET"])
        #expect(answers.map { String(decoding: $0.body, as: UTF8.self) } == ["/held", "/quick"])
        #expect(try await harness.snapshot { $0.aborted }.isEmpty)
    }

    @Test func aMalformedRequestIsAnswered400AndClosedWithoutReachingTheCore() async throws {
        let harness = try await Harness()
        let client = try RawConnection(port: harness.port)
        try client.send("GET /a HTTP/1.1\r\nHost: t\r\nBroken header line\r\n\r\n")
        let answers = Self.responses(client, count: 1, methods: ["GET"])
        #expect(answers.first?.head.status == 400)
        #expect(client.isClosedByPeer(within: .seconds(3)))
        #expect(try await harness.snapshot { $0.targets }.isEmpty)
        withExtendedLifetime(harness) {}
    }

    @Test func aClosedConnectionAbortsItsUnansweredRequests() async throws {
        let harness = try await Harness(holding: ["/held"])
        let core = harness.core
        let client = try RawConnection(port: harness.port)
        try client.send("GET /quick HTTP/1.1\r\nHost: t\r\n\r\nGET /held HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(Self.responses(client, count: 1, methods: ["GET"]).count == 1)
        client.close()
        try await harness.waitFor { !$0.aborted.isEmpty }
        // The second request on the connection (sequence 1) was owed an answer; the first was answered.
        #expect(try await harness.snapshot { $0.aborted } == [1])
        withExtendedLifetime(harness) {}
    }

    @Test func aConnectionOverALimitIsAnswered503BeforeAnythingIsRead() async throws {
        let harness = try await Harness(admits: false)
        let client = try RawConnection(port: harness.port)
        let answers = Self.responses(client, count: 1, methods: ["GET"])
        #expect(answers.first?.head.status == 503)
        #expect(answers.first?.head.headers["Retry-After"] != nil)
        #expect(client.isClosedByPeer(within: .seconds(3)))
        #expect(try await harness.snapshot { $0.targets }.isEmpty)
        withExtendedLifetime(harness) {}
    }

    @Test func aRequestHeadThatTricklesPastItsTimeoutIsAnswered408() async throws {
        var configuration = ServerConfiguration(port: 0, databasePath: "")
        configuration.requestHeadTimeout = 200
        let harness = try await Harness(configuration: configuration)
        let client = try RawConnection(port: harness.port)
        try client.send("GET /slow HTTP/1.1\r\nHo")
        let answers = Self.responses(client, count: 1, methods: ["GET"])
        #expect(answers.first?.head.status == 408)
        #expect(client.isClosedByPeer(within: .seconds(3)))
        #expect(try await harness.snapshot { $0.targets }.isEmpty)
        withExtendedLifetime(harness) {}
    }

    @Test func anUpgradeHandsTheConnectionToAWebSocketHandler() async throws {
        let harness = try await Harness()
        let client = try RawConnection(port: harness.port)
        try client.send(
            "GET /upgrade HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        let answers = Self.responses(client, count: 1, methods: ["GET"])
        #expect(answers.first?.head.status == 101)
        #expect(answers.first?.head.headers["Sec-WebSocket-Accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        // A masked text frame reaches the core as text; its answer comes back as an unmasked frame.
        try client.send(Self.maskedText("hello"))
        var received: [UInt8] = []
        let deadline = ContinuousClock.now + .seconds(5)
        while !String(decoding: received, as: UTF8.self).contains("echo hello"), ContinuousClock.now < deadline {
            if let bytes = client.receive(timeout: .milliseconds(100)) { received += bytes }
        }
        #expect(received.first == 0x81)
        #expect(String(decoding: received, as: UTF8.self).contains("echo hello"))
        #expect(try await harness.snapshot { $0.webSocketTexts } == ["hello"])
        #expect(try await harness.snapshot { $0.webSocketsOpened } == 1)
        client.close()
        try await harness.waitFor { $0.webSocketsClosed > 0 }
        #expect(try await harness.snapshot { $0.webSocketsClosed } == 1)
        withExtendedLifetime(harness) {}
    }

    /// A client text frame (RFC 6455 §5.2): FIN, opcode 1, masked.
    static func maskedText(_ text: String) -> [UInt8] {
        let payload = Array(text.utf8)
        let mask: [UInt8] = [0x11, 0x22, 0x33, 0x44]
        return [0x81, 0x80 | UInt8(payload.count)] + mask + payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
    }
}
