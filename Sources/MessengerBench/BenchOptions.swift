import ConformanceKit

/// The `conform bench` command line, parsed by a pure function into options or a usage error.
///
/// `conform bench [URL | --node URL --node URL …] [options]`: without URL, the embedded reference
/// server; with `--node`, one deployment with several entry points. Every workload is
/// bounded in time and count; the defaults finish in well under a minute on loopback.
public struct BenchOptions: Sendable, Equatable {
    /// One workload of the bench.
    public enum Workload: String, Sendable, CaseIterable, Codable {
        /// Fan-out throughput: POSTs to random receivers, each joined on several sessions.
        case fanout
        /// Open-loop latency at a fixed rate, from the intended send time to each `new_message`.
        case latency
        /// Ramp to N joined sessions: connect-and-join rate, server RSS per session.
        case capacity
        /// Join time for a user with H stored messages.
        case history
        /// Fan-out with the `send_message` extension (Spec EXT-1) instead of POST.
        case socket
        /// Rounds of churn for a long time (sessions connect, join, receive and disconnect; POSTs at a
        /// steady rate), with the server's RSS and descriptors sampled after each round. Not in the default set.
        case soak

        /// The workloads run when none are named: all but `soak`.
        public static var standard: [Workload] { allCases.filter { $0 != .soak } }
    }

    public var isHelp = false
    /// Base URL (`http://host:port`); nil: the embedded reference server.
    public var targetURL: String?
    /// `--node URL`, repeated: the entry points of one deployment; sessions and POST connections are
    /// spread over them (`BenchNodeSpread`), so fan-out crosses nodes. Empty: `targetURL` alone.
    public var nodes: [String] = []
    public var workloads: [Workload] = Workload.standard
    /// Fan-out and socket: users, sessions per user, POST connections, requests in flight per connection.
    public var users = 100
    public var sessionsPerUser = 2
    public var connections = 16
    public var pipelineDepth = 8
    /// Fan-out and socket: how long messages are sent.
    public var duration: Duration = .seconds(5)
    /// Latency: the fixed send rate (messages per second), duration and sessions.
    public var rate = 1_000
    public var latencyDuration: Duration = .seconds(5)
    public var latencyUsers = 50
    /// Latency: a directory on the server's disk where the same open loop is first run against the disk
    /// alone (`BenchDiskFloor`), to show the floor the disk sets; nil: not measured.
    public var diskFloorDirectory: String?
    /// Capacity: sessions to reach, and connects in flight at once.
    public var capacitySessions = 10_000
    public var connectConcurrency = 256
    /// History: stored messages, and how many joins are timed.
    public var historyMessages = 10_000
    public var historyJoins = 5
    /// Soak: how long in all, and the length of one round (open, join, send at `rate`, close).
    public var soakDuration: Duration = .seconds(60)
    public var soakRound: Duration = .seconds(5)
    /// How long to wait for late deliveries once sending stopped, and for one connect/join.
    public var drainTimeout: Duration = .seconds(5)
    public var connectTimeout: Duration = .seconds(10)
    /// Message content length in bytes (the sequence number is part of it; at least 16).
    public var contentBytes = 32
    /// The server's process id, for RSS and CPU from /proc (set automatically for the embedded server).
    public var serverProcessID: Int32?
    /// With a server that requires authentication (Spec AUTH): the HS256 secret's file and the audience;
    /// the bench mints a token for every user it invents and for its sender.
    public var authSecretFile: String?
    public var authAudience: String?
    public var jsonPath: String?
    /// Where `--html` writes the results page.
    public var htmlPath: String?
    /// `--compare DIR`: no run; the page of the `bench/compare` results in DIR (needs `--html`).
    public var compareDirectory: String?
    public var seed: UInt64?
    public var isQuiet = false

    public init() {}

    public static let usage = "usage: conform bench [URL | --node URL --node URL ...] [options]"

