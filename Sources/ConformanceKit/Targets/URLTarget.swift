/// A server known by its URL, restarted or crashed by shell commands (`--restart-command`,
/// `--crash-command`), each followed by a wait until the server answers again.
public struct URLTarget: ServerTarget {
    public var baseURL: String
    public var restartCommand: String?
    public var crashCommand: String?
    public var storageFaultCommands: StorageFaultCommands?
    /// How long a command plus the wait for the server may take.
    public var startTimeout: Duration
    /// The server's listening socket, handed to the restart and crash commands as descriptor 3 with
    /// `LISTEN_FDS=1` (`--inherited-socket`: conform was given it as a process manager gives it to a
    /// server); nil: the commands get no socket. The caller keeps it open.
    public var listeningDescriptor: Int32?

    public init(
        baseURL: String, restartCommand: String? = nil, crashCommand: String? = nil, storageFaultCommands: StorageFaultCommands? = nil,
        startTimeout: Duration = .seconds(10), listeningDescriptor: Int32? = nil
    ) {
        self.baseURL = baseURL
        self.restartCommand = restartCommand
        self.crashCommand = crashCommand
        self.storageFaultCommands = storageFaultCommands
        self.startTimeout = startTimeout
        self.listeningDescriptor = listeningDescriptor
    }

    public var capabilities: Set<Capability> {
        var capabilities: Set<Capability> = []
        if restartCommand != nil { capabilities.insert(.restart) }
        if crashCommand != nil { capabilities.insert(.crash) }
        if storageFaultCommands != nil { capabilities.insert(.storageFault) }
        return capabilities
    }

    public func failStorage() async throws { try await StorageFaultCommands.run(storageFaultCommands, isRecovery: false) }

    public func recoverStorage() async throws { try await StorageFaultCommands.run(storageFaultCommands, isRecovery: true) }

    public func restart() async throws {
        guard let restartCommand else { throw ScenarioInconclusive("the run cannot restart the server (needs \(Capability.restart.option))") }
        try await run(restartCommand, what: "restart")
    }

    public func crash() async throws {
        guard let crashCommand else { throw ScenarioInconclusive("the run cannot crash the server (needs \(Capability.crash.option))") }
        try await run(crashCommand, what: "crash")
    }

    /// Runs `command`, waits for it to exit (a command that keeps running is left to run: it may be
    /// the server itself), then waits until the server answers.
    private func run(_ command: String, what: String) async throws {
        try await Self.run(command, what: what, baseURL: baseURL, startTimeout: startTimeout, listeningDescriptor: listeningDescriptor)
    }

    /// Runs `command` as `run(_:what:)` does, then waits until `baseURL` answers.
    static func run(_ command: String, what: String, baseURL: String, startTimeout: Duration, listeningDescriptor: Int32? = nil) async throws {
        let started = ContinuousClock.now
        try await ShellStep.run(command, what: what, timeout: startTimeout, mayKeepRunning: true, listeningDescriptor: listeningDescriptor)
        let remaining = max(.milliseconds(500), startTimeout - started.duration(to: .now))
        do {
            try await TargetReadiness.wait(baseURL: baseURL, timeout: remaining)
        } catch {
            throw ScenarioInconclusive("after the \(what) command: \(error)")
        }
    }
}
