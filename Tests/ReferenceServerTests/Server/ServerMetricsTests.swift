import ReferenceServer
import Testing

/// The Prometheus text parsed back: every sample has its `# TYPE`, counters end in `_total`, the
/// histogram's buckets are cumulative and end at `+Inf` = `_count`.
struct PrometheusText {
    var types: [String: String] = [:]
    var samples: [String: Double] = [:]

    init(_ text: String) throws {
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                types[String(parts[2])] = String(parts[3])
            } else if !line.hasPrefix("#") {
                let parts = line.split(separator: " ")
                guard parts.count == 2, let value = Double(parts[1]) else { throw TestClientError("bad sample line: \(line)") }
                samples[String(parts[0])] = value
            }
        }
    }

    /// The type of the family a sample belongs to.
    func type(ofSample name: String) -> String? {
        let family = String(name.prefix { $0 != "{" })
        for suffix in ["", "_bucket", "_sum", "_count"] where family.hasSuffix(suffix) {
            if let type = types[String(family.dropLast(suffix.count))] { return type }
        }
        return nil
    }
}

@Suite struct ServerMetricsTests {
    @Test func prometheusTextIsWellFormed() throws {
        var metrics = ServerMetrics()
        metrics.messagesAccepted = 7
        metrics.sessionsClosedByReason[.pingTimeout] = 4
        metrics.refused(.storage, count: 2)
        metrics.refused(.invalid)
        for seconds in [0.0005, 0.003, 0.003, 0.2, 30] { metrics.recordCommitLatency(seconds: seconds) }
        let gauges = ServerGauges(connections: 3, sessionsPolling: 1, sessionsWebSocket: 2, openDescriptors: 12, descriptorLimit: 1024, bytesReceived: 100, bytesSent: 200, answeredFromReserve: 9)
        let parsed = try PrometheusText(metrics.prometheusText(gauges))
        for name in parsed.samples.keys {
            let type = try #require(parsed.type(ofSample: name), "\(name) has no # TYPE")
            if type == "counter" { #expect(name.prefix { $0 != "{" }.hasSuffix("_total"), "\(name)") }
        }
        #expect(parsed.samples["messenger_messages_accepted_total"] == 7)
        #expect(parsed.samples["messenger_reserve_answers_total"] == 9)
        #expect(parsed.samples["messenger_messages_refused_total{reason=\"storage\"}"] == 2)
        #expect(parsed.samples["messenger_messages_refused_total{reason=\"invalid\"}"] == 1)
        #expect(parsed.samples["messenger_messages_refused_total{reason=\"overload\"}"] == 0)
        #expect(parsed.samples["messenger_sessions{transport=\"websocket\"}"] == 2)
        #expect(parsed.samples["messenger_sessions_closed_total{reason=\"ping_timeout\"}"] == 4)
        #expect(parsed.samples["messenger_sessions_closed_total{reason=\"transport_close\"}"] == 0)
        #expect(parsed.samples["messenger_commit_latency_seconds_bucket{le=\"0.001\"}"] == 1)
        #expect(parsed.samples["messenger_commit_latency_seconds_bucket{le=\"0.005\"}"] == 3)
        #expect(parsed.samples["messenger_commit_latency_seconds_bucket{le=\"10\"}"] == 4)
        #expect(parsed.samples["messenger_commit_latency_seconds_bucket{le=\"+Inf\"}"] == 5)
        #expect(parsed.samples["messenger_commit_latency_seconds_count"] == 5)
        #expect(abs((parsed.samples["messenger_commit_latency_seconds_sum"] ?? 0) - 30.2065) < 1e-9)
        #expect(parsed.types["messenger_commit_latency_seconds"] == "histogram")
    }

    @Test func summarySaysWhatChanged() {
        var previous = ServerMetrics()
        previous.connectionsOpened = 10
        previous.messagesAccepted = 5
        var current = previous
        current.connectionsOpened = 15
        current.connectionsClosed = 2
        current.messagesAccepted = 9
        current.refused(.storage, count: 3)
        let gauges = ServerGauges(connections: 13, sessionsPolling: 1, sessionsWebSocket: 4, openDescriptors: 20, residentBytes: 30 << 20)
        let line = current.summary(since: previous, gauges: gauges, suppressedLogLines: 17, interval: .seconds(60))
        #expect(line == "summary of the last 60 s: 13 connections (+5 -2), 5 sessions (1 polling, 4 websocket), 4 messages accepted, 3 refused (storage 3), 20 fds, RSS 30 MiB, 17 repeated log lines suppressed")
    }

    @Test func storageCountsAsFailingUntilACommitSucceedsOrTheWindowPasses() {
        var metrics = ServerMetrics()
        let start = ContinuousClock.now
        #expect(metrics.storageProblem(now: start, window: .seconds(30)) == nil)
        metrics.lastStorageFailure = (start, "the disk is full")
        #expect(metrics.storageProblem(now: start + .seconds(1), window: .seconds(30)) == "the disk is full")
        #expect(metrics.storageProblem(now: start + .seconds(31), window: .seconds(30)) == nil)
        metrics.lastStorageSuccess = start + .seconds(2)
        #expect(metrics.storageProblem(now: start + .seconds(3), window: .seconds(30)) == nil)
    }
}
