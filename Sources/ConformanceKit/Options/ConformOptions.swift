/// The `conform` command line, parsed by a pure function (`parse`) into options or a usage error.
///
/// `conform [options] [URL]` runs the scenarios against the server at URL (without URL: the CLI's
/// self-check against the embedded reference server); `conform --list` lists them;
/// `conform bench [URL] …` hands everything after `bench` to the bench command unparsed.
/// Options take their value as the next argument or after `=` (`--seed=7`); `--` ends options.
public struct ConformOptions: Sendable, Equatable {
    public enum Command: Sendable, Equatable {
        case run
        case list
        case help
        /// `conform bench …`: the arguments after `bench`, for the bench command to parse.
        case bench(arguments: [String])
    }

    public static let defaultStartTimeout: Duration = .seconds(10)
    public static let defaultConcurrency = 4

    public var command: Command = .run
    /// Base URL of the server under test (`http://host:port`, no trailing `/`).
    public var targetURL: String?
    /// The entry points of one clustered deployment (`--node`, repeatable), instead of `targetURL`.
    public var nodes: [String] = []
    /// Shell command that starts the server under test (`--server-command`).
    public var serverCommand: String?
    /// Hand the server command a listening socket on 127.0.0.1 as descriptor 3 (`--socket-activation`,
    /// `man sd_listen_fds`) instead of a URL it binds itself.
    public var isSocketActivated = false
    /// conform's own descriptor 3 is the server's listening socket (`--inherited-socket`, conform
    /// started with `LISTEN_FDS=1`): hand it on to `--restart-command` and `--crash-command`.
    public var hasInheritedSocket = false
    /// How long to wait for a started server to listen (`--start-timeout`).
    public var startTimeout: Duration = ConformOptions.defaultStartTimeout
    public var filters: [String] = []
    public var excludes: [String] = []
    public var isStrict = false
    /// Per-scenario overall timeout before scaling (`--timeout`).
    public var scenarioTimeout: Duration = RunnerOptions.defaultScenarioTimeout
    public var timeoutFactor: Double = 1
    /// nil: the CLI draws one and prints it.
    public var seed: UInt64?
    public var concurrency: Int = ConformOptions.defaultConcurrency
    public var junitPath: String?
    public var jsonPath: String?
    /// Where `--html` writes the report page.
    public var htmlPath: String?
    public var expectationsPath: String?
    public var restartCommand: String?
    public var crashCommand: String?
    /// Restarts the deployment's database (`--database-restart-command`, with `--node`).
    public var databaseRestartCommand: String?
    /// `--storage-fault-command` / `--storage-recover-command` (both or neither).
    public var storageFaultCommand: String?
    public var storageRecoverCommand: String?
    public var isVerbose = false
    /// The file holding the secret shared with a server that requires authentication (Spec AUTH-1).
    public var authSecretFile: String?
    /// The audience the server's tokens must name (`--auth-audience`).
    public var authAudience: String?
    /// The server's clock leeway in seconds (`--auth-leeway`).
    public var authLeewaySeconds: Int = KitAuthentication.defaultLeewaySeconds
    /// An origin on the server's allow-list (`--allowed-origin`, Spec ORIGIN-1).
    public var allowedOrigin: String?

    public init() {}

    /// The capabilities the given commands grant.
    public var capabilities: Set<Capability> {
        var capabilities: Set<Capability> = []
        if restartCommand != nil { capabilities.insert(.restart) }
        if crashCommand != nil { capabilities.insert(.crash) }
        if nodes.count > 1 { capabilities.insert(.cluster) }
        if databaseRestartCommand != nil { capabilities.insert(.databaseRestart) }
        if storageFaultCommands != nil { capabilities.insert(.storageFault) }
        return capabilities
    }

    /// The storage fault commands, when both were given.
    public var storageFaultCommands: StorageFaultCommands? {
        guard let storageFaultCommand, let storageRecoverCommand else { return nil }
        return StorageFaultCommands(fault: storageFaultCommand, recover: storageRecoverCommand, timeout: startTimeout)
    }

    /// Runner options for these command-line options; `secret` is the contents of `authSecretFile`.
    public func runnerOptions(seed: UInt64, expectations: ExpectationSet = ExpectationSet(), secret: [UInt8]? = nil) -> RunnerOptions {
        RunnerOptions(
            filters: filters, excludes: excludes, concurrency: concurrency, seed: seed, timeoutFactor: timeoutFactor,
            scenarioTimeout: scenarioTimeout, isStrict: isStrict, capabilities: capabilities, expectations: expectations,
            authentication: secret.map { KitAuthentication(secret: $0, audience: authAudience, leewaySeconds: authLeewaySeconds) },
            allowedOrigin: allowedOrigin
        )
    }

