import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// A listening TCP socket on one loop; accepted connections live on the same loop.
///
/// Loop-confined. Accepting uses `accept4(SOCK_NONBLOCK | SOCK_CLOEXEC)` in a loop until EAGAIN (at most
/// `NetworkConfiguration.maxAcceptsPerWakeup` per wake-up). When the process or system runs out of
/// descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM), the listener stops accepting for
/// `NetworkConfiguration.acceptBackoff` instead of spinning, and logs once per episode: a line when it
/// begins, and one when accepts succeed again with how many failed and for how long.
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
    /// The episode of failing accepts under way: when it began, how many accepts failed, how many
    /// clients were answered through the reserve descriptor.
    private var failureEpisode: (start: ContinuousClock.Instant, failures: Int, error: NetworkError, answered: Int)?
    /// The descriptor kept in reserve for `NetworkConfiguration.descriptorReserveAnswer`; -1 when none.
    private var reserveDescriptor: Int32 = -1
    /// Clients answered through the reserve descriptor and closed, since the listener opened.
    public private(set) var connectionsShed = 0
    /// Whether the listener still accepts connections.
    public private(set) var isOpen = true

    init(host: String, port: Int, descriptor: Int32, context: LoopContext, makeHandler: @escaping (Connection) -> ConnectionHandler) {
        self.host = host
        self.port = port
        self.descriptor = descriptor
        self.context = context
        self.makeHandler = makeHandler
        self.token = identifierCounter.add(1, ordering: .relaxed).newValue
        if context.configuration.descriptorReserveAnswer != nil { reserveDescriptor = open("/dev/null", O_RDONLY | O_CLOEXEC) }
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
        if reserveDescriptor >= 0 { Glibc.close(reserveDescriptor) }
        reserveDescriptor = -1
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
                case EMFILE, ENFILE:
                    backOff(.system(call: "accept4", errno: code))
                    answerFromReserve()
                    return
                case ENOBUFS, ENOMEM:
                    backOff(.system(call: "accept4", errno: code))
                    return
                default:
                    backOff(.system(call: "accept4", errno: code))
                    return
                }
            }
            endFailureEpisode()
            adopt(accepted, address: SocketAddress(storage: address))
        }
    }

    private func endFailureEpisode() {
        guard let episode = failureEpisode else { return }
        failureEpisode = nil
        let elapsed = (context.now - episode.start).components
        let milliseconds = elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000
        let answered = episode.answered > 0 ? "; \(episode.answered) client(s) answered from the reserve descriptor and closed" : ""
        context.configuration.log(
            "listener \(host):\(port): accepting again after \(episode.failures) failed accept(s) over \(milliseconds) ms (\(episode.error))\(answered)")
    }

    /// Out of descriptors: frees the reserve, accepts the waiting clients one at a time with it, sends
    /// each the configured answer without waiting and closes it, then takes the reserve again.
    private func answerFromReserve() {
        guard let answer = context.configuration.descriptorReserveAnswer, reserveDescriptor >= 0 else { return }
        var address = sockaddr_storage()
        var answered = 0
        while answered < context.configuration.maxAcceptsPerWakeup {
            Glibc.close(reserveDescriptor)
            let accepted = clinux_accept(descriptor, &address)
            if accepted >= 0 {
                answer.withUnsafeBytes { _ = clinux_send(accepted, $0.baseAddress!, $0.count) }
                Glibc.close(accepted)
                answered += 1
            }
            reserveDescriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
            if accepted < 0 || reserveDescriptor < 0 { break }
        }
        connectionsShed += answered
        context.connectionsAnsweredFromReserve += answered
        failureEpisode?.answered += answered
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
        if var episode = failureEpisode {
            episode.failures += 1
            failureEpisode = episode
        } else {
            failureEpisode = (context.now, 1, error, 0)
            context.configuration.log(
                "listener \(host):\(port): \(error); pausing accepts for \(context.configuration.acceptBackoff) at a time until they succeed")
        }
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
