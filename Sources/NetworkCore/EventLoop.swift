import CLinux
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One thread running `epoll_wait` that owns a set of connections, listeners and timers.
///
/// Model: swift-nio's `SelectableEventLoop`. Readiness is **level-triggered**: a socket that still has
/// input (or room for output) is reported again on the next `epoll_wait`, so the loop may stop reading a
/// busy connection after `NetworkConfiguration.maxReadsPerWakeup` reads to keep others fair, and
/// `pauseReading()` is a plain interest change. EPOLLOUT is only registered while a connection has
/// unsent bytes (or a connect is pending).
///
/// Other threads hand work over with `execute(_:)` (a `Mutex`-guarded queue plus an `eventfd` wake-up);
/// the work runs on the loop thread and receives the loop-confined `LoopContext`. The context, the
/// connections and the timers are created and owned by the loop thread and are never stored here.
///
/// Lifecycle: the thread starts in `init` and runs until `shutdown()`. An `EventLoop` that is never shut
/// down keeps its thread (and itself) alive for the life of the process.
public final class EventLoop: Sendable {
    /// Work handed to the loop thread.
    typealias Task = @Sendable (LoopContext) -> Void

    private enum Lifecycle {
        /// Accepting work.
        case running
        /// `shutdown()` was called; queued and newly submitted work still runs once everything is closed.
        case shuttingDown
        /// The loop has finished; `execute` refuses work.
        case closed
    }

    private struct SharedState {
        var tasks: [Task] = []
        var isWakePending = false
        var lifecycle = Lifecycle.running
    }

    private enum ThreadState {
        case running(pthread_t)
        case finished
    }

    /// Limits and socket options for everything on this loop.
    public let configuration: NetworkConfiguration
    /// A label for logs and the thread name (truncated to 15 bytes for the kernel).
    public let name: String

    let epollDescriptor: Int32
    private let wakeDescriptor: Int32
    /// Guards the cross-thread queue, the wake-up flag and the lifecycle.
    private let shared = Mutex(SharedState())
    /// Guards the join handle; held while joining so that concurrent `shutdown()` callers all wait.
    private let thread: Mutex<ThreadState>
    /// `pthread_self()` of the loop thread once it runs, 0 before.
    private let loopThreadID = Atomic<UInt>(0)

    /// Starts a loop thread.
    ///
    /// - Throws: `NetworkError.system` if `epoll_create1`, `eventfd` or `pthread_create` fails.
    public init(configuration: NetworkConfiguration = NetworkConfiguration(), name: String = "NetworkCore") throws(NetworkError) {
        let epoll = clinux_epoll_create()
        guard epoll >= 0 else { throw .system(call: "epoll_create1", errno: clinux_errno()) }
        let wake = clinux_eventfd()
        guard wake >= 0 else {
            let code = clinux_errno()
            Glibc.close(epoll)
            throw .system(call: "eventfd", errno: code)
        }
        guard clinux_epoll_ctl(epoll, CLINUX_EPOLL_CTL_ADD, wake, CLINUX_EPOLLIN, 0) == 0 else {
            let code = clinux_errno()
            Glibc.close(wake)
            Glibc.close(epoll)
            throw .system(call: "epoll_ctl", errno: code)
        }
        self.configuration = configuration
        self.name = name
        self.epollDescriptor = epoll
        self.wakeDescriptor = wake
        self.thread = Mutex(.finished)

        // The thread holds a strong reference to the loop until it ends.
        let argument = Unmanaged.passRetained(self).toOpaque()
        var handle = pthread_t()
        let status = pthread_create(&handle, nil, { argument in
            guard let argument else { return nil }
            let loop = Unmanaged<EventLoop>.fromOpaque(argument).takeRetainedValue()
            loop.runOnLoopThread()
            return nil
        }, argument)
        guard status == 0 else {
            Unmanaged<EventLoop>.fromOpaque(argument).release()
            shared.withLock { $0.lifecycle = .closed }
            Glibc.close(wake)
            Glibc.close(epoll)
            throw .system(call: "pthread_create", errno: status)
        }
        thread.withLock { $0 = .running(handle) }
    }

