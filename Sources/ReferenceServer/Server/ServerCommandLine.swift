/// Parses the `reference-server` command line into a configuration (pure; no I/O).
public enum ServerCommandLine {
    public enum Outcome: Sendable {
        case run(ServerConfiguration)
        case help
    }

    public struct UsageError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public static let usage = "usage: reference-server [--host H] [--port N] [--db PATH] [--ping-interval MS] [--ping-timeout MS] [--max-payload BYTES] [--slow-commit MS] [--max-pending-commits N] [--descriptor-high-water PERCENT] [--summary-interval SECONDS] [--trim-after-closes N] [--log-level LEVEL]"

    public static let help = """
    reference-server: the reference implementation of the messenger protocol (Spec/SPEC.md v1.3).

    \(usage)

    Options:
      --host H              address to listen on (default 127.0.0.1)
      --port N              TCP port, 0 for any free port (default 3000)
      --db PATH             SQLite database file (default messages.db)
      --ping-interval MS    Engine.IO pingInterval in milliseconds (default 25000)
      --ping-timeout MS     Engine.IO pingTimeout in milliseconds (default 20000)
      --max-payload BYTES   Engine.IO maxPayload in bytes (default 1000000)
      --slow-commit MS      log a warning for each commit (insert + fsync) lasting MS or more;
                            0: never (default 20)
      --max-pending-commits N
                            messages waiting for the disk past which a POST or send_message is
                            refused 503 at once; 0: no bound (default 20000)
      --descriptor-high-water PERCENT
                            above this share of the descriptor limit, close the oldest idle
                            connections and never-connected sessions; at the limit, answer new
                            clients 503 from a reserve descriptor; 0: neither (default 90)
      --summary-interval SECONDS
                            seconds between the info summary lines; 0: none (default 60)
      --trim-after-closes N after N closed connections and the open ones at half their peak,
                            give free heap memory back to the kernel; 0: never (default 1000)
      --log-level LEVEL     error, warning, info or debug (default info)
      -h, --help            this text

    It prints the address it listens on and logs errors, rate-limited warnings and a summary line
    every minute (connection lines are debug). GET /healthz and GET /metrics (Prometheus text) tell
    an operator how it is doing (README "Operating"). On SIGINT or SIGTERM it stops accepting,
    finishes pending commits, closes sessions and exits 0.

    Exit codes: 0 stopped cleanly; 1 could not start (address in use, database error); 64 usage error.
    """

    public static func parse(_ arguments: [String]) -> Result<Outcome, UsageError> {
        var configuration = ServerConfiguration()
        var index = 0
        func value(_ flag: String) -> Result<String, UsageError> {
            index += 1
            guard index < arguments.count else { return .failure(UsageError(message: "\(flag) needs a value")) }
            return .success(arguments[index])
        }
        func integer(_ flag: String, in range: ClosedRange<Int>) -> Result<Int, UsageError> {
            value(flag).flatMap { text in
                guard let number = Int(text), range.contains(number) else {
                    return .failure(UsageError(message: "\(flag) needs a whole number in \(range.lowerBound)...\(range.upperBound), not '\(text)'"))
                }
                return .success(number)
            }
        }
        while index < arguments.count {
            let argument = arguments[index]
            do {
                switch argument {
                case "-h", "--help": return .success(.help)
                case "--host": configuration.host = try value(argument).get()
                case "--port": configuration.port = try integer(argument, in: 0...65_535).get()
                case "--db": configuration.databasePath = try value(argument).get()
                case "--ping-interval": configuration.pingInterval = try integer(argument, in: 1...3_600_000).get()
                case "--ping-timeout": configuration.pingTimeout = try integer(argument, in: 1...3_600_000).get()
                case "--max-payload":
                    let bytes = try integer(argument, in: 1_024...(256 * 1024 * 1024)).get()
                    configuration.limits.engineIOMaxPayload = bytes
                    configuration.limits.webSocketMaxFrameSize = bytes
                    configuration.limits.webSocketMaxMessageSize = bytes
                    configuration.limits.httpMaxBodySize = max(configuration.limits.httpMaxBodySize, bytes + 64 * 1024)
                case "--slow-commit": configuration.slowCommitMilliseconds = try integer(argument, in: 0...3_600_000).get()
                case "--max-pending-commits": configuration.operating.maxPendingCommits = try integer(argument, in: 0...10_000_000).get()
                case "--descriptor-high-water": configuration.operating.descriptorHighWaterPercent = try integer(argument, in: 0...100).get()
                case "--summary-interval": configuration.operating.summaryIntervalSeconds = try integer(argument, in: 0...86_400).get()
                case "--trim-after-closes": configuration.operating.trimAfterClosedConnections = try integer(argument, in: 0...10_000_000).get()
                case "--log-level":
                    let name = try value(argument).get()
                    guard let level = LogLevel(name: name) else {
                        throw UsageError(message: "--log-level must be error, warning, info or debug, not '\(name)'")
                    }
                    configuration.logLevel = level
                default:
                    throw UsageError(message: "unknown argument '\(argument)'")
                }
            } catch let error as UsageError {
                return .failure(error)
            } catch {
                return .failure(UsageError(message: "\(error)"))
            }
            index += 1
        }
        return .success(.run(configuration))
    }
}
