#if canImport(Glibc)
import Glibc
#endif

/// A TCP socket the kit binds to 127.0.0.1 port 0 and listens on for the whole life of a target, to
/// hand to the server it starts (socket activation, `man sd_listen_fds`): the port is never released,
/// so no other process or test can take it between a pick and a bind, and across a restart or a
/// kill -9 connections wait in the backlog instead of being refused. Closed in `deinit`.
///
/// The kit never accepts on it: the server's process does, through its inherited descriptor 3.
public final class KitListeningSocket: Sendable {
    /// The port the kernel chose.
    public let port: Int
    /// The listening descriptor (close-on-exec; `ChildProcess.spawnShell` duplicates it to 3 in the child).
    public let descriptor: Int32

    /// The descriptor the server inherits it as (`SD_LISTEN_FDS_START`).
    public static let inheritedDescriptor: Int32 = 3

    /// The backlog: connections that wait while no server accepts (a restart, a crash).
    public static let backlog: Int32 = 1_024

    /// Binds 127.0.0.1:0 and listens.
    public init() throws(TargetError) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw TargetError("socket: \(String(cString: strerror(errno)))") }
        func failure(_ call: String) -> TargetError {
            let message = String(cString: strerror(errno))
            close(descriptor)
            return TargetError("\(call) on 127.0.0.1:0: \(message)")
        }
        guard let port = Self.bindToLoopback(descriptor) else { throw failure("bind") }
        guard listen(descriptor, Self.backlog) == 0 else { throw failure("listen") }
        self.descriptor = descriptor
        self.port = port
    }

    /// Binds `descriptor` (a TCP socket) to 127.0.0.1 port 0: the port the kernel chose, or nil (errno set).
    static func bindToLoopback(_ descriptor: Int32) -> Int? {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        guard bound == 0 else { return nil }
        let named = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        guard named == 0 else { return nil }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// `http://127.0.0.1:port`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// What a `/bin/sh -c` command is prefixed with to receive the socket: `LISTEN_FDS=1` and
    /// `LISTEN_PID` the shell's pid, which is the server's when the command `exec`s it.
    public static let shellPrefix = "export LISTEN_FDS=1 LISTEN_PID=$$; unset LISTEN_FDNAMES; "

    deinit { close(descriptor) }
}
