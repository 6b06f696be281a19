/// Parses the `reference-server` command line into a configuration (pure; no I/O).
public enum ServerCommandLine {
    public enum Outcome: Sendable {
        /// Run the server; with `--auth-secret-file`, the secret is read from that file before it starts.
        case run(ServerConfiguration, secretFile: String?)
        /// `reference-server token …`: print a token.
        case token(TokenRequest)
        case help
    }

    /// `reference-server token --user NAME --ttl DURATION --secret-file PATH [--audience A]`.
    public struct TokenRequest: Sendable, Equatable {
        public var user: String
        public var timeToLiveSeconds: Int
        public var secretFile: String
        public var audience: String?
    }

    public struct UsageError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public static let usage = """
    usage: reference-server [--host H] [--port N] [--db PATH | --postgres URL] [--sid-prefix P] [--ping-interval MS] [--ping-timeout MS] [--max-payload BYTES] [--slow-commit MS] [--max-pending-commits N] [--max-connections-per-ip N] [--posts-per-second-per-connection R] [--posts-per-second-per-ip R] [--events-per-second-per-session R] [--events-per-second-per-ip R] [--descriptor-high-water PERCENT] [--summary-interval SECONDS] [--trim-after-closes N] [--log-level LEVEL] [--auth-secret-file PATH [--auth-audience A] [--auth-leeway S]] [--allowed-origin ORIGIN]...
           reference-server token --user NAME --ttl DURATION --secret-file PATH [--audience A]
    """

    public static let help = """
    reference-server: the reference implementation of the messenger protocol (Spec/SPEC.md v1.5).

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
      --max-pending-commits N
                            messages waiting for the disk past which a POST or send_message is
                            refused 503 at once; 0: no bound (default 20000)
      --max-connections-per-ip N
                            connections one client IP may hold; past it 503 and close; behind a
                            reverse proxy every client has the proxy's IP: raise it or give 0 (no
                            cap) (default 16384)
      --posts-per-second-per-connection R, --posts-per-second-per-ip R
                            POST /messages rate (token bucket, burst R) past which 429 +
                            Retry-After; 0: no limit (defaults 5000, 100000)
      --events-per-second-per-session R, --events-per-second-per-ip R
                            Socket.IO event rate past which the event is dropped with an `error`
                            event; 0: no limit (defaults 1000, 100000)
      --descriptor-high-water PERCENT
                            above this share of the descriptor limit, close the oldest idle
                            connections and never-connected sessions; at the limit, answer new
                            clients 503 from a reserve descriptor; 0: neither (default 90)
      --summary-interval SECONDS
                            seconds between the info summary lines; 0: none (default 60)
      --trim-after-closes N after N closed connections and the open ones at half their peak,
                            give free heap memory back to the kernel; 0: never (default 1000)
      --log-level LEVEL     error, warning, info or debug (default info)
      --auth-secret-file PATH
                            require authentication (Spec AUTH): HS256 JSON Web Tokens signed with
                            the secret in PATH (one trailing line break ignored), in the CONNECT
                            payload {"token": …} and as Authorization: Bearer on POST /messages;
                            the secret is never logged (default: no authentication)
      --auth-audience A     tokens must carry aud A (default: tokens must carry no aud)
      --auth-leeway S       clock leeway on exp, nbf and iat in seconds, 0...60 (default 5)
      --allowed-origin ORIGIN
                            serve only this Origin (repeatable; Spec ORIGIN-1): polling, upgrades
                            and /messages from another Origin get 403; requests without Origin
                            pass (default: every origin, without the credentials flag)
      -h, --help            this text

    reference-server token --user NAME --ttl DURATION --secret-file PATH [--audience A]
                            prints a token for NAME valid for DURATION (3600, 90s, 15m, 1h, 2d),
                            for local use and tests; the application's backend mints real ones

    It prints the address it listens on and logs errors, rate-limited warnings and a summary line
    every minute (connection lines are debug). GET /healthz and GET /metrics (Prometheus text) tell
    an operator how it is doing (README "Operating"). On SIGINT or SIGTERM it stops accepting,
    finishes pending commits, closes sessions and exits 0.
    Open that address in a browser for the chat page it serves at /.

    Socket activation (systemd, `man sd_listen_fds`): when LISTEN_PID is this process's pid and
    LISTEN_FDS is 1, it serves the listening TCP socket it inherited as descriptor 3 instead of
    binding --host/--port (README "Operating" has a .socket unit). A process manager or test that binds
    the port itself keeps it through restarts and crashes. Any other LISTEN_FDS, or a descriptor 3
    that is not a listening TCP socket, is an error (exit 1).

    Exit codes: 0 stopped cleanly; 1 could not start (address in use, database error, unusable
    inherited socket); 64 usage error.
    """

