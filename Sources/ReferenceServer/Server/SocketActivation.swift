/// Whether a process manager handed this process its listening socket: systemd socket activation
/// (`man sd_listen_fds`), decided from the environment and the process ID alone (pure; no I/O).
///
/// The protocol: the manager binds and listens, starts the server with the socket as descriptor 3
/// (`SD_LISTEN_FDS_START`), `LISTEN_FDS` the number of sockets and `LISTEN_PID` the pid meant to take
/// them. Variables meant for another pid (a parent shell that exported them) are ignored, as
/// `sd_listen_fds` does. This server takes exactly one socket: any other count meant for it is an error,
/// never a silent fall-back to `--host`/`--port`.
public enum SocketActivation: Sendable, Equatable {
    /// No socket handed over: bind `--host`/`--port`.
    case notActivated
    /// Serve this inherited descriptor.
    case listen(descriptor: Int32)
    /// The variables name this process but cannot be honoured; the server must not start.
    case invalid(String)

    /// The first inherited descriptor (`SD_LISTEN_FDS_START`).
    public static let firstDescriptor: Int32 = 3

    /// The variables of the protocol, unset once read so that the server's own children never take
    /// them for themselves.
    public static let variableNames = ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"]

    /// What `environment` (the protocol's variables; others are ignored) says process `processID` must do.
    public static func decide(environment: [String: String], processID: Int32) -> SocketActivation {
        guard let pidText = environment["LISTEN_PID"] else { return .notActivated }
        guard let pid = Int32(pidText), pid > 0 else {
            return .invalid("LISTEN_PID is '\(pidText)', not a process ID")
        }
        guard pid == processID else { return .notActivated }
        guard let countText = environment["LISTEN_FDS"] else {
            return .invalid("LISTEN_PID names this process but LISTEN_FDS is not set")
        }
        guard let count = Int(countText), count >= 0 else {
            return .invalid("LISTEN_FDS is '\(countText)', not a number of descriptors")
        }
        guard count == 1 else {
            return .invalid("LISTEN_FDS is \(count): this server serves exactly one inherited socket (descriptor 3)")
        }
        return .listen(descriptor: firstDescriptor)
    }
}

#if canImport(Glibc)
import Glibc
#endif

extension SocketActivation {
    /// `decide` for this process: its pid and the protocol's variables of its environment (the one
    /// reading of the environment, for `reference-server` and `conform --inherited-socket`).
    public static func decideForThisProcess() -> SocketActivation {
        var environment: [String: String] = [:]
        for name in variableNames {
            if let value = getenv(name) { environment[name] = String(cString: value) }
        }
        return decide(environment: environment, processID: getpid())
    }
}
