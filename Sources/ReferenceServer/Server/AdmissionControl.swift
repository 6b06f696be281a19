import NetworkCore

/// Who may connect and how fast each client may send: a cap on connections per IP, token buckets on
/// `POST /messages` per connection and per IP, and on Socket.IO events per session and per IP
/// (README "Operating"). A plain state machine: the clock is passed in; `ServerCore` keeps it locked.
public struct AdmissionControl: Sendable {
    /// What to do with one request or event.
    public enum Verdict: Sendable, Equatable {
        case admit
        /// Refuse with 429 (or an `error` event) and `Retry-After` of this many seconds.
        case refuse(retryAfterSeconds: Int)
    }

    public let limits: OperatingLimits
    private var connectionsByIP: [String: Int] = [:]
    private var ipByConnection: [ConnectionID: String] = [:]
    private var postsByConnection: [ConnectionID: TokenBucket] = [:]
    private var postsByIP: [String: TokenBucket] = [:]
    private var eventsBySession: [String: TokenBucket] = [:]
    private var eventsByIP: [String: TokenBucket] = [:]
    /// The descriptor limit and the descriptors in use besides connections (listener, epoll, database…).
    private var descriptorLimit = 0
    private var baseDescriptors = 0
    private var lastShedding: ContinuousClock.Instant?

    public init(limits: OperatingLimits) {
        self.limits = limits
    }

    /// The IP part of `Connection.remoteAddress` (`1.2.3.4:5678`, `[::1]:5678`).
    public static func ip(ofRemoteAddress address: String) -> String {
        if address.hasPrefix("["), let end = address.firstIndex(of: "]") {
            return String(address[address.index(after: address.startIndex)..<end])
        }
        guard let colon = address.lastIndex(of: ":") else { return address }
        return String(address[..<colon])
    }

    /// A connection from `ip` opened; false when that IP already holds `maxConnectionsPerIP` (the
    /// caller refuses it; it is not counted).
    public mutating func connectionOpened(_ id: ConnectionID, ip: String) -> Bool {
        let count = connectionsByIP[ip, default: 0]
        if limits.maxConnectionsPerIP > 0, count >= limits.maxConnectionsPerIP { return false }
        connectionsByIP[ip] = count + 1
        ipByConnection[id] = ip
        return true
    }

    /// A connection closed (one refused by `connectionOpened` was never counted).
    public mutating func connectionClosed(_ id: ConnectionID) {
        postsByConnection[id] = nil
        guard let ip = ipByConnection.removeValue(forKey: id) else { return }
        let count = connectionsByIP[ip, default: 1] - 1
        connectionsByIP[ip] = count > 0 ? count : nil
    }

    /// The IP a counted connection came from.
    public func ip(of id: ConnectionID) -> String? { ipByConnection[id] }

    /// Connections open from `ip`.
    public func connections(from ip: String) -> Int { connectionsByIP[ip, default: 0] }

    /// A `POST /messages` on `connection` from `ip`.
    public mutating func admitPost(connection: ConnectionID, ip: String, now: ContinuousClock.Instant) -> Verdict {
        Self.admit(
            own: &postsByConnection[connection], ownRate: limits.postsPerSecondPerConnection,
            shared: &postsByIP[ip], sharedRate: limits.postsPerSecondPerIP, now: now)
    }

    /// A Socket.IO event of session `sid` from `ip`.
    public mutating func admitEvent(sid: String, ip: String, now: ContinuousClock.Instant) -> Verdict {
        Self.admit(
            own: &eventsBySession[sid], ownRate: limits.eventsPerSecondPerSession,
            shared: &eventsByIP[ip], sharedRate: limits.eventsPerSecondPerIP, now: now)
    }

    public mutating func sessionClosed(sid: String) { eventsBySession[sid] = nil }

    /// One request against the sender's own bucket, then the shared one of its IP (each made full on
    /// first use, its burst equal to its rate).
    private static func admit(
        own: inout TokenBucket?, ownRate: Double, shared: inout TokenBucket?, sharedRate: Double, now: ContinuousClock.Instant
    ) -> Verdict {
        var ownBucket = own ?? TokenBucket(rate: ownRate, burst: ownRate, now: now)
        var sharedBucket = shared ?? TokenBucket(rate: sharedRate, burst: sharedRate, now: now)
        defer {
            own = ownBucket
            shared = sharedBucket
        }
        if let wait = ownBucket.take(now: now) { return .refuse(retryAfterSeconds: wait) }
        if let wait = sharedBucket.take(now: now) { return .refuse(retryAfterSeconds: wait) }
        return .admit
    }

    /// The process's descriptor limit and how many descriptors it uses besides connections.
    public mutating func setDescriptorBudget(limit: Int, base: Int) {
        descriptorLimit = limit
        baseDescriptors = base
    }

    /// How many idle connections and sessions to close now that `connections` are open: above
    /// `descriptorHighWaterPercent` of the limit, a tenth of the limit, at most every 100 ms; else 0.
    /// Whether the process's descriptors (the base plus `connections`) are at or above the high-water mark.
    public func isAboveHighWater(connections: Int) -> Bool {
        guard limits.descriptorHighWaterPercent > 0, descriptorLimit > 0, descriptorLimit < Int.max / 100 else { return false }
        return baseDescriptors + connections >= descriptorLimit * limits.descriptorHighWaterPercent / 100
    }

    public mutating func descriptorsToFree(connections: Int, now: ContinuousClock.Instant) -> Int {
        guard limits.descriptorHighWaterPercent > 0, descriptorLimit > 0, descriptorLimit < Int.max / 100 else { return 0 }
        let highWater = descriptorLimit * limits.descriptorHighWaterPercent / 100
        guard baseDescriptors + connections >= highWater else { return 0 }
        if let lastShedding, now - lastShedding < .milliseconds(100) { return 0 }
        lastShedding = now
        return max(1, descriptorLimit / 10)
    }

    /// Forgets full per-IP buckets (a new one would be the same), so the tables stay bounded.
    public mutating func prune(now: ContinuousClock.Instant) {
        for (ip, var bucket) in postsByIP where bucket.isFull(now: now) { postsByIP[ip] = nil }
        for (ip, var bucket) in eventsByIP where bucket.isFull(now: now) { eventsByIP[ip] = nil }
    }
}
