import CLinux
#if canImport(Glibc)
import Glibc
#endif

extension LoopContext {
    /// Listens on `host:port` (port 0 picks a free port; read it from `Listener.port`).
    ///
    /// The socket is non-blocking, close-on-exec, with SO_REUSEADDR. Each accepted connection gets the
    /// handler `makeHandler` returns, then `connectionDidConnect`. `host` may be numeric ("127.0.0.1",
    /// "0.0.0.0", "::1") or a name resolved with `getaddrinfo` (which blocks the loop briefly).
    ///
    /// - Parameter backlog: the `listen(2)` backlog; `nil` uses `NetworkConfiguration.listenBacklog`.
    /// - Throws: `.invalidPort`, `.addressResolution`, `.system` (socket/bind/listen), `.loopShutDown`.
    public func listen(
        host: String,
        port: Int,
        backlog: Int? = nil,
        makeHandler: @escaping (Connection) -> ConnectionHandler
    ) throws(NetworkError) -> Listener {
        guard !isShuttingDown else { throw .loopShutDown }
        var address = try SocketAddress(host: host, port: port, isPassive: true)
        let descriptor = clinux_tcp_socket(address.family)
        guard descriptor >= 0 else { throw .system(call: "socket", errno: clinux_errno()) }
        func fail(_ call: String) -> NetworkError {
            let code = clinux_errno()
            Glibc.close(descriptor)
            return .system(call: call, errno: code)
        }
        guard clinux_set_reuse_address(descriptor) == 0 else { throw fail("setsockopt(SO_REUSEADDR)") }
        guard clinux_bind(descriptor, &address.storage, address.length) == 0 else { throw fail("bind") }
        let queueLength = Int32(clamping: backlog ?? configuration.listenBacklog)
        guard Glibc.listen(descriptor, queueLength) == 0 else { throw fail("listen") }
        let boundPort = clinux_local_port(descriptor)
        guard boundPort >= 0 else { throw fail("getsockname") }
        return try register(Listener(host: host, port: Int(boundPort), descriptor: descriptor, context: self, makeHandler: makeHandler))
    }

    /// Serves a listening socket made by someone else (socket activation, `man sd_listen_fds`: a
    /// process manager or a test binds and listens, the server inherits the descriptor).
    ///
    /// Checks that `descriptor` is a listening TCP stream socket (SO_TYPE, SO_ACCEPTCONN, IPv4 or IPv6),
    /// makes it non-blocking and close-on-exec, and learns its address (`Listener.host`, the numeric
    /// address, and `Listener.port`). The listener owns the descriptor from then on: `close()` closes
    /// it. A refused descriptor is left open, as it was.
    ///
    /// - Throws: `.unusableListenDescriptor` (not a socket, not a stream, not listening, not IPv4/IPv6),
    ///   `.system` (getsockopt, getsockname, fcntl, epoll_ctl), `.loopShutDown`.
    public func listen(adopting descriptor: Int32, makeHandler: @escaping (Connection) -> ConnectionHandler) throws(NetworkError) -> Listener {
        guard !isShuttingDown else { throw .loopShutDown }
        var host = [CChar](repeating: 0, count: 64)
        var port: Int32 = 0
        let status = host.withUnsafeMutableBufferPointer { clinux_adopt_listener(descriptor, $0.baseAddress!, $0.count, &port) }
        switch status {
        case 0:
            break
        case CLINUX_ADOPT_NOT_STREAM:
            throw .unusableListenDescriptor(descriptor: descriptor, reason: "not a stream socket")
        case CLINUX_ADOPT_NOT_LISTENING:
            throw .unusableListenDescriptor(descriptor: descriptor, reason: "not listening (listen(2) was not called)")
        case CLINUX_ADOPT_NOT_INET:
            throw .unusableListenDescriptor(descriptor: descriptor, reason: "not an IPv4 or IPv6 socket")
        default:
            let code = clinux_errno()
            guard code != EBADF, code != ENOTSOCK else {
                throw .unusableListenDescriptor(descriptor: descriptor, reason: NetworkError.message(for: code).lowercased())
            }
            throw .system(call: "adopting descriptor \(descriptor)", errno: code)
        }
        let hostText = host.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return try register(Listener(host: hostText, port: Int(port), descriptor: descriptor, context: self, makeHandler: makeHandler))
    }

    /// Registers a new listener with the loop; closes its descriptor when that fails.
    private func register(_ listener: Listener) throws(NetworkError) -> Listener {
        let code = listener.register()
        guard code == 0 else {
            listener.close()
            throw .system(call: "epoll_ctl", errno: code)
        }
        return listener
    }

    /// Starts a non-blocking connect to `host:port` and returns the connection at once.
    ///
    /// The handler learns the outcome: `connectionDidConnect` on success, or `connectionDidClose` with
    /// `.connectFailed(errno:)` (refused, unreachable), `.addressResolution`, `.invalidPort`, `.system` or
    /// `.loopShutDown` — delivered after the current callback returns, never from inside this call.
    /// Bytes written before the connect completes are buffered and sent once it does.
    public func connect(host: String, port: Int, handler: ConnectionHandler) -> Connection {
        let remote = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        func failed(_ error: NetworkError) -> Connection {
            let connection = Connection(descriptor: -1, state: .connecting, remoteAddress: remote, context: self, handler: handler)
            connection.close(error: error)
            return connection
        }
        guard !isShuttingDown else { return failed(.loopShutDown) }
        var address: SocketAddress
        do throws(NetworkError) {
            address = try SocketAddress(host: host, port: port, isPassive: false)
        } catch {
            return failed(error)
        }
        let descriptor = clinux_tcp_socket(address.family)
        guard descriptor >= 0 else { return failed(.system(call: "socket", errno: clinux_errno())) }
        let connection = Connection(descriptor: descriptor, state: .connecting, remoteAddress: remote, context: self, handler: handler)
        let code = connection.register(events: CLINUX_EPOLLOUT)
        guard code == 0 else {
            connection.close(error: .system(call: "epoll_ctl", errno: code))
            return connection
        }
        var status: Int32
        repeat {
            status = clinux_connect(descriptor, &address.storage, address.length)
        } while status != 0 && clinux_errno() == EINTR
        if status != 0 {
            let error = clinux_errno()
            if error != EINPROGRESS {
                connection.close(error: .connectFailed(errno: error))
            }
        }
        // On success or EINPROGRESS, EPOLLOUT reports completion; `handleEvents` checks SO_ERROR.
        return connection
    }
}
