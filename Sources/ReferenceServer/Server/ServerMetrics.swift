/// What the server counts for `/metrics`, `/healthz` and the periodic summary line: a value guarded by
/// `ServerCore.metrics`, updated on the loop thread, rendered by pure functions (README "Operating").
public struct ServerMetrics: Sendable {
    /// Why a message was not accepted (the `reason` label of `messenger_messages_refused_total`).
    public enum Refusal: String, Sendable, CaseIterable, Comparable {
        /// A 4xx: not valid JSON, a missing or non-string field, an empty name (SEND-3; EXT-3 acks).
        case invalid
        /// 413: over the size limits (SEND-4).
        case tooLarge = "too_large"
        /// 503: the storage failed (SEND-6).
        case storage
        /// 503: the commit queue is full.
        case overload
        /// 429: a client sent faster than its token bucket allows.
        case rateLimited = "rate_limited"
        /// 500: a bug of ours.
        case internalError = "internal"

        public static func < (lhs: Refusal, rhs: Refusal) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// Upper bounds of the commit latency histogram, seconds (submit to completion on the loop).
    public static let commitLatencyBounds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    public var connectionsOpened = 0
    public var connectionsClosed = 0
    public var sessionsOpened = 0
    public var sessionsClosed = 0
    /// Sessions closed, by why (Engine.IO's reasons: ping timeout, transport close, …).
    public var sessionsClosedByReason: [EngineIOCloseReason: Int] = [:]
    public var messagesAccepted = 0
    public var messagesRefused: [Refusal: Int] = [:]
    /// Messages submitted to the store and not yet answered.
    public var pendingCommits = 0
    /// Counts per bucket of `commitLatencyBounds`, plus the overflow (+Inf) last; not cumulative.
    public var commitLatencyCounts = [Int](repeating: 0, count: ServerMetrics.commitLatencyBounds.count + 1)
    public var commitLatencySum = 0.0
    /// The latest storage failure (when, what) and success, for `/healthz`.
    public var lastStorageFailure: (at: ContinuousClock.Instant, summary: String)?
    public var lastStorageSuccess: ContinuousClock.Instant?
    /// Connections refused at once: the fd reserve, the per-IP cap.
    public var connectionsShed = 0

    public init() {}

    public mutating func refused(_ reason: Refusal, count: Int = 1) { messagesRefused[reason, default: 0] += count }

    public mutating func recordCommitLatency(seconds: Double) {
        let index = Self.commitLatencyBounds.firstIndex { seconds <= $0 } ?? Self.commitLatencyBounds.count
        commitLatencyCounts[index] += 1
        commitLatencySum += seconds
    }

    public var refusedTotal: Int { messagesRefused.values.reduce(0, +) }

    /// Why the storage counts as failing now: its last commit failed, less than `window` ago, and none
    /// succeeded since; nil when healthy.
    public func storageProblem(now: ContinuousClock.Instant, window: Duration) -> String? {
        guard let failure = lastStorageFailure, now - failure.at < window else { return nil }
        if let success = lastStorageSuccess, success > failure.at { return nil }
        return failure.summary
    }
}

/// The gauges read when `/metrics` is rendered.
public struct ServerGauges: Sendable, Equatable {
    public var connections: Int
    public var sessionsPolling: Int
    public var sessionsWebSocket: Int
    public var openDescriptors: Int
    public var descriptorLimit: Int
    public var bytesReceived: Int
    public var bytesSent: Int
    public var residentBytes: Int
    /// Clients answered 503 from the listener's reserve descriptor (out of descriptors).
    public var answeredFromReserve: Int

