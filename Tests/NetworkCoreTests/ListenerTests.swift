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

/// `listen(adopting:)`: a socket made elsewhere (socket activation) served as if the loop had bound it.
@Suite struct AdoptedListenerTests {
    /// A TCP socket bound to 127.0.0.1:0, listening when `isListening`; its port.
    static func makeSocket(isListening: Bool) throws -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        try #require(bound == 0)
        if isListening { try #require(listen(descriptor, 16) == 0) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }

    @Test func servesASocketMadeByTheCaller() async throws {
        let (descriptor, port) = try Self.makeSocket(isListening: true)
        // A client connected before the loop adopts the socket waits in its backlog and is served.
        let early = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(early) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(early, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0)
        let sent: [UInt8] = [7, 8]
        #expect(send(early, sent, 2, 0) == 2)

        let loop = try EventLoop()
        defer { loop.shutdown() }
        let log = ConnectionLog()
        let (host, adoptedPort) = try await loop.submit { context throws(NetworkError) in
            let listener = try context.listen(adopting: descriptor) { _ in
                RecordingHandler(log: log, onRead: { connection, bytes in connection.write(bytes) })
            }
            return (listener.host, listener.port)
        }
        #expect(host == "127.0.0.1")
        #expect(adoptedPort == port)
        let flags = fcntl(descriptor, F_GETFL)
        #expect(flags & O_NONBLOCK != 0, "made non-blocking")
        #expect(fcntl(descriptor, F_GETFD) & FD_CLOEXEC != 0, "made close-on-exec")
        var echoed = [UInt8](repeating: 0, count: 2)
        #expect(recv(early, &echoed, 2, Int32(MSG_WAITALL)) == 2)
        #expect(echoed == [7, 8])
        let clientLog = ConnectionLog()
        let id = try await loop.submit { context in
            context.connect(host: "127.0.0.1", port: port, handler: RecordingHandler(log: clientLog, onConnect: { $0.write([42]) })).id
        }
        #expect(await eventually { clientLog.record(id).received == [42] })
    }

    /// A listening socket on ::1 (nil when the host has no IPv6 loopback) and its port.
    static func makeIPv6Socket() -> (descriptor: Int32, port: Int)? {
        let descriptor = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        guard bound == 0, listen(descriptor, 16) == 0 else {
            close(descriptor)
            return nil
        }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return (descriptor, Int(UInt16(bigEndian: address.sin6_port)))
    }

    @Test(.enabled("no IPv6 loopback on this host") { makeIPv6Socket().map { close($0.descriptor) } != nil })
    func servesAnIPv6Socket() async throws {
        let (descriptor, port) = try #require(Self.makeIPv6Socket())
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let (host, adoptedPort) = try await loop.submit { context throws(NetworkError) in
            let listener = try context.listen(adopting: descriptor) { _ in
                RecordingHandler(log: ConnectionLog(), onRead: { connection, bytes in connection.write(bytes) })
            }
            return (listener.host, listener.port)
        }
        #expect(host == "::1")
        #expect(adoptedPort == port)
        let clientLog = ConnectionLog()
        let id = try await loop.submit { context in
            context.connect(host: "::1", port: port, handler: RecordingHandler(log: clientLog, onConnect: { $0.write([42]) })).id
        }
        #expect(await eventually { clientLog.record(id).received == [42] })
    }

    @Test func refusesAPipeAndANonListeningSocket() async throws {
        var pipeDescriptors: [Int32] = [0, 0]
        try #require(pipe(&pipeDescriptors) == 0)
        defer { pipeDescriptors.forEach { close($0) } }
        let (bound, _) = try Self.makeSocket(isListening: false)
        defer { close(bound) }
        let datagram = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(datagram) }
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let cases: [(Int32, String)] = [
            (pipeDescriptors[0], "socket operation on non-socket"), (bound, "not listening (listen(2) was not called)"),
            (datagram, "not a stream socket"), (9_999, "bad file descriptor"),
        ]
        for (descriptor, reason) in cases {
            await #expect(throws: NetworkError.unusableListenDescriptor(descriptor: descriptor, reason: reason)) {
                try await loop.submit { context throws(NetworkError) in
                    _ = try context.listen(adopting: descriptor) { _ in RecordingHandler(log: ConnectionLog()) }
                }
            }
            #expect(fcntl(descriptor, F_GETFD) >= 0 || descriptor == 9_999, "a refused descriptor stays open")
        }
    }
}
