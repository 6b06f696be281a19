import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// The loop-confined state of one `EventLoop`: its connections, listeners, timers and read buffer.
///
/// Created and owned by the loop thread; closures passed to `EventLoop.execute(_:)`, timer actions and
/// handler callbacks receive it. It is not `Sendable`: keep it (and every `Connection`) on the loop thread,
/// and hop back with `eventLoop.execute { context in ... }`.
///
/// Close notifications (`ConnectionHandler.connectionDidClose`) are never delivered re-entrantly from
/// inside `Connection.close()`: they are queued and delivered as soon as the current callback, timer
/// action or task returns, in the same loop iteration.
public final class LoopContext {
    enum Registration {
        case connection(Connection)
        case listener(Listener)
    }

    /// The loop this context belongs to, for hopping back from other threads.
    public let eventLoop: EventLoop
    /// The loop's configuration.
    public let configuration: NetworkConfiguration
    /// The monotonic time, taken once per loop iteration (after `epoll_wait` returns).
    public private(set) var now: ContinuousClock.Instant
    /// Whether the loop is shutting down: new listeners throw, new connects fail, timers are ignored.
    public private(set) var isShuttingDown = false
    /// Clients accepted with the reserve descriptor, answered and closed at once because the process had
    /// no descriptor left (`NetworkConfiguration.descriptorReserveAnswer`), on every listener of this loop.
    public internal(set) var connectionsAnsweredFromReserve = 0
    /// Bytes received from and sent to this loop's connections since it started (for metrics).
    public internal(set) var bytesReceived = 0
    public internal(set) var bytesSent = 0

    /// The loop's one reusable read buffer; bytes handed to `connectionDidRead` live here.
    let readBuffer: UnsafeMutableRawBufferPointer
    private let events: UnsafeMutablePointer<clinux_epoll_event>
    private var timers = TimerQueue<(LoopContext) -> Void>()
    private var registrations: [UInt64: Registration] = [:]
    private var connectionCountStorage = 0
    private var pendingCloseNotifications: [(Connection, NetworkError?)] = []
    /// Connections with coalesced writes to send at the end of this iteration.
    private var connectionsToFlush: [Connection] = []

    init(eventLoop: EventLoop) {
        self.eventLoop = eventLoop
        self.configuration = eventLoop.configuration
        self.now = .now
        self.readBuffer = .allocate(byteCount: configuration.readBufferSize, alignment: 16)
        self.events = .allocate(capacity: configuration.maxEventsPerWait)
    }

    deinit {
        readBuffer.deallocate()
        events.deallocate()
    }

    /// Number of open connections (accepted and outgoing) on this loop.
    public var connectionCount: Int { connectionCountStorage }

    /// The open connection with this identifier, if it lives on this loop.
    public func connection(_ id: ConnectionID) -> Connection? {
        guard case .connection(let connection)? = registrations[id.rawValue] else { return nil }
        return connection
    }

    // MARK: Timers

    /// Runs `action` on this loop at `deadline` (or on the next iteration if it has passed).
    ///
    /// Timers with equal deadlines fire in scheduling order. While the loop shuts down, the timer is
    /// ignored (the returned identifier is inert).
    @discardableResult
    public func scheduleTimer(at deadline: ContinuousClock.Instant, _ action: @escaping (LoopContext) -> Void) -> TimerID {
        guard !isShuttingDown else { return TimerID(rawValue: 0) }
        return timers.schedule(at: deadline, action)
    }

    /// Runs `action` on this loop once `delay` has passed since `now`.
    @discardableResult
    public func scheduleTimer(after delay: Duration, _ action: @escaping (LoopContext) -> Void) -> TimerID {
        scheduleTimer(at: now.advanced(by: delay), action)
    }

    /// Cancels a pending timer; returns whether it was still pending (not fired, not cancelled).
    @discardableResult
    public func cancelTimer(_ id: TimerID) -> Bool {
        timers.cancel(id)
    }

    /// Number of pending timers.
    public var timerCount: Int { timers.count }

    // MARK: Registration (internal)

    func register(_ registration: Registration, token: UInt64, descriptor: Int32, events: UInt32) -> Int32 {
        guard clinux_epoll_ctl(eventLoop.epollDescriptor, CLINUX_EPOLL_CTL_ADD, descriptor, events, token) == 0 else {
            return clinux_errno()
        }
        registrations[token] = registration
        if case .connection = registration { connectionCountStorage += 1 }
        return 0
    }

    /// Changes the interest set; returns 0 or errno.
    func modify(token: UInt64, descriptor: Int32, events: UInt32) -> Int32 {
        clinux_epoll_ctl(eventLoop.epollDescriptor, CLINUX_EPOLL_CTL_MOD, descriptor, events, token) == 0 ? 0 : clinux_errno()
    }

    /// Removes from epoll without closing (a listener backing off after EMFILE).
    func suspend(descriptor: Int32) {
        _ = clinux_epoll_ctl(eventLoop.epollDescriptor, CLINUX_EPOLL_CTL_DEL, descriptor, 0, 0)
    }

