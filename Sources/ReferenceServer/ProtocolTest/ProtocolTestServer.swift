import Dispatch
import NetworkCore
import Synchronization
import WireCodecs

/// The server the official Socket.IO protocol suites test (`protocol-test-server`): the test-server
/// contract of `engine.io-protocol` and `socket.io-protocol` (see `ProtocolTestCore`), built on the
/// reference server's Engine.IO and Socket.IO layers and connection handlers, with no messenger.
public final class ProtocolTestServer: Sendable {
    /// The suites' settings: heartbeat 300/200 ms, maxPayload 1,000,000 bytes, connect timeout 1,000 ms,
    /// namespaces `/` and `/custom`, CORS for any origin.
    public static let pingInterval = 300
    public static let pingTimeout = 200
    public static let maxPayload = 1_000_000
    public static let connectTimeout = 1_000
    public static let namespaces: Set<String> = ["/", "/custom"]

    public let port: Int
    public let host: String
    public var baseURL: String { ReferenceServer.baseURL(host: host, port: port) }

    private let loop: EventLoop
    private let core: ProtocolTestCore
    private let isStopped = Mutex(false)

    private init(host: String, port: Int, loop: EventLoop, core: ProtocolTestCore) {
        self.host = host
        self.port = port
        self.loop = loop
        self.core = core
    }

    /// Listens on `host:port` (0: any free port).
    public static func start(host: String = "127.0.0.1", port: Int, logLevel: LogLevel = .warning) throws(NetworkError) -> ProtocolTestServer {
        var limits = WireLimits.standard
        limits.engineIOMaxPayload = maxPayload
        let configuration = ServerConfiguration(
            host: host, port: port, pingInterval: pingInterval, pingTimeout: pingTimeout, limits: limits, logLevel: logLevel)
        let loop = try EventLoop(configuration: NetworkConfiguration(), name: "protocol-test-server")
        let core = ProtocolTestCore(
            configuration: configuration,
            socketIOConfiguration: SocketIOServerConfiguration(maxAttachments: limits.socketIOMaxAttachments, connectTimeout: connectTimeout),
            namespaces: namespaces, loop: loop)
        let outcome = Mutex<Result<Int, NetworkError>>(.failure(.loopShutDown))
        let done = DispatchSemaphore(value: 0)
        let isAccepted = loop.execute { context in
            outcome.withLock { result in
                result = Result { () throws(NetworkError) in
                    try context.listen(host: host, port: port) { connection in
                        HTTPConnectionHandler(core: core, connection: connection)
                    }.port
                }
            }
            done.signal()
        }
        if isAccepted { done.wait() }
        switch outcome.withLock({ $0 }) {
        case .success(let boundPort):
            return ProtocolTestServer(host: host, port: boundPort, loop: loop, core: core)
        case .failure(let error):
            loop.shutdown()
            throw error
        }
    }

    /// Closes every session and connection and shuts the loop. Idempotent; not from the loop thread.
    public func stop() {
        guard !isStopped.withLock({ stopped in defer { stopped = true }; return stopped }) else { return }
        let done = DispatchSemaphore(value: 0)
        let core = self.core
        if loop.execute({ context in core.closeEverything(context: context); done.signal() }) { done.wait() }
        loop.shutdown()
    }
}
