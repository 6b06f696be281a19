import WireCodecs

/// Everything the reference server can be told, with documented defaults; the command line fills it.
public struct ServerConfiguration: Sendable {
    /// Address to listen on. Default `127.0.0.1`.
    public var host: String
    /// TCP port; 0 picks a free one (tests). Default 3000, the origin application's port.
    public var port: Int
    /// A listening TCP socket to serve instead of binding `host:port` (socket activation: descriptor 3
    /// when `LISTEN_FDS`/`LISTEN_PID` say so, `SocketActivation`); `host` and `port` are then unused and
    /// the address is the socket's. Default nil: bind `host:port`.
    public var listenDescriptor: Int32?
    /// SQLite database file. Default `messages.db`.
    public var databasePath: String
    /// A libpq connection URI: store messages in this PostgreSQL database instead of SQLite, as one node of
    /// a deployment whose nodes share it (docs/cluster.md). Default nil: SQLite at `databasePath`.
    public var postgresURL: String?
    /// Put before every Engine.IO sid this node hands out, so a load balancer can route a polling
    /// session's requests to the node that holds it (docs/nginx-cluster.conf). Default empty.
    public var sessionIDPrefix: String
    /// Engine.IO `pingInterval`, milliseconds. Default 25,000.
    public var pingInterval: Int
    /// Engine.IO `pingTimeout`, milliseconds. Default 20,000.
    public var pingTimeout: Int
    /// Wire limits; `limits.engineIOMaxPayload` is the advertised `maxPayload` (default 1,000,000).
    public var limits: WireLimits
    /// Longest accepted user name in characters (Spec SEND-2 requires at least 64). Default 64.
    public var maxNameLength: Int
    /// Longest accepted content in bytes (Spec SEND-2 requires at least 65,536). Default 65,536.
    public var maxContentBytes: Int
    /// A connection must complete a request head within this many milliseconds of its first byte
    /// (slow-request defence). Default 10,000.
    public var requestHeadTimeout: Int
    /// An HTTP connection with no request in progress is closed after this many milliseconds. Default 60,000.
    public var idleTimeout: Int
    /// Bytes queued for one connection before it is closed as a stalled reader. Default 4 MiB.
    public var maxPendingWriteBytes: Int
    /// Most messages committed in one transaction (one fsync). Default 1,024.
    public var maxCommitBatch: Int
    /// A commit lasting at least this many milliseconds is logged as a warning (every answer and
    /// delivery of its batch waited for it; usually the disk's fsync). 0: never. Default 20.
    public var slowCommitMilliseconds: Int
    public var logLevel: LogLevel
    /// Token authentication (Spec AUTH-1); nil: off, anyone may join as anyone. Default nil.
    public var authentication: AuthenticationConfiguration?
    /// Origins served (Spec ORIGIN-1): a polling request or WebSocket upgrade (or a `/messages`
    /// request) with another `Origin` is refused with 403. Empty: every origin. Default empty.
    public var allowedOrigins: Set<String>
    /// Storage-fault, overload and descriptor limits (README "Operating"). Default `.standard`.
    public var operating: OperatingLimits
    /// Interception points for instrumentation and fault injection in tests. Default: none.
    public var hooks: ServerHooks

    public init(
        host: String = "127.0.0.1",
        port: Int = 3000,
        listenDescriptor: Int32? = nil,
        databasePath: String = "messages.db",
        postgresURL: String? = nil,
        sessionIDPrefix: String = "",
        pingInterval: Int = 25_000,
        pingTimeout: Int = 20_000,
        limits: WireLimits = .standard,
        maxNameLength: Int = 64,
        maxContentBytes: Int = 65_536,
        requestHeadTimeout: Int = 10_000,
        idleTimeout: Int = 60_000,
        maxPendingWriteBytes: Int = 4 * 1024 * 1024,
        maxCommitBatch: Int = 1_024,
        slowCommitMilliseconds: Int = 20,
        logLevel: LogLevel = .info,
        authentication: AuthenticationConfiguration? = nil,
        allowedOrigins: Set<String> = [],
        operating: OperatingLimits = .standard,
        hooks: ServerHooks = .none
    ) {
        self.host = host
        self.port = port
        self.listenDescriptor = listenDescriptor
        self.databasePath = databasePath
        self.postgresURL = postgresURL
        self.sessionIDPrefix = sessionIDPrefix
        self.pingInterval = pingInterval
        self.pingTimeout = pingTimeout
        self.limits = limits
        self.maxNameLength = maxNameLength
        self.maxContentBytes = maxContentBytes
        self.requestHeadTimeout = requestHeadTimeout
        self.idleTimeout = idleTimeout
        self.maxPendingWriteBytes = maxPendingWriteBytes
        self.maxCommitBatch = maxCommitBatch
        self.slowCommitMilliseconds = slowCommitMilliseconds
        self.logLevel = logLevel
        self.authentication = authentication
        self.allowedOrigins = allowedOrigins
        self.operating = operating
        self.hooks = hooks
    }
}

/// How much the server logs.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case error = 0, warning, info, debug

    public init?(name: String) {
        switch name.lowercased() {
        case "error": self = .error
        case "warning", "warn": self = .warning
        case "info": self = .info
        case "debug": self = .debug
        default: return nil
        }
    }

    public var name: String {
        switch self {
        case .error: "error"
        case .warning: "warning"
        case .info: "info"
        case .debug: "debug"
        }
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}
