import Foundation
import Synchronization
import Testing
import WireCodecs
@testable import ConformanceKit

/// `KitRawConnection.readAnswer` against a one-connection server that answers with fixed bytes: a
/// complete response ends the read at once even when the server keeps the connection open.
@Suite("KitRawConnection")
struct KitRawConnectionTests {
    @Test func keepAliveAnswerEndsTheReadWithoutWaitingForTheClose() async throws {
        // The server holds the connection until the client closes: only the parsed response can end this read.
        let answer = try await answer(
            to: "NOT AN HTTP REQUEST\r\n\r\n", reply: "HTTP/1.1 400 Bad Request\r\nContent-Length: 11\r\n\r\nbad request",
            closesAfterReply: false)
        guard case .response(let response) = answer else { Issue.record("expected a response, got \(answer)"); return }
        #expect(response.head.status == 400)
        #expect(response.body == Array("bad request".utf8))
    }

    @Test func closeWithoutBytesIsClosed() async throws {
        let answer = try await answer(to: "GET / HTTP/1.1\r\nBroken\r\n\r\n", reply: "", closesAfterReply: true)
        guard case .closed(let bytes) = answer else { Issue.record("expected closed, got \(answer)"); return }
        #expect(bytes.isEmpty)
    }

    @Test func garbageIsMalformedWithItsBytes() async throws {
        let answer = try await answer(to: "GET / HTTP/1.1\r\n\r\n", reply: "<h1>oops</h1>\r\n\r\n", closesAfterReply: false)
        guard case .malformed(let bytes, _) = answer else { Issue.record("expected malformed, got \(answer)"); return }
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("<h1>oops"))
    }

    @Test func silenceTimesOut() async throws {
        let answer = try await answer(to: "GET / HTTP/1.1\r\n\r\n", reply: "", closesAfterReply: false, timeout: .milliseconds(200))
        guard case .timedOut(let bytes) = answer else { Issue.record("expected a time-out, got \(answer)"); return }
        #expect(bytes.isEmpty)
    }

    /// Sends `request` raw to a `OneReplyServer` and reads its answer.
    private func answer(
        to request: String, reply: String, closesAfterReply: Bool, timeout: Duration = .seconds(60)
    ) async throws -> KitRawConnection.Answer {
        let server = try OneReplyServer(reply: reply, closesAfterReply: closesAfterReply)
        let raw = try await server.context.rawConnection("raw#1")
        await raw.send(Array(request.utf8))
        let answer = await raw.readAnswer(toMethod: String(request.prefix { $0 != " " }), timeout: timeout)
        raw.close()
        if case .timedOut = answer, timeout > .seconds(1) {
            Issue.record("no answer within \(timeout) from 127.0.0.1:\(server.port); the server saw: \(server.log)")
        }
        withExtendedLifetime(server) {}  // its deinit stops the listener
        return answer
    }
}

/// Listens on 127.0.0.1 port 0 and answers every connection on a thread of its own: reads the request
/// head, writes `reply`, then closes or keeps the connection until the client closes it. Every connection
/// is served, not only the first: the tests run in one process with others, and a stray probe of
/// another test may connect here first. What the server saw is kept for the
/// failure message (`log`). The listener closes when the value is released.
private final class OneReplyServer: Sendable {
    let port: Int
    private let listener: Int32
    private let events = ServerEvents()
    private let stop = Stop()

    init(reply: String, closesAfterReply: Bool) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard let port = bindToLoopback(listener), listen(listener, 16) == 0 else { close(listener); throw POSIXError(.EADDRNOTAVAIL) }
        self.port = port
        self.listener = listener
        let replyBytes = Array(reply.utf8)
        Thread.detachNewThread { [events, stop] in
            while true {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else {
                    // Only the shutdown of deinit ends this loop, and only then is the listener closed:
                    // this thread closes it, so no other descriptor can take its number while deinit may
                    // still shut it down. Any other failure (EINTR: a signal handled on this thread, as
                    // the SIGCHLD of another test's child; ECONNABORTED; EMFILE) is tried again. This
                    // thread used to close the listener on any failure, so deinit's shutdown later hit
                    // whatever socket had taken the number: a kit WebSocket of a test running beside
                    // these was cut (the server closed it 1000, "transport close", in two CI runs).
                    if stop.isStopping.load(ordering: .acquiring) {
                        close(listener)
                        return
                    }
                    if errno != EINTR { usleep(1_000) }
                    continue
                }
                // A child process another test starts meanwhile must not hold it open after close().
                _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
                events.append("accepted \(connection)")
                Thread.detachNewThread {
                    Self.serve(connection, reply: replyBytes, closesAfterReply: closesAfterReply, events: events)
                }
            }
        }
    }

    deinit {
        stop.isStopping.store(true, ordering: .releasing)
        shutdown(listener, Int32(SHUT_RDWR))
    }

    /// Set by deinit before it shuts the listener down (a class of its own: the accept thread must not
    /// keep the server alive).
    private final class Stop: Sendable {
        let isStopping = Atomic<Bool>(false)
    }

    /// What the server did so far, one line per step.
    var log: String { events.lines.joined(separator: "; ") }

    private static func serve(_ connection: Int32, reply: [UInt8], closesAfterReply: Bool, events: ServerEvents) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !received.ends(with: [13, 10, 13, 10]) {
            let count = read(connection, &buffer, buffer.count)
            guard count > 0 else {
                events.append("\(connection): read \(count) after \(received.count) bytes, closed")
                close(connection)
                return
            }
            received += buffer[..<count]
        }
        events.append("\(connection): request of \(received.count) bytes")
        if !reply.isEmpty { _ = reply.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) } }
        if !closesAfterReply {
            while read(connection, &buffer, buffer.count) > 0 {}  // until the client closes
        }
        close(connection)
        events.append("\(connection): closed")
    }

    /// The steps the server took, from every thread that serves.
    final class ServerEvents: Sendable {
        private let storage = Mutex<[String]>([])
        func append(_ line: String) { storage.withLock { $0.append(line) } }
        var lines: [String] { storage.withLock { $0 } }
    }

    var context: ScenarioContext {
        ScenarioContext(scenarioID: "test/raw", seed: 1, runToken: "test", timeoutFactor: 4, target: BaseURLTarget(baseURL: "http://127.0.0.1:\(port)"))
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
