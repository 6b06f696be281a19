/// Limits and socket options shared by every loop, connection and listener, with documented defaults.
///
/// Spec: house style "Limits live in one configuration type with documented defaults".
public struct NetworkConfiguration: Sendable {
    /// Size of the one reusable read buffer per loop, and so the largest chunk a single
    /// `connectionDidRead` call delivers. Default 64 KiB.
    public var readBufferSize: Int
    /// Bytes a connection may hold unsent before it is closed with `NetworkError.outboundBufferOverflow`.
    /// Default 4 MiB.
    public var maxPendingWriteBytes: Int
    /// `listen(2)` backlog used when `LoopContext.listen` is not given one. Default 1024.
    public var listenBacklog: Int
    /// Whether TCP_NODELAY is set on accepted and connected sockets. Default `true`.
    public var isNoDelayEnabled: Bool
    /// How long `Connection.closeAfterFlush()` keeps reading (and discarding) after sending FIN, so that
    /// unread input does not turn the close into a reset that destroys the reply. Default 2 s.
    public var lingerTimeout: Duration
    /// Readiness reports fetched per `epoll_wait` (1...1024). Default 256.
    public var maxEventsPerWait: Int
    /// Connections accepted per readiness report of a listener before other work gets a turn. Default 256.
    public var maxAcceptsPerWakeup: Int
    /// Reads per readiness report of a connection before other connections get a turn. Default 4.
    public var maxReadsPerWakeup: Int
    /// How long a listener pauses accepting after EMFILE/ENFILE/ENOBUFS/ENOMEM. Default 100 ms.
    public var acceptBackoff: Duration
    /// Writes to an idle connection wait for the end of the loop iteration, up to this many bytes, so
    /// that several writes in one iteration (pipelined responses, a batch of events) leave in one
    /// `send(2)`; 0 sends every write at once. Default 64 KiB.
    public var coalescedWriteLimit: Int
    /// Where the core reports conditions that no handler owns (e.g. EMFILE on accept). Default: stderr.
    public var log: @Sendable (String) -> Void
    /// When a listener runs out of descriptors it keeps one in reserve (`/dev/null`): it frees it,
    /// accepts a waiting client, sends these bytes (e.g. an HTTP 503) without waiting, closes it and
    /// takes the reserve again, so a new client gets a fast answer instead of waiting in the backlog.
    /// nil: no reserve (EMFILE only pauses accepting). Default nil.
    public var descriptorReserveAnswer: [UInt8]?

    /// Creates a configuration; every parameter has the documented default.
    public init(
        readBufferSize: Int = 64 * 1024,
        maxPendingWriteBytes: Int = 4 * 1024 * 1024,
        listenBacklog: Int = 1024,
        isNoDelayEnabled: Bool = true,
        lingerTimeout: Duration = .seconds(2),
        maxEventsPerWait: Int = 256,
        maxAcceptsPerWakeup: Int = 256,
        maxReadsPerWakeup: Int = 4,
        acceptBackoff: Duration = .milliseconds(100),
        coalescedWriteLimit: Int = 64 * 1024,
        log: @escaping @Sendable (String) -> Void = NetworkConfiguration.logToStandardError,
        descriptorReserveAnswer: [UInt8]? = nil
    ) {
        self.descriptorReserveAnswer = descriptorReserveAnswer
        self.readBufferSize = max(1024, readBufferSize)
        self.maxPendingWriteBytes = max(0, maxPendingWriteBytes)
        self.listenBacklog = max(1, listenBacklog)
        self.isNoDelayEnabled = isNoDelayEnabled
        self.lingerTimeout = lingerTimeout
        self.maxEventsPerWait = min(1024, max(1, maxEventsPerWait))
        self.maxAcceptsPerWakeup = max(1, maxAcceptsPerWakeup)
        self.maxReadsPerWakeup = max(1, maxReadsPerWakeup)
        self.acceptBackoff = acceptBackoff
        self.coalescedWriteLimit = max(0, coalescedWriteLimit)
        self.log = log
    }

    /// The default `log`: one line to stderr, prefixed with "NetworkCore: ".
    @Sendable public static func logToStandardError(_ message: String) {
        StandardError.write("NetworkCore: \(message)\n")
    }
}
