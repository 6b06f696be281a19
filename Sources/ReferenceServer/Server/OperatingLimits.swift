/// The limits that keep the server serving under faults, floods and overload, with documented defaults
/// (README "Operating"). Part of `ServerConfiguration` (`configuration.operating`).
public struct OperatingLimits: Sendable, Equatable {
    /// `Retry-After` seconds sent with a 503 (storage fault, overload) or a 429. Default 1.
    public var retryAfterSeconds: Int
    /// Messages submitted to the store and not yet answered, past which a POST or `send_message` is
    /// refused with 503 at once instead of queueing without limit (a slow or stalled disk). 0: no
    /// bound. Default 20,000 (about 1 s of the fastest fan-out measured, a few tens of MiB at most).
    public var maxPendingCommits: Int
    /// Seconds between the summary lines logged at info (connections, sessions, messages, refusals).
    /// 0: none. Default 60.
    public var summaryIntervalSeconds: Int
    /// Connections one IP may hold open; past it a new one gets 503 and is closed. 0: no cap.
    /// Default 16,384: above the 10,000 sessions of `conform bench`'s capacity workload from one host.
    /// Behind a reverse proxy every client has the proxy's IP: raise it or set 0 there.
    public var maxConnectionsPerIP: Int
    /// `POST /messages` per second (and burst) on one connection; past it, 429 + `Retry-After`. 0: no
    /// limit. Default 5,000 (the fan-out benchmark sends about 1,300 per second per connection).
    public var postsPerSecondPerConnection: Double
    /// `POST /messages` per second (and burst) from one IP, all its connections together. 0: no limit.
    /// Default 100,000 (five times the fastest fan-out measured from one host).
    public var postsPerSecondPerIP: Double
    /// Socket.IO events per second (and burst) of one session; past it the event is dropped, answered
    /// with an `error` event (and a `send_message` with an ack error). 0: no limit. Default 1,000.
    public var eventsPerSecondPerSession: Double
    /// Socket.IO events per second (and burst) from one IP, all its sessions together. 0: no limit.
    /// Default 100,000.
    public var eventsPerSecondPerIP: Double
    /// Above this share of the descriptor limit (RLIMIT_NOFILE), each new connection makes the server
    /// close the oldest idle keep-alive connections and sessions that never sent CONNECT, a tenth of the
    /// limit at a time (at most every 100 ms). At the limit itself, a reserve descriptor answers new
    /// clients 503 at once. 0: neither. Default 90 (percent).
    public var descriptorHighWaterPercent: Int
    /// After this many connections closed and the open ones fell to half their peak, the server gives
    /// free heap memory back to the kernel (`malloc_trim`), 1 s after the wave. 0: never. Default 1,000.
    public var trimAfterClosedConnections: Int

    public init(
        retryAfterSeconds: Int = 1, maxPendingCommits: Int = 20_000, summaryIntervalSeconds: Int = 60, maxConnectionsPerIP: Int = 16_384,
        postsPerSecondPerConnection: Double = 5_000, postsPerSecondPerIP: Double = 100_000, eventsPerSecondPerSession: Double = 1_000,
        eventsPerSecondPerIP: Double = 100_000, descriptorHighWaterPercent: Int = 90, trimAfterClosedConnections: Int = 1_000
    ) {
        self.trimAfterClosedConnections = trimAfterClosedConnections
        self.descriptorHighWaterPercent = descriptorHighWaterPercent
        self.retryAfterSeconds = retryAfterSeconds
        self.maxPendingCommits = maxPendingCommits
        self.summaryIntervalSeconds = summaryIntervalSeconds
        self.maxConnectionsPerIP = maxConnectionsPerIP
        self.postsPerSecondPerConnection = postsPerSecondPerConnection
        self.postsPerSecondPerIP = postsPerSecondPerIP
        self.eventsPerSecondPerSession = eventsPerSecondPerSession
        self.eventsPerSecondPerIP = eventsPerSecondPerIP
    }

    /// The defaults.
    public static var standard: OperatingLimits { OperatingLimits() }
}
