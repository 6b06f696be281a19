import ConformanceKit
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The self-check target: the reference server run as `conform --serve-reference` in a child
/// process, serving a socket the kit holds on 127.0.0.1 (socket activation) with a temporary database and short heartbeats, so the
/// heartbeat scenarios wait pingInterval + pingTimeout = 1.3 s. A short pingTimeout is safe because the
/// kit answers WebSocket pings on its loop thread, not from Swift's cooperative pool (which a loaded
/// machine can starve for seconds); polling pongs still go out as a POST from the pool. Restart and
/// crash keep the socket (the port never closes) and the database. Its storage fails while a file of the directory exists
/// (`--storage-fault-file`), which the storage fault commands create and remove.
enum EmbeddedReference {
    static let pingInterval = 300
    static let pingTimeout = 1_000

    /// The target and the directory holding its database.
    static func makeTarget(startTimeout: Duration, options: ConformOptions = ConformOptions()) throws -> (CommandTarget, String) {
        let directory = NSTemporaryDirectory() + "conform-self-check-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let listeningSocket = try KitListeningSocket()
        let faultFile = directory + "/storage-fault"
        let command = ([
            shellQuoted(executable), "--serve-reference",
            "--db", shellQuoted(directory + "/messages.db"), "--ping-interval", String(pingInterval),
            "--ping-timeout", String(pingTimeout), "--log-level", "error", "--storage-fault-file", shellQuoted(faultFile),
        ] + authenticationArguments(options)).joined(separator: " ")
        let storageFault = StorageFaultCommands(fault: "touch " + shellQuoted(faultFile), recover: "rm -f " + shellQuoted(faultFile))
        // exec: the server replaces the shell, so SIGTERM reaches it directly and its pid is LISTEN_PID.
        let target = CommandTarget(
            command: "exec " + command, listeningSocket: listeningSocket, storageFaultCommands: storageFault, startTimeout: startTimeout)
        return (target, directory)
    }

    /// With `--auth-secret-file` (and `--allowed-origin`), the embedded server runs with the same
    /// secret, audience, leeway and allow-list (Spec AUTH, ORIGIN).
    static func authenticationArguments(_ options: ConformOptions) -> [String] {
        var arguments: [String] = []
        if let file = options.authSecretFile {
            arguments += ["--auth-secret-file", shellQuoted(file), "--auth-leeway", String(options.authLeewaySeconds)]
            if let audience = options.authAudience { arguments += ["--auth-audience", shellQuoted(audience)] }
        }
        if let origin = options.allowedOrigin { arguments += ["--allowed-origin", shellQuoted(origin)] }
        return arguments
    }

    /// The reference server for `conform bench`: a child process serving a socket the kit holds on
    /// 127.0.0.1 (socket activation) with a temporary database and the default heartbeats (so
    /// thousands of idle sessions cost no ping traffic). `exec` makes the child's pid the server's,
    /// for RSS and CPU from /proc. With `authSecretFile` it requires authentication with that secret
    /// (and audience), as the bench's tokens are minted. The socket must live as long as the server.
    static func startForBench(
        authSecretFile: String? = nil, authAudience: String? = nil
    ) async throws -> (child: ChildProcess, listeningSocket: KitListeningSocket, directory: String) {
        let directory = NSTemporaryDirectory() + "conform-bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let listeningSocket = try KitListeningSocket()
        var arguments = [
            "exec", shellQuoted(executable), "--serve-reference", "--db", shellQuoted(directory + "/messages.db"), "--log-level", "error",
        ]
        if let authSecretFile { arguments += ["--auth-secret-file", shellQuoted(authSecretFile)] }
        if let authAudience { arguments += ["--auth-audience", shellQuoted(authAudience)] }
        let child = try ChildProcess.spawnShell(arguments.joined(separator: " "), listeningDescriptor: listeningSocket.descriptor)
        do {
            try await TargetReadiness.wait(baseURL: listeningSocket.baseURL, timeout: .seconds(10), process: child)
        } catch {
            await child.terminate(grace: .milliseconds(500))
            throw error
        }
        return (child, listeningSocket, directory)
    }

    /// This `conform` executable, which serves the reference server with `--serve-reference`.
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
