import Dispatch
import NetworkCore
import Synchronization

/// One outgoing TCP connection of the kit: the `Connection` lives on the kit's loop, this is its
/// thread-safe face (received bytes queued for async readers, or handed to a `KitLoopReader` on the
/// loop once `divertReads` ran; writes handed to the loop, each as one whole buffer, so the loop's own
/// writes never land inside one of them).
final class KitTCPConnection: Sendable {
    /// How a connect attempt ended.
    enum ConnectOutcome: Sendable {
        case connected
        case failed(String)
    }

    /// What one read produced.
    enum ReadOutcome: Sendable {
        case bytes([UInt8])
        case closed
        case timedOut
    }

    let loop: EventLoop
    let remote: String
    private let connectionID = Mutex<ConnectionID?>(nil)
    private let connectOutcome = KitMailbox<ConnectOutcome>()
    private let received = KitMailbox<[UInt8]>()
    private let closeError = Mutex<String?>(nil)

    private init(loop: EventLoop, remote: String) {
        self.loop = loop
        self.remote = remote
    }

    /// Connects to `host:port`; nil with the reason when the connection could not be made in time.
    static func connect(host: String, port: Int, timeout: Duration) async -> Result<KitTCPConnection, KitConnectError> {
        let loop: EventLoop
        do {
            loop = try KitEventLoop.loop()
        } catch {
            return .failure(KitConnectError(reason: "the kit cannot start its event loop: \(error)"))
        }
        // A host name is resolved here, off the loop: resolving on it would stall every connection of
        // the run (their pongs included) for as long as the DNS server takes.
        var numericHost = host
        if !HostResolver.isNumeric(host) {
            switch await resolveOffTheLoop(host) {
            case .success(let address): numericHost = address
            case .failure(let error): return .failure(KitConnectError(reason: "cannot connect to \(host):\(port): \(error)"))
            }
        }
        let connection = KitTCPConnection(loop: loop, remote: "\(host):\(port)")
        let isAccepted = loop.execute { [numericHost] context in
            let handler = Handler(owner: connection)
            let made = context.connect(host: numericHost, port: port, handler: handler)
            connection.connectionID.withLock { $0 = made.id }
        }
        guard isAccepted else { return .failure(KitConnectError(reason: "the kit's event loop has shut down")) }
        switch await connection.connectOutcome.next(timeout: timeout) {
        case .connected?:
            return .success(connection)
        case .failed(let reason)?:
            return .failure(KitConnectError(reason: "cannot connect to \(host):\(port): \(reason)"))
        case nil:
            connection.close()
            return .failure(KitConnectError(reason: "cannot connect to \(host):\(port): no answer within \(KitFormat.duration(timeout))"))
        }
    }

    /// `HostResolver.numericAddress(of:)` on a Dispatch thread (neither the loop nor the cooperative pool).
    private static func resolveOffTheLoop(_ host: String) async -> Result<String, NetworkError> {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Result { () throws(NetworkError) in try HostResolver.numericAddress(of: host) })
            }
        }
    }

    /// Sends bytes (queued on the loop; ignored once closed).
    func send(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        onConnection { $0.write(bytes) }
    }

    /// The next received bytes, `.closed` once the peer closed and everything was read, or `.timedOut`.
    func read(timeout: Duration) async -> ReadOutcome {
        if let bytes = await received.next(timeout: timeout) { return .bytes(bytes) }
        return received.isDrained ? .closed : .timedOut
    }

    /// Bytes already received and not yet read, without waiting.
    func readAvailable() -> [UInt8]? { received.poll() }

    /// Whether the connection has closed (the last bytes may still be unread).
    var isClosed: Bool { received.isClosed }

    /// Why the connection closed, when it was an error.
    var closeReason: String? { closeError.withLock { $0 } }

    /// Closes at once.
    func close() { onConnection { $0.close() } }

    /// Sends `bytes` and closes in the same loop task: nothing the loop writes can follow them.
    func sendAndClose(_ bytes: [UInt8]) {
        onConnection { connection in
            connection.write(bytes)
            connection.close()
        }
    }

    /// From now on, received bytes go to the reader `makeReader` creates on the loop thread instead of
    /// `read`: first `leftover` (bytes already read but not consumed), then the bytes queued and not yet
    /// read, then every read as it arrives; `didClose` when the connection closes (at once if it has).
    func divertReads(leftover: [UInt8], to makeReader: @escaping @Sendable () -> any KitLoopReader) {
        let isAccepted = loop.execute { [self] context in
            let reader = makeReader()
            let connection = connectionID.withLock { $0 }.flatMap { context.connection($0) }
            let handler = connection?.handler as? Handler
            handler?.reader = reader
            var pending = leftover
            while let bytes = received.poll() { pending += bytes }
            if !pending.isEmpty { reader.didRead(pending, on: handler == nil ? nil : connection) }
            if handler == nil { reader.didClose() }
        }
        guard !isAccepted else { return }
        // The loop has shut down, so the connection is closed: the reader gets what was read, then the close.
        let reader = makeReader()
        var pending = leftover
        while let bytes = received.poll() { pending += bytes }
        if !pending.isEmpty { reader.didRead(pending, on: nil) }
        reader.didClose()
    }

    /// Stops (or resumes) reading from the socket, so the peer's sends stall (Spec ROBUST-6).
    func setReading(_ isReading: Bool) {
        onConnection { isReading ? $0.resumeReading() : $0.pauseReading() }
    }

    private func onConnection(_ action: @escaping @Sendable (Connection) -> Void) {
        _ = loop.execute { [self] context in
            guard let id = connectionID.withLock({ $0 }), let connection = context.connection(id) else { return }
            action(connection)
        }
    }

    /// The loop-confined handler feeding the face.
    private final class Handler: ConnectionHandler {
        let owner: KitTCPConnection
        private var isConnected = false
        /// Takes the bytes instead of `owner.received` once set (`divertReads`).
        var reader: (any KitLoopReader)?

        init(owner: KitTCPConnection) { self.owner = owner }

        func connectionDidConnect(_ connection: Connection) {
            isConnected = true
            owner.connectOutcome.push(.connected)
        }

        func connectionDidRead(_ connection: Connection, _ bytes: UnsafeRawBufferPointer) {
            if let reader {
                reader.didRead(Array(bytes), on: connection)
            } else {
                owner.received.push(Array(bytes))
            }
        }

        func connectionDidClose(_ connection: Connection, error: NetworkError?) {
            if let error { owner.closeError.withLock { $0 = error.description } }
            if !isConnected { owner.connectOutcome.push(.failed(error?.description ?? "closed")) }
            owner.connectOutcome.close()
            owner.received.close()
            reader?.didClose()
            reader = nil
        }
    }
}

/// The server could not be reached.
struct KitConnectError: Error, Sendable, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
