import Testing
import WireCodecs
@testable import ConformanceKit

@Suite("KitWebSocket against the reference server", .serialized)
struct KitWebSocketTests {
    static func open(_ fixture: ReferenceServerFixture, answersEngineIOPings: Bool) async throws -> KitWebSocket {
        let address = try #require(KitServerAddress(baseURL: fixture.baseURL))
        let opened = await KitWebSocket.open(
            address: address, target: KitSession.target(transport: "websocket"), timeout: .seconds(5), answersEngineIOPings: answersEngineIOPings)
        return try opened.get()
    }

    /// Everything received so far, without waiting past what is queued (a short bound per item).
    static func drain(_ webSocket: KitWebSocket) async -> [KitWebSocket.Received] {
        var received: [KitWebSocket.Received] = []
        while true {
            let next = await webSocket.receive(timeout: .milliseconds(50))
            received.append(next)
            if next == .timedOut || next == .closed { return received }
        }
    }

    /// The pongs go out on the loop: a session nobody reads outlives several pingInterval + pingTimeout.
    @Test func pingsAreAnsweredWithoutAnyoneReading() async throws {
        let fixture = try ReferenceServerFixture(pingInterval: 100, pingTimeout: 400)
        defer { fixture.stop() }
        let webSocket = try await Self.open(fixture, answersEngineIOPings: true)
        // Without pongs the server closes the session after 500 ms; wait for four times that.
        try await Task.sleep(for: .seconds(2))
        let received = await Self.drain(webSocket)
        #expect(!webSocket.isClosed)
        #expect(received.last == .timedOut)
        guard case .message(.text(let open))? = received.first else {
            Issue.record("expected the open packet first, got \(received)")
            return
        }
        #expect(open.hasPrefix("0{"))
        let answered = received.filter { $0 == .answered(.text("2")) }
        #expect(answered.count >= 3)
        #expect(received.count == answered.count + 2)
        webSocket.close()
    }

    /// Without `answersEngineIOPings` the loop leaves Engine.IO pings alone: the server times the session out.
    @Test func unansweredPingsLetTheServerClose() async throws {
        let fixture = try ReferenceServerFixture(pingInterval: 100, pingTimeout: 400)
        defer { fixture.stop() }
        let webSocket = try await Self.open(fixture, answersEngineIOPings: false)
        try await Task.sleep(for: .seconds(2))
        let received = await Self.drain(webSocket)
        #expect(webSocket.isClosed)
        #expect(received.contains(.message(.text("2"))))
        #expect(!received.contains { if case .answered = $0 { true } else { false } })
    }
}