    public static func parse(_ arguments: [String]) -> Result<Outcome, UsageError> {
        if arguments.first == "token" { return parseToken(Array(arguments.dropFirst())) }
        var configuration = ServerConfiguration()
        var secretFile: String?
        var audience: String?
        var leeway = 5
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
                case "--max-pending-commits": configuration.operating.maxPendingCommits = try integer(argument, in: 0...10_000_000).get()
                case "--max-connections-per-ip": configuration.operating.maxConnectionsPerIP = try integer(argument, in: 0...10_000_000).get()
                case "--posts-per-second-per-connection": configuration.operating.postsPerSecondPerConnection = Double(try integer(argument, in: 0...100_000_000).get())
                case "--posts-per-second-per-ip": configuration.operating.postsPerSecondPerIP = Double(try integer(argument, in: 0...100_000_000).get())
                case "--events-per-second-per-session": configuration.operating.eventsPerSecondPerSession = Double(try integer(argument, in: 0...100_000_000).get())
                case "--events-per-second-per-ip": configuration.operating.eventsPerSecondPerIP = Double(try integer(argument, in: 0...100_000_000).get())
                case "--descriptor-high-water": configuration.operating.descriptorHighWaterPercent = try integer(argument, in: 0...100).get()
                case "--summary-interval": configuration.operating.summaryIntervalSeconds = try integer(argument, in: 0...86_400).get()
                case "--trim-after-closes": configuration.operating.trimAfterClosedConnections = try integer(argument, in: 0...10_000_000).get()
                case "--log-level":
                    let name = try value(argument).get()
                    guard let level = LogLevel(name: name) else {
                        throw UsageError(message: "--log-level must be error, warning, info or debug, not '\(name)'")
                    }
                    configuration.logLevel = level
                case "--auth-secret-file": secretFile = try value(argument).get()
                case "--auth-audience": audience = try value(argument).get()
                case "--auth-leeway": leeway = try integer(argument, in: 0...AuthenticationConfiguration.maximumLeewaySeconds).get()
                case "--allowed-origin":
                    let origin = try value(argument).get()
                    guard !origin.isEmpty else { throw UsageError(message: "--allowed-origin needs an origin such as https://chat.example") }
                    configuration.allowedOrigins.insert(origin)
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
        if secretFile == nil, audience != nil || arguments.contains("--auth-leeway") {
            return .failure(UsageError(message: "--auth-audience and --auth-leeway need --auth-secret-file"))
        }
        if secretFile != nil {
            // The secret itself is filled in from the file by `ServerMain` (this parser does no I/O).
            configuration.authentication = AuthenticationConfiguration(secret: [], audience: audience, leewaySeconds: leeway)
        }
        return .success(.run(configuration, secretFile: secretFile))
    }

    /// `token --user NAME --ttl DURATION --secret-file PATH [--audience A]`.
    static func parseToken(_ arguments: [String]) -> Result<Outcome, UsageError> {
        var user: String?
        var timeToLive: Int?
        var secretFile: String?
        var audience: String?
        var index = 0
        while index < arguments.count {
            let flag = arguments[index]
            if flag == "-h" || flag == "--help" { return .success(.help) }
            guard index + 1 < arguments.count else { return .failure(UsageError(message: "\(flag) needs a value")) }
            let value = arguments[index + 1]
            switch flag {
            case "--user": user = value
            case "--ttl":
                guard let seconds = durationSeconds(value), seconds > 0 else {
                    return .failure(UsageError(message: "--ttl needs a positive duration such as 3600, 90s, 15m, 1h or 2d, not '\(value)'"))
                }
                timeToLive = seconds
            case "--secret-file": secretFile = value
            case "--audience": audience = value
            default: return .failure(UsageError(message: "unknown argument '\(flag)' for token"))
            }
            index += 2
        }
        guard let user, !user.isEmpty else { return .failure(UsageError(message: "token needs --user NAME")) }
        guard let secretFile else { return .failure(UsageError(message: "token needs --secret-file PATH")) }
        return .success(.token(TokenRequest(user: user, timeToLiveSeconds: timeToLive ?? 3600, secretFile: secretFile, audience: audience)))
    }

    /// Seconds of `3600`, `90s`, `15m`, `1h` or `2d`; nil otherwise.
    static func durationSeconds(_ text: String) -> Int? {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        if let last = text.last, let unit = units[last] {
            guard let number = Int(text.dropLast()), number >= 0, number <= Int(Int32.max) else { return nil }
            return number * unit
        }
        guard let number = Int(text), number >= 0 else { return nil }
        return number
    }
}