    public static let helpText = """
        conform bench: load and latency workloads for a messenger server, checked for correctness

        \(usage)

        Runs bounded workloads over loopback against the server at URL (default: the embedded
        reference server, started as a child process), or against one deployment with several entry
        points (--node URL, repeated). Every workload checks correctness while it
        measures: a message lost, duplicated, delivered to the wrong user or delivered after being
        refused fails the run, whatever the speed.

        Workloads (--workloads a,b,…; default all, in this order):
          fanout     U users each joined on S WebSocket sessions; P keep-alive connections POST to
                     random receivers for T seconds: accepted/s, delivered/s, errors, lost, duplicated.
          latency    open loop at R messages/s; latency from each message's intended send time to each
                     new_message arrival (no coordinated omission): p50/p90/p99/p99.9/max.
          capacity   ramp to N joined sessions: connect-and-join rate; with the server's pid, its RSS
                     per session (from /proc).
          history    time from join to all_messages for a user with H stored messages.
          socket     fanout with the send_message extension (skipped when the server lacks it).
          soak       rounds until --soak-duration: latency users' sessions connect and join, POSTs at
                     --rate for --soak-round, every message checked, sessions close; the server's
                     RSS and open descriptors sampled after each round (not run unless named).

        Options:
          --node URL                One entry point of a deployment of several nodes (repeat it, instead
                                    of URL): each user's sessions go round the nodes from a seeded first
                                    node, POST connections round the nodes too, so a POST to one node is
                                    delivered to sessions on the others; the spread is printed and the
                                    fan-out workloads report their cross-node deliveries.
          --workloads LIST          Comma-separated workloads (default fanout,latency,capacity,history,socket).
          --auth-secret-file PATH   The server requires authentication (Spec AUTH): sign a token with the
                                    HS256 secret in PATH for every user (sent in CONNECT) and for the
                                    sender (Authorization: Bearer on every POST); without URL the embedded
                                    server requires it too.
          --auth-audience A         The tokens' aud claim.
          --users U                 Fanout/socket users (default 100).
          --sessions-per-user S     WebSocket sessions per user (default 2).
          --connections P           Keep-alive POST connections (default 16).
          --pipeline D              Requests (or send_message acks) in flight per connection/session (default 8).
          --duration SECONDS        Fanout/socket sending time (default 5).
          --rate R                  Latency: messages per second (default 1000).
          --latency-duration SECONDS  Latency: sending time (default 5).
          --latency-users U         Latency: users, one session each (default 50).
          --disk-floor DIR          Latency: first run the same open loop against the disk alone (a page
                                    written and fdatasync'ed per message, group commit) in DIR, which
                                    should hold the server's database: the floor any durable server has.
          --capacity N              Capacity: joined sessions to reach (default 10000).
          --connect-concurrency C   Capacity: connects in flight at once (default 256).
          --history H               History: stored messages of the joining user (default 10000).
          --history-joins J         History: joins timed (default 5).
          --soak-duration SECONDS   Soak: total time (default 60).
          --soak-round SECONDS      Soak: one round of connect, send, close (default 5).
          --content-bytes B         Message content length, 16 to 65536 (default 32).
          --drain-timeout SECONDS   Wait for late deliveries after sending stops (default 5).
          --connect-timeout SECONDS Wait for a session to connect and join (default 10).
          --server-pid PID          The server's process id, for RSS and CPU (automatic without URL;
                                    not with --node: measure the nodes' processes outside).
          --seed N                  Seed of the random receivers.
          --json FILE               Write the results as JSON.
          --html FILE               Write the results as one self-contained HTML page: tables, the
                                    latency distributions, throughput per second, the ledger.
          --compare DIR             Run nothing: with --html, the page of bench/compare's results in
                                    DIR (reference-W.json beside peer-W.json), ratios included.
          -q, --quiet               No progress lines, only the table.
          -h, --help                Print this help and exit.

        Exit status:
          0   every workload ran and was correct
          1   a workload saw a lost, duplicated, misdelivered or unattributable message, or errors
          2   inconclusive: the server could not be reached or a workload could not run
          64  usage error
        """

