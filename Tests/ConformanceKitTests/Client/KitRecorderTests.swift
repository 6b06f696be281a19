import Synchronization
import Testing
import WireCodecs
@testable import ConformanceKit

/// The client on its own: a session opened with a plain recorder (no scenario) reports its operations,
/// wire trace and heartbeat there, and throws `KitClientError`s, never a verdict.
@Suite("KitSession with a recorder of its own", .serialized)
struct KitRecorderTests {
    final class Recorder: KitRecorder {
        let clock = KitClock()
        let history: History
        let wireTrace: WireTrace
        let heartbeats = Mutex<[Duration]>([])

        init() {
            history = History(clock: clock)
            wireTrace = WireTrace(clock: clock)
        }

        func noteHeartbeat(pingInterval: Int, pingTimeout: Int) {
            heartbeats.withLock { $0.append(.milliseconds(pingInterval + pingTimeout)) }
        }
    }

    @Test(arguments: [TransportKind.webSocket, .polling])
    func sessionReportsToItsRecorder(transport: TransportKind) async throws {
        let fixture = try ReferenceServerFixture(pingInterval: 300, pingTimeout: 10_000)
        defer { fixture.stop() }
        let recorder = Recorder()
        let address = try #require(KitServerAddress(baseURL: fixture.baseURL))
        let session = try await KitSession.open(
            address: address, label: "solo#1", transport: transport, autoPong: true, recorder: recorder,
            settings: KitClientSettings(timeoutFactor: 4))
        try await session.connectRoot(as: "solo-user", operation: nil)
        let history = try await session.join("solo-user")
        #expect(history.conversations.isEmpty)
        await session.close()
        #expect(recorder.heartbeats.withLock { $0 } == [.milliseconds(10_300)])
        let kinds = recorder.history.operations.map(\.kind)
        #expect(kinds.contains(.join))
        #expect(kinds.contains(.receive(event: "all_messages")))
        #expect(recorder.history.operations.allSatisfy { $0.process == "solo#1" && $0.outcome == .ok })
        let sent = recorder.wireTrace.entries(sessions: ["solo#1"]).filter { $0.direction == .sent }.map(\.text)
        #expect(sent.contains(#"42["join","solo-user"]"#))
    }

    @Test func typedErrorsFromTheTransport() async throws {
        let fixture = try ReferenceServerFixture()
        defer { fixture.stop() }
        let recorder = Recorder()
        let address = try #require(KitServerAddress(baseURL: fixture.baseURL))
        let settings = KitClientSettings(timeoutFactor: 4)
        let session = try await KitSession.open(
            address: address, label: "solo#2", transport: .webSocket, autoPong: true, recorder: recorder, settings: settings)
        let notPolling = await #expect(throws: KitClientError.self) { try await session.upgradeToWebSocket() }
        #expect(notPolling == .wrongTransport(reason: "solo#2 is not on polling: nothing to upgrade"))
        await session.close()
        let closed = await #expect(throws: KitClientError.self) { try await session.sendSocketIO(.event("join", [.string("x")])) }
        // The reason is whichever came first: the client's close, or the server's answer to its close packet.
        guard case .sessionClosed(session: "solo#2", _)? = closed else { Issue.record("expected sessionClosed, got \(String(describing: closed))"); return }

        let refused = ReservedClosedPort()
        defer { withExtendedLifetime(refused) {} }
        let nowhere = try #require(KitServerAddress(baseURL: "http://127.0.0.1:\(refused.port)"))
        let unreachable = await #expect(throws: KitClientError.self) {
            _ = try await KitSession.open(address: nowhere, label: "solo#3", transport: .polling, autoPong: true, recorder: recorder, settings: settings)
        }
        guard case .unreachable? = unreachable else { Issue.record("expected unreachable, got \(String(describing: unreachable))"); return }
    }
}
