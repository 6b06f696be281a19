import Testing
import NetworkCore
#if canImport(Glibc)
import Glibc
#endif

@Suite struct ListenerTests {
    @Test func portZeroPicksAFreePort() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let ports = try await loop.submit { context throws(NetworkError) in
            let first = try context.listen(host: "127.0.0.1", port: 0) { _ in RecordingHandler(log: ConnectionLog()) }
            let second = try context.listen(host: "127.0.0.1", port: 0, backlog: 8) { _ in RecordingHandler(log: ConnectionLog()) }
            return [first.port, second.port]
        }
        #expect(ports.allSatisfy { $0 > 0 && $0 <= 65535 })
        #expect(ports[0] != ports[1])
    }

    @Test func bindingATakenPortFails() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        await #expect(throws: NetworkError.system(call: "bind", errno: EADDRINUSE)) {
            try await loop.submit { context throws(NetworkError) in
                let first = try context.listen(host: "127.0.0.1", port: 0) { _ in RecordingHandler(log: ConnectionLog()) }
                _ = try context.listen(host: "127.0.0.1", port: first.port) { _ in RecordingHandler(log: ConnectionLog()) }
            }
        }
    }

    @Test func listensOnLocalhostByName() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let log = ConnectionLog()
        let port = try await startEchoServer(on: loop, log: log)
        let id = try await loop.submit { context in
            context.connect(host: "localhost", port: port, handler: RecordingHandler(log: log, onConnect: { $0.write([42]) })).id
        }
        #expect(await eventually { log.record(id).received == [42] })
    }

    @Test func closeIsIdempotentAndStopsAccepting() async throws {
        final class ListenerBox {
            var listener: Listener?
        }
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let serverLog = ConnectionLog()
        let clientLog = ConnectionLog()
        let (port, firstID) = try await loop.submit { context throws(NetworkError) in
            let box = ListenerBox()
            // Close the listener once it has accepted its first connection.
            box.listener = try context.listen(host: "127.0.0.1", port: 0) { _ in
                box.listener?.close()
                box.listener?.close()
                #expect(box.listener?.isOpen == false)
                return RecordingHandler(log: serverLog, onRead: { connection, bytes in connection.write(bytes) })
            }
            let port = box.listener?.port ?? 0
            let first = context.connect(host: "127.0.0.1", port: port, handler: RecordingHandler(log: clientLog))
            return (port, first.id)
        }
        #expect(await eventually { serverLog.all.count == 1 })
        let refusedID = try await loop.submit { context in
            context.connect(host: "127.0.0.1", port: port, handler: RecordingHandler(log: clientLog)).id
        }
        #expect(await eventually { clientLog.record(refusedID).closeErrors.count == 1 })
        #expect(clientLog.record(refusedID).closeErrors == [.connectFailed(errno: ECONNREFUSED)])
        // The accepted connection still works.
        try await loop.submit { $0.connection(firstID)?.write(Array("still here".utf8)) }
        #expect(await eventually { clientLog.record(firstID).received == Array("still here".utf8) })
    }
}
