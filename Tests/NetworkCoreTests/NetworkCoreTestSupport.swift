import Glibc
import NetworkCore
import Synchronization

/// What one connection saw, as recorded by `RecordingHandler` (readable from the test's thread).
struct ConnectionRecord: Sendable {
    var received: [UInt8] = []
    var connectCount = 0
    var drainCount = 0
    var closeErrors: [NetworkError?] = []
    var callbacksOffLoopThread = 0
}

/// Thread-safe event log shared by the handlers on the loops and the test.
final class ConnectionLog: Sendable {
    /// Guards the per-connection records (written on loop threads, read by the test).
    private let records = Mutex<[ConnectionID: ConnectionRecord]>([:])

    func update(_ id: ConnectionID, _ body: (inout ConnectionRecord) -> Void) {
        records.withLock { body(&$0[id, default: ConnectionRecord()]) }
    }

    func record(_ id: ConnectionID) -> ConnectionRecord {
        records.withLock { $0[id] ?? ConnectionRecord() }
    }

    var all: [ConnectionID: ConnectionRecord] {
        records.withLock { $0 }
    }

    /// Connections whose close was reported at least once.
    var closedCount: Int {
        records.withLock { $0.values.filter { !$0.closeErrors.isEmpty }.count }
    }
}

/// A handler that records every callback in a `ConnectionLog` and runs optional hooks.
final class RecordingHandler: ConnectionHandler {
    let log: ConnectionLog
    var onConnect: ((Connection) -> Void)?
    var onRead: ((Connection, UnsafeRawBufferPointer) -> Void)?
    var onClose: ((Connection, NetworkError?) -> Void)?

    init(
        log: ConnectionLog,
        onConnect: ((Connection) -> Void)? = nil,
        onRead: ((Connection, UnsafeRawBufferPointer) -> Void)? = nil,
        onClose: ((Connection, NetworkError?) -> Void)? = nil
    ) {
        self.log = log
        self.onConnect = onConnect
        self.onRead = onRead
        self.onClose = onClose
    }

    private func noteThread(_ connection: Connection, _ record: inout ConnectionRecord) {
        if !connection.context.eventLoop.isInLoopThread { record.callbacksOffLoopThread += 1 }
    }

    func connectionDidConnect(_ connection: Connection) {
        log.update(connection.id) { record in
            record.connectCount += 1
            noteThread(connection, &record)
        }
        onConnect?(connection)
    }

    func connectionDidRead(_ connection: Connection, _ bytes: UnsafeRawBufferPointer) {
        log.update(connection.id) { record in
            record.received.append(contentsOf: bytes)
            noteThread(connection, &record)
        }
        onRead?(connection, bytes)
    }

    func connectionWriteDidDrain(_ connection: Connection) {
        log.update(connection.id) { $0.drainCount += 1 }
    }

    func connectionDidClose(_ connection: Connection, error: NetworkError?) {
        log.update(connection.id) { record in
            record.closeErrors.append(error)
            noteThread(connection, &record)
        }
        onClose?(connection, error)
    }
}

/// A thread-safe list of values, for recording orders across threads.
final class SharedList<Element: Sendable>: Sendable {
    /// Guards the elements.
    private let elements = Mutex<[Element]>([])

    func append(_ element: Element) {
        elements.withLock { $0.append(element) }
    }

    var values: [Element] {
        elements.withLock { $0 }
    }
}

/// Polls `condition` every 5 ms until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(10), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while !condition() {
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return true
}

/// Starts an echo server on `loop` at 127.0.0.1 port 0, recording server-side connections in `log`.
func startEchoServer(on loop: EventLoop, log: ConnectionLog) async throws -> Int {
    try await loop.submit { context throws(NetworkError) in
        let listener = try context.listen(host: "127.0.0.1", port: 0) { _ in
            RecordingHandler(log: log, onRead: { connection, bytes in connection.write(bytes) })
        }
        return listener.port
    }
}

/// A deterministic payload for client number `index`.
func payload(index: Int, count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 31) &+ index &* 7 &+ 1) }
}

/// A port of 127.0.0.1 that refuses connections for as long as this value lives: bound, so no other
/// socket (a port-0 listener of a test running in parallel included) can take it, but not listening,
/// so a connect to it is refused. Releasing a port and hoping it stays free is a race between tests.
final class ReservedClosedPort: Sendable {
    let port: Int
    private let descriptor: Int32

    init() {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}

/// Runs `body` with a server loop and a client loop, both shut down afterwards.
func withServerAndClientLoops(_ body: (_ serverLoop: EventLoop, _ clientLoop: EventLoop) async throws -> Void) async throws {
    let serverLoop = try EventLoop(name: "server")
    let clientLoop = try EventLoop(name: "client")
    defer {
        clientLoop.shutdown()
        serverLoop.shutdown()
    }
    try await body(serverLoop, clientLoop)
}