    /// Whether the caller is running on this loop's thread.
    public var isInLoopThread: Bool {
        let loopThread = loopThreadID.load(ordering: .acquiring)
        return loopThread != 0 && pthread_equal(pthread_self(), loopThread) != 0
    }

    /// Whether `shutdown()` has been called (the loop may still be finishing).
    public var isShutDown: Bool {
        shared.withLock { $0.lifecycle != .running }
    }

    /// Runs `work` on the loop thread, in submission order, during a later loop iteration.
    ///
    /// Callable from any thread, including the loop thread (the work then runs on the next iteration, never
    /// re-entrantly). Work submitted before the loop has finished shutting down still runs, after every
    /// connection has been closed. Returns `false`, and drops `work`, once the loop has finished.
    @discardableResult
    public func execute(_ work: @escaping @Sendable (LoopContext) -> Void) -> Bool {
        shared.withLock { state in
            guard state.lifecycle != .closed else { return false }
            state.tasks.append(work)
            if !state.isWakePending {
                state.isWakePending = true
                // Written under the lock: the descriptor is only closed after the state becomes `.closed`.
                _ = clinux_eventfd_signal(wakeDescriptor)
            }
            return true
        }
    }

    /// Runs `work` on the loop thread and returns its result to the caller.
    ///
    /// - Throws: whatever `work` throws, or `NetworkError.loopShutDown` if the loop has finished.
    public func submit<Value: Sendable>(
        _ work: @escaping @Sendable (LoopContext) throws(NetworkError) -> Value
    ) async throws(NetworkError) -> Value {
        let outcome: Result<Value, NetworkError> = await withCheckedContinuation { continuation in
            let isAccepted = execute { context in
                do throws(NetworkError) {
                    continuation.resume(returning: .success(try work(context)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            if !isAccepted { continuation.resume(returning: .failure(.loopShutDown)) }
        }
        return try outcome.get()
    }

    /// Closes every listener and connection (each handler sees `NetworkError.loopShutDown`), drops the
    /// timers, runs the work still queued, ends the thread and releases the loop's descriptors.
    ///
    /// Idempotent and callable from any thread. From another thread it returns once the loop thread has
    /// ended (concurrent callers all wait). **On the loop thread itself** it cannot wait for its own
    /// thread: it only starts the shutdown, which completes after the current iteration; call it again from
    /// another thread to join the thread and release the epoll and eventfd descriptors.
    public func shutdown() {
        shared.withLock { state in
            guard state.lifecycle == .running else { return }
            state.lifecycle = .shuttingDown
            if !state.isWakePending {
                state.isWakePending = true
                _ = clinux_eventfd_signal(wakeDescriptor)
            }
        }
        guard !isInLoopThread else { return }
        thread.withLock { state in
            guard case .running(let handle) = state else { return }
            pthread_join(handle, nil)
            state = .finished
            Glibc.close(wakeDescriptor)
            Glibc.close(epollDescriptor)
        }
    }

    // MARK: Loop-thread side

    private func runOnLoopThread() {
        loopThreadID.store(pthread_self(), ordering: .releasing)
        clinux_set_thread_name(name)
        let context = LoopContext(eventLoop: self)
        context.run()
    }

    /// Moves the queued work into `buffer` (which must be empty) and re-arms the wake-up.
    /// Returns whether shutdown was requested.
    func takeTasks(into buffer: inout [Task]) -> Bool {
        // Drain the eventfd before taking the queue: a wake-up written after this point is kept.
        _ = clinux_eventfd_drain(wakeDescriptor)
        return shared.withLock { state in
            swap(&buffer, &state.tasks)
            state.isWakePending = false
            return state.lifecycle != .running
        }
    }

    /// During shutdown: moves the queued work into `buffer`; when none is left, marks the loop closed
    /// (so `execute` refuses further work) and returns `false`.
    func takeFinalTasks(into buffer: inout [Task]) -> Bool {
        shared.withLock { state in
            guard !state.tasks.isEmpty else {
                state.lifecycle = .closed
                return false
            }
            swap(&buffer, &state.tasks)
            return true
        }
    }
}
