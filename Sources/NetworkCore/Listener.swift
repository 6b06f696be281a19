import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// A listening TCP socket on one loop; accepted connections live on the same loop.
///
/// Loop-confined. Accepting uses `accept4(SOCK_NONBLOCK | SOCK_CLOEXEC)` in a loop until EAGAIN (at most
/// `NetworkConfiguration.maxAcceptsPerWakeup` per wake-up). When the process or system runs out of
/// descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM), the listener logs once per episode and stops
/// accepting for `NetworkConfiguration.acceptBackoff` instead of spinning.
public final class Listener {
    /// The host as given to `listen`.
    public let host: String
    /// The bound port (the kernel's choice when 0 was requested).
    public let port: Int
    /// The loop-confined context this listener lives in.
    public let context: LoopContext

    private let descriptor: Int32
    private let token: UInt64
    private let makeHandler: (Connection) -> ConnectionHandler
    private var isSuspended = false
    private var backoffTimer: TimerID?
    /// Whether the listener still accepts connections.
    public private(set) var isOpen = true

    init(host: String, port: Int, descriptor: Int32, context: LoopContext, makeHandler: @escaping (Connection) -> ConnectionHandler) {
        self.host = host
        self.port = port
        self.descriptor = descriptor
        self.context = context
        self.makeHandler = makeHandler
        self.token = identifierCounter.add(1, ordering: .relaxed).newValue
    }

    /// Registers with the loop; returns 0 or errno.
    func register() -> Int32 {
        context.register(.listener(self), token: token, descriptor: descriptor, events: CLINUX_EPOLLIN)
    }

    /// Stops listening and closes the socket; accepted connections stay open. Idempotent.
    public func close() {
        guard isOpen else { return }
        isOpen = false
        if let backoffTimer { context.cancelTimer(backoffTimer) }
        context.unregister(token: token)
        Glibc.close(descriptor)
    }

    func acceptAvailable() {
        var address = sockaddr_storage()
        for _ in 0..<context.configuration.maxAcceptsPerWakeup {
            guard isOpen, !isSuspended else { return }
            let accepted = clinux_accept(descriptor, &address)
            if accepted < 0 {
                let code = clinux_errno()
                switch code {
                case EAGAIN, EWOULDBLOCK:
                    return
                case EINTR, ECONNABORTED, EPROTO, EPERM:
                    continue  // That one connection is gone; others may be waiting.
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    backOff(.system(call: "accept4", errno: code))
                    return
                default:
                    backOff(.system(call: "accept4", errno: code))
                    return
                }
            }
            adopt(accepted, address: SocketAddress(storage: address))
        }
    }

    private func adopt(_ descriptor: Int32, address: SocketAddress) {
        if context.configuration.isNoDelayEnabled { _ = clinux_set_no_delay(descriptor, 1) }
        let connection = Connection(
            descriptor: descriptor, state: .open, remoteAddress: address.description, context: context,
            handler: UnassignedConnectionHandler())
        let code = connection.register(events: CLINUX_EPOLLIN)
        guard code == 0 else {
            Glibc.close(descriptor)
            context.configuration.log("listener \(host):\(port): epoll_ctl failed: \(NetworkError.message(for: code))")
            return
        }
        connection.handler = makeHandler(connection)
        guard !connection.isClosed else { return }
        connection.handler.connectionDidConnect(connection)
    }

    private func backOff(_ error: NetworkError) {
        context.configuration.log(
            "listener \(host):\(port): \(error); pausing accepts for \(context.configuration.acceptBackoff)")
        isSuspended = true
        context.suspend(descriptor: descriptor)
        backoffTimer = context.scheduleTimer(after: context.configuration.acceptBackoff) { [weak self] _ in
            guard let self, self.isOpen else { return }
            self.backoffTimer = nil
            self.isSuspended = false
            let code = self.context.resume(token: self.token, descriptor: self.descriptor, events: CLINUX_EPOLLIN)
            if code != 0 {
                self.context.configuration.log("listener \(self.host):\(self.port): cannot resume: \(NetworkError.message(for: code))")
            }
        }
    }
}

@available(*, unavailable)
extension Listener: Sendable {}