    /// Re-adds a suspended descriptor; returns 0 or errno.
    func resume(token: UInt64, descriptor: Int32, events: UInt32) -> Int32 {
        clinux_epoll_ctl(eventLoop.epollDescriptor, CLINUX_EPOLL_CTL_ADD, descriptor, events, token) == 0 ? 0 : clinux_errno()
    }

    /// Forgets a registration (the caller closes the descriptor, which also removes it from epoll).
    func unregister(token: UInt64) {
        if case .connection? = registrations.removeValue(forKey: token) { connectionCountStorage -= 1 }
    }

    /// Sends `connection`'s coalesced writes at the end of this iteration.
    func scheduleFlush(_ connection: Connection) {
        connectionsToFlush.append(connection)
    }

    /// Sends every connection's coalesced writes (a send may fail and close, so notify after).
    private func flushCoalescedWrites() {
        guard !connectionsToFlush.isEmpty else { return }
        var index = 0
        while index < connectionsToFlush.count {
            connectionsToFlush[index].sendCoalesced()
            index += 1
        }
        connectionsToFlush.removeAll(keepingCapacity: true)
        deliverCloseNotifications()
    }

    /// Queues `connectionDidClose` for delivery after the current callback.
    func enqueueCloseNotification(_ connection: Connection, error: NetworkError?) {
        pendingCloseNotifications.append((connection, error))
    }

    private func deliverCloseNotifications() {
        guard !pendingCloseNotifications.isEmpty else { return }
        var index = 0
        // Handlers may close more connections while being notified; those are appended and delivered too.
        while index < pendingCloseNotifications.count {
            let (connection, error) = pendingCloseNotifications[index]
            index += 1
            connection.handler.connectionDidClose(connection, error: error)
        }
        pendingCloseNotifications.removeAll(keepingCapacity: true)
    }

    // MARK: The loop

    /// Runs until shutdown is requested, then closes everything.
    func run() {
        var tasks: [EventLoop.Task] = []
        tasks.reserveCapacity(64)
        while true {
            let count = clinux_epoll_wait_nanoseconds(
                eventLoop.epollDescriptor, events, Int32(configuration.maxEventsPerWait), timeoutNanoseconds())
            now = .now
            if count < 0 {
                let code = clinux_errno()
                if code == EINTR { continue }
                configuration.log("\(eventLoop.name): epoll_wait failed: \(NetworkError.message(for: code)); shutting down")
                break
            }
            var isWoken = false
            for index in 0..<Int(count) {
                let event = events[index]
                if event.token == 0 {
                    isWoken = true
                } else {
                    dispatch(event)
                    deliverCloseNotifications()
                }
            }
            runDueTimers()
            if isWoken {
                let isShutdownRequested = eventLoop.takeTasks(into: &tasks)
                for task in tasks {
                    task(self)
                    deliverCloseNotifications()
                }
                tasks.removeAll(keepingCapacity: true)
                if isShutdownRequested {
                    flushCoalescedWrites()
                    break
                }
            }
            flushCoalescedWrites()
        }
        closeEverything(tasks: &tasks)
    }

    /// Nanoseconds until the next timer is due (0 if overdue), or -1 when there is none.
    private func timeoutNanoseconds() -> Int64 {
        guard let deadline = timers.nextDeadline() else { return -1 }
        let remaining = ContinuousClock.now.duration(to: deadline)
        guard remaining > .zero else { return 0 }
        let (seconds, attoseconds) = remaining.components
        if seconds >= 86_400 { return 86_400_000_000_000 }
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    private func dispatch(_ event: clinux_epoll_event) {
        switch registrations[event.token] {
        case .connection(let connection)?:
            connection.handleEvents(event.events)
        case .listener(let listener)?:
            listener.acceptAvailable()
        case nil:
            break  // Closed earlier in this batch.
        }
    }

    private func runDueTimers() {
        // Timers scheduled by these actions for "now" wait for the next iteration (no starvation).
        var budget = timers.count
        while budget > 0, let (_, action) = timers.popDue(now: now) {
            budget -= 1
            action(self)
            deliverCloseNotifications()
        }
    }

    private func closeEverything(tasks: inout [EventLoop.Task]) {
        isShuttingDown = true
        timers.removeAll()
        repeat {
            for registration in Array(registrations.values) {
                switch registration {
                case .connection(let connection): connection.close(error: .loopShutDown)
                case .listener(let listener): listener.close()
                }
            }
            deliverCloseNotifications()
            tasks.removeAll(keepingCapacity: true)
            guard eventLoop.takeFinalTasks(into: &tasks) else { break }
            for task in tasks {
                task(self)
                deliverCloseNotifications()
            }
        } while true
        timers.removeAll()
        registrations.removeAll()
    }
}

@available(*, unavailable)
extension LoopContext: Sendable {}
