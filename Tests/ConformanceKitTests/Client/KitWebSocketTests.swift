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

    /// The pongs go out on the loop: a session nobody reads keeps being pinged. The reference server
    /// sends its next ping only once the previous one was answered, so three answered pings prove the
    /// pongs reached it. The ping timeout is long because the whole suite oversubscribes 2 cores: a
    /// starved test process once took 7.5 s over a 2 s wait and missed a 400 ms timeout.
    @Test func pingsAreAnsweredWithoutAnyoneReading() async throws {
        let fixture = try ReferenceServerFixture(pingInterval: 100, pingTimeout: 10_000)
        defer { fixture.stop() }
        let webSocket = try await Self.open(fixture, answersEngineIOPings: true)
        var received: [KitWebSocket.Received] = []
        // Nobody reads during each 1 s wait; a few rounds at most, for a starved process.
        for _ in 0..<8 where received.filter({ $0 == .answered(.text("2")) }).count < 3 {
            try await Task.sleep(for: .seconds(1))
            received += await Self.drain(webSocket).filter { $0 != .timedOut }
        }
        #expect(!webSocket.isClosed)
        #expect(!received.contains(.closed))
        if received.contains(.closed) {
            // Why the server closed it (two full CI runs saw a close 1000 within the first second).
            let metrics = try? await fixture.context().http("GET", "/metrics")
            let closes = metrics.map { String(decoding: $0.body, as: UTF8.self) }?.split(separator: "\n")
                .filter { $0.hasPrefix("messenger_sessions_closed_total") || $0.hasPrefix("messenger_connections_shed") } ?? []
            Issue.record("the server's counters: \(closes.joined(separator: ", "))")
        }
        guard case .message(.text(let open))? = received.first else {
            Issue.record("expected the open packet first, got \(received)")
            return
        }
        #expect(open.hasPrefix("0{"))
        let answered = received.filter { $0 == .answered(.text("2")) }
        #expect(answered.count >= 3)
        #expect(received.count == answered.count + 1, "only the open packet and answered pings: \(received)")
        webSocket.close()
    }

    /// Without `answersEngineIOPings` the loop leaves Engine.IO pings alone: the server times the session out.
    @Test func unansweredPingsLetTheServerClose() async throws {
        let fixture = try ReferenceServerFixture(pingInterval: 100, pingTimeout: 400)
        defer { fixture.stop() }
        let webSocket = try await Self.open(fixture, answersEngineIOPings: false)
        var received: [KitWebSocket.Received] = []
        // The server closes 500 ms after opening; up to 20 s for a starved process.
        while received.last != .closed && received.last != .timedOut {
            received.append(await webSocket.receive(timeout: .seconds(20)))
        }
        #expect(received.last == .closed)
        #expect(webSocket.isClosed)
        #expect(received.contains(.message(.text("2"))))
        #expect(!received.contains { if case .answered = $0 { true } else { false } })
    }
}
