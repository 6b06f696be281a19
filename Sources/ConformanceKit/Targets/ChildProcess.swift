import CLinux
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
import NetworkCore
#endif

/// A `/bin/sh -c` child in a process group of its own, so that stopping it stops everything it
/// started (a shell running a server, a script starting several processes); it inherits no
/// descriptor beyond standard input, output and error, and a listening socket as descriptor 3 when
/// it is given one (socket activation).
public final class ChildProcess: Sendable {
    /// The shell's process ID, which is also the process group ID.
    public let processID: pid_t
    public let command: String
    /// The exit status once reaped (`waitpid` status word), nil while running.
    private let exitStatus = Mutex<Int32?>(nil)

    private init(processID: pid_t, command: String) {
        self.processID = processID
        self.command = command
    }

    /// Starts `/bin/sh -c command` in a new process group.
    ///
    /// With `listeningDescriptor` (a `KitListeningSocket`'s, which the caller keeps open), that
    /// descriptor is the child's descriptor 3 and the command runs after `KitListeningSocket.shellPrefix`
    /// (`LISTEN_FDS=1`, `LISTEN_PID` the shell's pid): a command that `exec`s a socket-activated server
    /// hands it the socket (`man sd_listen_fds`).
    public static func spawnShell(_ command: String, listeningDescriptor: Int32? = nil) throws(TargetError) -> ChildProcess {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let arguments = ["/bin/sh", "-c", listeningDescriptor == nil ? command : KitListeningSocket.shellPrefix + command]
        var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        // Only standard input, output and error (and the listening socket) reach the child: a server
        // it starts in the background must not hold conform's own descriptors (its sockets, the pipe
        // a caller reads its report from until end of file) for its whole life.
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        if let listeningDescriptor {
            // dup2 clears close-on-exec on descriptor 3 (even when the socket already is 3: glibc
            // 2.29+, POSIX's posix_spawn_file_actions_adddup2).
            posix_spawn_file_actions_adddup2(&fileActions, listeningDescriptor, KitListeningSocket.inheritedDescriptor)
        }
        _ = clinux_spawn_file_actions_closefrom(&fileActions, listeningDescriptor == nil ? 3 : 4)
        var processID = pid_t()
        let status = posix_spawn(&processID, "/bin/sh", &fileActions, &attributes, &cArguments, environ)
        guard status == 0 else { throw TargetError("cannot start /bin/sh -c \(command): \(NetworkError.message(for: status))") }
        return ChildProcess(processID: processID, command: command)
    }

    /// Whether the shell has exited (reaps it without blocking).
    public var hasExited: Bool {
        exitStatus.withLock { status in
            if status != nil { return true }
            var word: Int32 = 0
            let result = waitpid(processID, &word, WNOHANG)
            if result == processID || (result < 0 && errno == ECHILD) {
                status = word
                return true
            }
            return false
        }
    }

    /// The exit code when the shell exited normally.
    public var exitCode: Int32? {
        guard hasExited, let word = exitStatus.withLock({ $0 }) else { return nil }
        return word & 0x7F == 0 ? (word >> 8) & 0xFF : nil
    }

    /// Sends `signal` to the whole process group.
    public func signalGroup(_ signal: Int32) {
        _ = kill(-processID, signal)
    }

    /// Waits for the shell to exit; false when `timeout` passed first.
    public func waitForExit(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !hasExited {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// SIGTERM to the group, then SIGKILL after `grace`; waits until the shell is reaped.
    public func terminate(grace: Duration) async {
        guard !hasExited else {
            signalGroup(SIGKILL)  // stragglers the shell left behind
            return
        }
        signalGroup(SIGTERM)
        if await waitForExit(timeout: grace) {
            signalGroup(SIGKILL)
            return
        }
        await kill9()
    }

    /// SIGKILL to the group, then waits until the shell is reaped: the blocking `waitpid` runs on a
    /// Dispatch thread, so the caller's task suspends instead of holding a thread of the cooperative pool.
    public func kill9() async {
        signalGroup(SIGKILL)
        guard !hasExited else { return }
        let processID = self.processID
        let word: Int32? = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var word: Int32 = 0
                var result: pid_t
                repeat { result = waitpid(processID, &word, 0) } while result < 0 && errno == EINTR
                continuation.resume(returning: result == processID ? word : nil)
            }
        }
        // nil: `hasExited` reaped it meanwhile (ECHILD) and recorded the status itself.
        exitStatus.withLock { status in if status == nil { status = word ?? 0 } }
    }
}

/// A target could not be started, restarted or crashed.
public struct TargetError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
