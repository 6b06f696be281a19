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

    public static let usage = "usage: reference-server [--host H] [--port N] [--db PATH | --postgres URL] [--sid-prefix P] [--ping-interval MS] [--ping-timeout MS] [--max-payload BYTES] [--slow-commit MS] [--log-level LEVEL]"

    public static let help = """
    reference-server: the reference implementation of the messenger protocol (Spec/SPEC.md v1.0).

    \(usage)

    Options:
      --host H              address to listen on (default 127.0.0.1)
      --port N              TCP port, 0 for any free port (default 3000)
      --db PATH             SQLite database file (default messages.db)
      --postgres URL        store messages in PostgreSQL instead (a libpq URI, e.g.
                            postgresql://user@db.example/messenger?sslmode=verify-full);
                            every node started with the same URL serves one deployment
      --sid-prefix P        start every Engine.IO sid with P (letters, digits, - and _), so a load
                            balancer can send a polling session to its node (docs/nginx-cluster.conf)
      --ping-interval MS    Engine.IO pingInterval in milliseconds (default 25000)
      --ping-timeout MS     Engine.IO pingTimeout in milliseconds (default 20000)
      --max-payload BYTES   Engine.IO maxPayload in bytes (default 1000000)
      --slow-commit MS      log a warning for each commit (insert + fsync) lasting MS or more;
                            0: never (default 20)
      --log-level LEVEL     error, warning, info or debug (default info)
      -h, --help            this text

    It prints the address it listens on, logs one line per connection and per error, and on
    SIGINT or SIGTERM stops accepting, finishes pending commits, closes sessions and exits 0.

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
                case "--postgres": configuration.postgresURL = try value(argument).get()
                case "--sid-prefix":
                    let prefix = try value(argument).get()
                    guard !prefix.isEmpty, prefix.count <= 16, prefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                        throw UsageError(message: "--sid-prefix needs 1 to 16 letters, digits, - or _, not '\(prefix)'")
                    }
                    configuration.sessionIDPrefix = prefix
                case "--ping-interval": configuration.pingInterval = try integer(argument, in: 1...3_600_000).get()
                case "--ping-timeout": configuration.pingTimeout = try integer(argument, in: 1...3_600_000).get()
                case "--max-payload":
                    let bytes = try integer(argument, in: 1_024...(256 * 1024 * 1024)).get()
                    configuration.limits.engineIOMaxPayload = bytes
                    configuration.limits.webSocketMaxFrameSize = bytes
                    configuration.limits.webSocketMaxMessageSize = bytes
                    configuration.limits.httpMaxBodySize = max(configuration.limits.httpMaxBodySize, bytes + 64 * 1024)
                case "--slow-commit": configuration.slowCommitMilliseconds = try integer(argument, in: 0...3_600_000).get()
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