    /// Parses the arguments after `bench`.
    public static func parse(_ arguments: [String]) throws(ConformUsageError) -> BenchOptions {
        var options = BenchOptions()
        var reader = ArgumentReader(arguments)
        while let item = reader.next() {
            let name: String
            switch item {
            case .positional(let argument):
                guard options.targetURL == nil else {
                    throw ConformUsageError("unexpected argument '\(argument)' (the URL is already \(options.targetURL ?? ""))")
                }
                options.targetURL = try ConformOptions.url(argument)
                continue
            case .option(let option):
                name = option
            }
            func value() throws(ConformUsageError) -> String { try reader.value() }
            func count(_ range: ClosedRange<Int>) throws(ConformUsageError) -> Int {
                try ConformOptions.integer(name, value(), range: range)
            }
            func seconds() throws(ConformUsageError) -> Duration { try ConformOptions.seconds(name, value()) }
            switch name {
            case "-h", "--help":
                options.isHelp = true
                return options
            case "-q", "--quiet":
                try reader.flag()
                options.isQuiet = true
            case "--node": options.nodes.append(try ConformOptions.url(value()))
            case "--workloads": options.workloads = try workloads(value())
            case "--users": options.users = try count(1...100_000)
            case "--sessions-per-user": options.sessionsPerUser = try count(1...1_000)
            case "--connections": options.connections = try count(1...10_000)
            case "--pipeline": options.pipelineDepth = try count(1...1_024)
            case "--duration": options.duration = try seconds()
            case "--rate": options.rate = try count(1...1_000_000)
            case "--latency-duration": options.latencyDuration = try seconds()
            case "--latency-users": options.latencyUsers = try count(1...100_000)
            case "--disk-floor": options.diskFloorDirectory = try ConformOptions.nonEmpty(name, value())
            case "--capacity": options.capacitySessions = try count(1...1_000_000)
            case "--connect-concurrency": options.connectConcurrency = try count(1...100_000)
            case "--history": options.historyMessages = try count(0...10_000_000)
            case "--history-joins": options.historyJoins = try count(1...1_000)
            case "--soak-duration": options.soakDuration = try seconds()
            case "--soak-round": options.soakRound = try seconds()
            case "--content-bytes": options.contentBytes = try count(16...65_536)
            case "--drain-timeout": options.drainTimeout = try seconds()
            case "--connect-timeout": options.connectTimeout = try seconds()
            case "--server-pid": options.serverProcessID = Int32(try count(1...Int(Int32.max)))
            case "--seed": options.seed = try ConformOptions.seed(value())
            case "--auth-secret-file": options.authSecretFile = try ConformOptions.nonEmpty(name, value())
            case "--auth-audience": options.authAudience = try ConformOptions.nonEmpty(name, value())
            case "--json": options.jsonPath = try ConformOptions.nonEmpty(name, value())
            case "--html": options.htmlPath = try ConformOptions.nonEmpty(name, value())
            case "--compare": options.compareDirectory = try ConformOptions.nonEmpty(name, value())
            default:
                throw ConformUsageError("unknown bench option '\(name)'")
            }
        }
        if options.authAudience != nil, options.authSecretFile == nil { throw ConformUsageError("--auth-audience needs --auth-secret-file") }
        if !options.nodes.isEmpty {
            guard options.targetURL == nil else { throw ConformUsageError("give the deployment's entry points with --node only, or one URL") }
            guard options.serverProcessID == nil else {
                throw ConformUsageError("--server-pid measures one process; with --node measure the nodes' processes outside the bench")
            }
        }
        if options.compareDirectory != nil {
            guard options.htmlPath != nil else { throw ConformUsageError("--compare needs --html FILE (the page to write)") }
            guard options.targetURL == nil, options.nodes.isEmpty else { throw ConformUsageError("--compare reads results and runs nothing: drop the URL") }
        }
        return options
    }

    static func workloads(_ text: String) throws(ConformUsageError) -> [Workload] {
        var result: [Workload] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingCharacters(in: " ")
            guard let workload = Workload(rawValue: name) else {
                let known = Workload.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConformUsageError("--workloads: unknown workload '\(name)' (known: \(known))")
            }
            if !result.contains(workload) { result.append(workload) }
        }
        guard !result.isEmpty else { throw ConformUsageError("--workloads needs at least one workload") }
        return result
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        var slice = self[...]
        while slice.first == character { slice = slice.dropFirst() }
        while slice.last == character { slice = slice.dropLast() }
        return String(slice)
    }
}
