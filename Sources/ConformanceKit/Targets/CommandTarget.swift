import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A server the run starts itself (`--server-command`, or the embedded reference server): started
/// with `/bin/sh -c`, stopped with SIGTERM then SIGKILL after a grace period; restart is stop + start,
/// crash is SIGKILL + start.
public final class CommandTarget: ServerTarget {
    public let baseURL: String
    public let command: String
    public let startTimeout: Duration
    /// How long SIGTERM may take before SIGKILL.
    public let stopGrace: Duration
    /// Commands that make the server's storage fail and recover, if given.
    public let storageFaultCommands: StorageFaultCommands?
    private let process = Mutex<ChildProcess?>(nil)

    public init(
        command: String, baseURL: String, storageFaultCommands: StorageFaultCommands? = nil, startTimeout: Duration = .seconds(10),
        stopGrace: Duration = .seconds(5)
    ) {
        self.storageFaultCommands = storageFaultCommands
        self.command = command
        self.baseURL = baseURL
        self.startTimeout = startTimeout
        self.stopGrace = stopGrace
    }

    /// A started server can be restarted and crashed; its storage made to fail when the commands are given.
    public var capabilities: Set<Capability> { storageFaultCommands == nil ? [.restart, .crash] : [.restart, .crash, .storageFault] }

    public func failStorage() async throws { try await StorageFaultCommands.run(storageFaultCommands, isRecovery: false) }

    public func recoverStorage() async throws { try await StorageFaultCommands.run(storageFaultCommands, isRecovery: true) }

    /// Starts the command and waits until the server answers.
    public func start() async throws(TargetError) {
        let child = try ChildProcess.spawnShell(command)
        process.withLock { $0 = child }
        do {
            try await TargetReadiness.wait(baseURL: baseURL, timeout: startTimeout, process: child)
        } catch {
            await child.terminate(grace: .milliseconds(500))
            throw error
        }
    }

    /// SIGTERM to the server's process group, SIGKILL after the grace period.
    public func stop() async {
        let child = process.withLock { current in
            defer { current = nil }
            return current
        }
        await child?.terminate(grace: stopGrace)
    }

    public func restart() async throws {
        await stop()
        do {
            try await start()
        } catch {
            throw ScenarioInconclusive("restart: \(error)")
        }
    }

    public func crash() async throws {
        let child = process.withLock { current in
            defer { current = nil }
            return current
        }
        await child?.kill9()
        do {
            try await start()
        } catch {
            throw ScenarioInconclusive("restart after the crash: \(error)")
        }
    }
}