    public init(
        connections: Int = 0, sessionsPolling: Int = 0, sessionsWebSocket: Int = 0, openDescriptors: Int = 0, descriptorLimit: Int = 0,
        bytesReceived: Int = 0, bytesSent: Int = 0, residentBytes: Int = 0, answeredFromReserve: Int = 0
    ) {
        self.connections = connections
        self.sessionsPolling = sessionsPolling
        self.sessionsWebSocket = sessionsWebSocket
        self.openDescriptors = openDescriptors
        self.descriptorLimit = descriptorLimit
        self.bytesReceived = bytesReceived
        self.bytesSent = bytesSent
        self.residentBytes = residentBytes
        self.answeredFromReserve = answeredFromReserve
    }
}

extension ServerMetrics {
    /// The Prometheus text exposition format 0.0.4: `# HELP`, `# TYPE`, `_total` counters, base units,
    /// the histogram as cumulative `_bucket{le=…}` with `_sum` and `_count`.
    public func prometheusText(_ gauges: ServerGauges) -> String {
        var lines: [String] = []
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            for sample in samples { lines.append("\(name)\(sample.labels) \(sample.value)") }
        }
        func single(_ name: String, _ type: String, _ help: String, _ value: Int) { metric(name, type, help, [("", String(value))]) }
        single("messenger_connections", "gauge", "Open TCP connections (HTTP and WebSocket).", gauges.connections)
        single("messenger_connections_opened_total", "counter", "TCP connections accepted.", connectionsOpened)
        single("messenger_connections_shed_total", "counter", "Connections closed at once because of a limit (descriptors, per-IP cap).", connectionsShed)
        metric("messenger_sessions", "gauge", "Open Engine.IO sessions by transport.", [
            ("{transport=\"polling\"}", String(gauges.sessionsPolling)), ("{transport=\"websocket\"}", String(gauges.sessionsWebSocket)),
        ])
        single("messenger_sessions_opened_total", "counter", "Engine.IO sessions opened.", sessionsOpened)
        metric("messenger_sessions_closed_total", "counter", "Engine.IO sessions closed, by reason (Engine.IO's, spaces as underscores).", EngineIOCloseReason.allCases.map {
            ("{reason=\"\($0.rawValue.replacingOccurrences(of: " ", with: "_"))\"}", String(sessionsClosedByReason[$0] ?? 0))
        })
        single("messenger_open_fds", "gauge", "File descriptors in use by the process.", gauges.openDescriptors)
        single("messenger_max_fds", "gauge", "The process's descriptor limit (RLIMIT_NOFILE soft).", gauges.descriptorLimit)
        single(
            "messenger_reserve_answers_total", "counter",
            "Clients answered 503 and closed from the reserve descriptor because no descriptor was left.", gauges.answeredFromReserve)
        single("messenger_messages_accepted_total", "counter", "Messages stored and acknowledged (201 or success ack).", messagesAccepted)
        metric("messenger_messages_refused_total", "counter", "Messages not accepted, by reason.", Refusal.allCases.sorted().map {
            ("{reason=\"\($0.rawValue)\"}", String(messagesRefused[$0] ?? 0))
        })
        single("messenger_commit_queue_depth", "gauge", "Messages submitted to the store and not yet answered.", pendingCommits)
        var cumulative = 0
        var buckets: [(String, String)] = []
        for (index, bound) in Self.commitLatencyBounds.enumerated() {
            cumulative += commitLatencyCounts[index]
            buckets.append(("{le=\"\(Self.number(bound))\"}", String(cumulative)))
        }
        cumulative += commitLatencyCounts[Self.commitLatencyBounds.count]
        buckets.append(("{le=\"+Inf\"}", String(cumulative)))
        lines.append("# HELP messenger_commit_latency_seconds Time from a message's submission to its commit's answer.")
        lines.append("# TYPE messenger_commit_latency_seconds histogram")
        for (labels, value) in buckets { lines.append("messenger_commit_latency_seconds_bucket\(labels) \(value)") }
        lines.append("messenger_commit_latency_seconds_sum \(Self.number(commitLatencySum))")
        lines.append("messenger_commit_latency_seconds_count \(cumulative)")
        single("messenger_received_bytes_total", "counter", "Bytes read from client connections.", gauges.bytesReceived)
        single("messenger_sent_bytes_total", "counter", "Bytes written to client connections.", gauges.bytesSent)
        single("messenger_resident_memory_bytes", "gauge", "Resident set size of the process.", gauges.residentBytes)
        return lines.joined(separator: "\n") + "\n"
    }

    /// A number as Prometheus writes it: integers without a fraction, others in plain decimal.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }

    /// The periodic summary line: what changed since `previous` (README "Operating").
    public func summary(since previous: ServerMetrics, gauges: ServerGauges, suppressedLogLines: Int, interval: Duration) -> String {
        let refused = Refusal.allCases.sorted().compactMap { reason -> String? in
            let count = (messagesRefused[reason] ?? 0) - (previous.messagesRefused[reason] ?? 0)
            return count > 0 ? "\(reason.rawValue) \(count)" : nil
        }
        var line = "summary of the last \(interval.components.seconds) s: \(gauges.connections) connections"
        line += " (+\(connectionsOpened - previous.connectionsOpened) -\(connectionsClosed - previous.connectionsClosed)"
        line += connectionsShed > previous.connectionsShed ? ", \(connectionsShed - previous.connectionsShed) shed)" : ")"
        line += ", \(gauges.sessionsPolling + gauges.sessionsWebSocket) sessions (\(gauges.sessionsPolling) polling, \(gauges.sessionsWebSocket) websocket)"
        line += ", \(messagesAccepted - previous.messagesAccepted) messages accepted"
        line += ", \(refusedTotal - previous.refusedTotal) refused" + (refused.isEmpty ? "" : " (\(refused.joined(separator: ", ")))")
        line += ", \(gauges.openDescriptors) fds, RSS \(gauges.residentBytes / (1 << 20)) MiB"
        if suppressedLogLines > 0 { line += ", \(suppressedLogLines) repeated log lines suppressed" }
        return line
    }
}
