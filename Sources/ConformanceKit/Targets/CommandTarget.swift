import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A server the run starts itself (`--server-command`, or the embedded reference server): started
/// with `/bin/sh -c`, stopped with SIGTERM then SIGKILL after a grace period; restart is stop + start,
/// crash is SIGKILL + start.
///
/// With a `KitListeningSocket`, the target owns the port: every start (restarts and the start after a
/// crash included) hands the socket to the command as descriptor 3 with `LISTEN_FDS=1` and
/// `LISTEN_PID` set to the shell's pid (socket activation, `man sd_listen_fds`), so the command must
/// `exec` the server. The port never closes: while no server runs, connections wait in the backlog.
public final class CommandTarget: ServerTarget {
    public let baseURL: String
    public let command: String
    /// The socket handed to every start of the command, nil when the command binds its own port.
    public let listeningSocket: KitListeningSocket?
    public let startTimeout: Duration
    /// How long SIGTERM may take before SIGKILL.
    public let stopGrace: Duration
    /// Commands that make the server's storage fail and recover, if given.
    public let storageFaultCommands: StorageFaultCommands?
    private let process = Mutex<ChildProcess?>(nil)

    public convenience init(
        command: String, baseURL: String, storageFaultCommands: StorageFaultCommands? = nil, startTimeout: Duration = .seconds(10),
        stopGrace: Duration = .seconds(5)
    ) {
        self.init(
            command: command, baseURL: baseURL, listeningSocket: nil, storageFaultCommands: storageFaultCommands, startTimeout: startTimeout,
            stopGrace: stopGrace)
    }

    /// A command served on `listeningSocket` (socket activation); the base URL is the socket's.
    public convenience init(
        command: String, listeningSocket: KitListeningSocket, storageFaultCommands: StorageFaultCommands? = nil,
        startTimeout: Duration = .seconds(10), stopGrace: Duration = .seconds(5)
    ) {
        self.init(
            command: command, baseURL: listeningSocket.baseURL, listeningSocket: listeningSocket, storageFaultCommands: storageFaultCommands,
            startTimeout: startTimeout, stopGrace: stopGrace)
    }

    private init(
        command: String, baseURL: String, listeningSocket: KitListeningSocket?, storageFaultCommands: StorageFaultCommands?,
        startTimeout: Duration, stopGrace: Duration
    ) {
        self.storageFaultCommands = storageFaultCommands
        self.command = command
        self.baseURL = baseURL
        self.listeningSocket = listeningSocket
        self.startTimeout = startTimeout
        self.stopGrace = stopGrace
    }

    /// With a listening socket, the command `exec`s the server: its shell having exited, the server has
    /// (a restart or crash under way has no process yet, and says nothing).
    public var serverExitReason: String? {
        guard listeningSocket != nil, let child = process.withLock({ $0 }), child.hasExited else { return nil }
        return "the server command exited (status \(child.exitCode.map(String.init) ?? "by signal")); its port holds connections unanswered"
    }

    /// A started server can be restarted and crashed; its storage made to fail when the commands are given.
    public var capabilities: Set<Capability> { storageFaultCommands == nil ? [.restart, .crash] : [.restart, .crash, .storageFault] }

    public func failStorage() async throws { try await StorageFaultCommands.run(storageFaultCommands, isRecovery: false) }

    public func recoverStorage() async throws { try await StorageFaultCommands.run(storageFaultCommands, isRecovery: true) }

    /// Starts the command and waits until the server answers.
    public func start() async throws(TargetError) {
        let child = try ChildProcess.spawnShell(command, listeningDescriptor: listeningSocket?.descriptor)
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
