import Foundation
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
        return answer
    }
}

/// Listens on 127.0.0.1 port 0, accepts one connection on a thread, reads the request head, writes
/// `reply`, then closes or keeps the connection until the client closes it. The listener closes
/// after its one connection.
private final class OneReplyServer: Sendable {
    let port: Int

    init(reply: String, closesAfterReply: Bool) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard let port = bindToLoopback(listener), listen(listener, 1) == 0 else { close(listener); throw POSIXError(.EADDRNOTAVAIL) }
        self.port = port
        let replyBytes = Array(reply.utf8)
        Thread.detachNewThread {
            let connection = accept(listener, nil, nil)
            close(listener)
            guard connection >= 0 else { return }
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !received.ends(with: [13, 10, 13, 10]) {
                let count = read(connection, &buffer, buffer.count)
                guard count > 0 else { close(connection); return }
                received += buffer[..<count]
            }
            if !replyBytes.isEmpty { _ = replyBytes.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) } }
            if !closesAfterReply {
                while read(connection, &buffer, buffer.count) > 0 {}  // until the client closes
            }
            close(connection)
        }
    }

    var context: ScenarioContext {
        ScenarioContext(scenarioID: "test/raw", seed: 1, runToken: "test", timeoutFactor: 4, target: BaseURLTarget(baseURL: "http://127.0.0.1:\(port)"))
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