    /// Parses the arguments after the program name.
    public static func parse(_ arguments: [String]) throws(ConformUsageError) -> ConformOptions {
        var options = ConformOptions()
        if arguments.first == "bench" {
            options.command = .bench(arguments: Array(arguments.dropFirst()))
            return options
        }
        var reader = ArgumentReader(arguments)
        while let item = reader.next() {
            let name: String
            switch item {
            case .positional(let argument):
                guard options.targetURL == nil else {
                    throw ConformUsageError("unexpected argument '\(argument)' (the URL is already \(options.targetURL ?? ""))")
                }
                options.targetURL = try url(argument)
                continue
            case .option(let option):
                name = option
            }
            func value() throws(ConformUsageError) -> String { try reader.value() }
            func flag() throws(ConformUsageError) { try reader.flag() }
            switch name {
            case "-h", "--help":
                options.command = .help
                return options
            case "--list":
                try flag()
                options.command = .list
            case "--strict":
                try flag()
                options.isStrict = true
            case "--verbose", "-v":
                try flag()
                options.isVerbose = true
            case "--server-command": options.serverCommand = try nonEmpty(name, value())
            case "--socket-activation":
                try flag()
                options.isSocketActivated = true
            case "--inherited-socket":
                try flag()
                options.hasInheritedSocket = true
            case "--node": options.nodes.append(try url(value()))
            case "--restart-command": options.restartCommand = try nonEmpty(name, value())
            case "--crash-command": options.crashCommand = try nonEmpty(name, value())
            case "--database-restart-command": options.databaseRestartCommand = try nonEmpty(name, value())
            case "--storage-fault-command": options.storageFaultCommand = try nonEmpty(name, value())
            case "--storage-recover-command": options.storageRecoverCommand = try nonEmpty(name, value())
            case "--start-timeout": options.startTimeout = try seconds(name, value())
            case "--timeout": options.scenarioTimeout = try seconds(name, value())
            case "--timeout-factor": options.timeoutFactor = try positiveNumber(name, value(), maximum: 1_000)
            case "--filter": options.filters.append(try nonEmpty(name, value()))
            case "--exclude": options.excludes.append(try nonEmpty(name, value()))
            case "--seed": options.seed = try seed(value())
            case "--concurrency": options.concurrency = try integer(name, value(), range: 1...1_024)
            case "--junit": options.junitPath = try nonEmpty(name, value())
            case "--json": options.jsonPath = try nonEmpty(name, value())
            case "--html": options.htmlPath = try nonEmpty(name, value())
            case "--expect": options.expectationsPath = try nonEmpty(name, value())
            case "--auth-secret-file": options.authSecretFile = try nonEmpty(name, value())
            case "--auth-audience": options.authAudience = try nonEmpty(name, value())
            case "--auth-leeway": options.authLeewaySeconds = try integer(name, value(), range: 0...60)
            case "--allowed-origin": options.allowedOrigin = try nonEmpty(name, value())
            default:
                throw ConformUsageError("unknown option '\(name)'")
            }
        }
        if options.authSecretFile == nil, options.authAudience != nil {
            throw ConformUsageError("--auth-audience needs --auth-secret-file")
        }
        if !options.nodes.isEmpty && (options.targetURL != nil || options.serverCommand != nil) {
            throw ConformUsageError("--node names every entry point of the deployment; give no URL or --server-command with it")
        }
        if options.isSocketActivated && (options.serverCommand == nil || options.targetURL != nil) {
            throw ConformUsageError("--socket-activation needs --server-command and no URL: conform binds 127.0.0.1 itself and hands the socket over")
        }
        if options.hasInheritedSocket && (options.targetURL == nil || options.serverCommand != nil || !options.nodes.isEmpty) {
            throw ConformUsageError("--inherited-socket needs the server's URL and no --server-command or --node: it hands the socket to --restart-command and --crash-command")
        }
        if options.databaseRestartCommand != nil && options.nodes.isEmpty {
            throw ConformUsageError("--database-restart-command needs the deployment's entry points (--node URL, repeated)")
        }
        if (options.storageFaultCommand == nil) != (options.storageRecoverCommand == nil) {
            throw ConformUsageError("--storage-fault-command and --storage-recover-command go together")
        }
        return options
    }

    // MARK: Values

    package static func url(_ text: String) throws(ConformUsageError) -> String {
        guard text.hasPrefix("http://"), text.count > "http://".count else {
            throw ConformUsageError("the URL must start with http:// and name a host, e.g. http://127.0.0.1:5000 (got '\(text)')")
        }
        var url = text
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    package static func nonEmpty(_ name: String, _ value: String) throws(ConformUsageError) -> String {
        guard !value.isEmpty else { throw ConformUsageError("\(name) needs a non-empty value") }
        return value
    }

    static func positiveNumber(_ name: String, _ text: String, maximum: Double) throws(ConformUsageError) -> Double {
        guard let value = Double(text), value.isFinite, value > 0, value <= maximum else {
            throw ConformUsageError("\(name) needs a positive number up to \(Int(maximum)) (got '\(text)')")
        }
        return value
    }

    package static func seconds(_ name: String, _ text: String) throws(ConformUsageError) -> Duration {
        let value = try positiveNumber(name, text, maximum: 86_400)
        return .milliseconds(Int64(max(1, (value * 1000).rounded())))
    }

    package static func integer(_ name: String, _ text: String, range: ClosedRange<Int>) throws(ConformUsageError) -> Int {
        guard let value = Int(text), range.contains(value) else {
            throw ConformUsageError("\(name) needs a whole number from \(range.lowerBound) to \(range.upperBound) (got '\(text)')")
        }
        return value
    }

    package static func seed(_ text: String) throws(ConformUsageError) -> UInt64 {
        let lowered = text.lowercased()
        let parsed = lowered.hasPrefix("0x") ? UInt64(lowered.dropFirst(2), radix: 16) : UInt64(lowered, radix: 10)
        guard let parsed else { throw ConformUsageError("--seed needs a whole number from 0 to \(UInt64.max), decimal or 0x-hexadecimal (got '\(text)')") }
        return parsed
    }
}
