/// The shell commands that make the server's storage fail and recover (`--storage-fault-command`,
/// `--storage-recover-command`), e.g. filling the disk of its database with `fallocate` and removing
/// the file again. Spec SEND-6.
public struct StorageFaultCommands: Sendable, Equatable {
    public var fault: String
    public var recover: String
    /// How long one command may take.
    public var timeout: Duration

    public init(fault: String, recover: String, timeout: Duration = .seconds(10)) {
        self.fault = fault
        self.recover = recover
        self.timeout = timeout
    }

    public func failStorage() async throws { try await ShellStep.run(fault, what: "storage fault", timeout: timeout) }

    public func recoverStorage() async throws { try await ShellStep.run(recover, what: "storage recover", timeout: timeout) }

    /// Runs the fault (or, with `isRecovery`, the recover) command of `commands`; without commands the
    /// scenario is inconclusive.
    static func run(_ commands: StorageFaultCommands?, isRecovery: Bool) async throws {
        guard let commands else {
            throw ScenarioInconclusive("the run cannot make the server's storage fail (needs \(Capability.storageFault.option))")
        }
        if isRecovery { try await commands.recoverStorage() } else { try await commands.failStorage() }
    }
}

/// One shell command a scenario needs run to completion.
enum ShellStep {
    /// Runs `command` with `/bin/sh -c` and waits for it to exit: a command that fails to start, exits
    /// non-zero, or is still running after `timeout` makes the scenario inconclusive. With
    /// `mayKeepRunning`, a command still running after `timeout` is left to run (it may be the server).
    /// `listeningDescriptor` is handed to the command as descriptor 3 (`ChildProcess.spawnShell`).
    static func run(_ command: String, what: String, timeout: Duration, mayKeepRunning: Bool = false, listeningDescriptor: Int32? = nil) async throws {
        let process: ChildProcess
        do {
            process = try ChildProcess.spawnShell(command, listeningDescriptor: listeningDescriptor)
        } catch {
            throw ScenarioInconclusive("\(what) command: \(error)")
        }
        let hasExited = await process.waitForExit(timeout: timeout)
        if hasExited, let code = process.exitCode, code != 0 {
            throw ScenarioInconclusive("the \(what) command exited with status \(code): \(command)")
        }
        if !hasExited, !mayKeepRunning {
            throw ScenarioInconclusive("the \(what) command did not finish within \(KitFormat.duration(timeout)): \(command)")
        }
    }
}
