import Dispatch
import Foundation  // String(format:) in the slow-commit warning
import MessageStore
import NetworkCore
import Synchronization
import WireCodecs
#if canImport(Glibc)
import Glibc
#endif

/// The reference messenger server: one event loop serving HTTP, Engine.IO/Socket.IO and
/// `POST /messages`, with messages stored through a group-committing `MessageStore`. Spec/SPEC.md v1.0.
///
/// `start(configuration:)` opens the store, starts the loop and listens (port 0 picks a free port,
/// read back from `port`). `stop()` is graceful and idempotent. Embeddable (the `conform` kit and the
/// tests run it in-process) and used by the `reference-server` executable.
public final class ReferenceServer: Sendable {
    /// Why the server could not start.
    public enum StartError: Error, Sendable, CustomStringConvertible {
        case storage(StorageError)
        case network(NetworkError)

        public var description: String {
            switch self {
            case .storage(let error): "cannot open the database: \(error)"
            case .network(let error): "cannot listen: \(error)"
            }
        }
    }

    private enum Lifecycle {
        case running
        case stopping
        case stopped
    }

    /// The configuration the server was started with.
    public let configuration: ServerConfiguration
    /// The TCP port the server listens on (the kernel's choice when 0 was asked for, the inherited
    /// socket's with `listenDescriptor`).
    public let port: Int
    /// The address the server listens on (`configuration.host`, or the inherited socket's numeric address).
    public let host: String
    /// The server's base URL, e.g. `http://127.0.0.1:3000`, or `http://[::1]:3000` for an IPv6 host.
    public var baseURL: String { Self.baseURL(host: host, port: port) }

    /// `http://host:port`, an IPv6 literal in brackets (RFC 3986 §3.2.2).
    public static func baseURL(host: String, port: Int) -> String {
        "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + String(port)
    }

    private let loop: EventLoop
    private let store: any ServerMessageStore
    private let core: ServerCore
    private let lifecycle = Mutex(Lifecycle.running)
    private let stopped = DispatchSemaphore(value: 0)

    private init(configuration: ServerConfiguration, host: String, port: Int, loop: EventLoop, store: any ServerMessageStore, core: ServerCore) {
        self.configuration = configuration
        self.host = host
        self.port = port
        self.loop = loop
        self.store = store
        self.core = core
    }

    /// Opens the database, starts the event loop and listens on `configuration.host:port`.
    ///
    /// - Throws: `StartError.storage` (database cannot be opened) or `StartError.network` (cannot listen).
    public static func start(configuration: ServerConfiguration) throws(StartError) -> ReferenceServer {
        let logger = ServerLogger(level: configuration.logLevel)
        let networkConfiguration = NetworkConfiguration(
            maxPendingWriteBytes: configuration.maxPendingWriteBytes,
            log: { message in logger.log(.warning, key: "network", message) },
            descriptorReserveAnswer: configuration.operating.descriptorHighWaterPercent > 0 ? ServerCore.descriptorReserveAnswer : nil)
        let loop: EventLoop
        do {
            loop = try EventLoop(configuration: networkConfiguration, name: "reference-server")
        } catch {
            throw .network(error)
        }
        let core = ServerCore(configuration: configuration, loop: loop)
        let store: any ServerMessageStore
        do {
            let storeConfiguration = StoreConfiguration(
                maxBatchSize: configuration.maxCommitBatch,
                deliverCompletions: { completions in
                    // One hop per batch: run the batch's completions on the loop, then answer them.
                    let isAccepted = loop.execute { context in
                        completions()
                        core.processCommitted(context: context)
                    }
                    if !isAccepted { completions() }
                },
                slowCommitThreshold: configuration.slowCommitMilliseconds > 0 ? .milliseconds(configuration.slowCommitMilliseconds) : nil,
                reportSlowCommit: { duration, messages in
                    let milliseconds = Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15
                    logger.log(.warning, key: "slow commit", "slow commit: \(String(format: "%.1f", milliseconds)) ms for \(messages) message(s); their answers and deliveries waited for it (usually the disk's fsync)")
                },
                otherNodeCommitted: { message in
                    // Inside the completions above, on the loop (none is left to tell once the loop is gone).
                    guard loop.isInLoopThread else { return }
                    core.commitInbox.value.append(.otherNode(message))
                })
            if let makeStore = configuration.hooks.makeStore {
                store = try makeStore(configuration.databasePath, storeConfiguration)
            } else if let url = configuration.postgresURL {
                store = try PostgreSQLMessageStore(url: url, configuration: storeConfiguration) { logger.log(.warning, "postgres: \($0)") }
            } else {
                store = try MessageStore(path: configuration.databasePath, configuration: storeConfiguration)
            }
        } catch {
            loop.shutdown()
            throw .storage(error)
        }
        core.attach(store)
        let host = configuration.host
        let port = configuration.port
        let listenDescriptor = configuration.listenDescriptor
        let outcome: Result<(host: String, port: Int), NetworkError> = runOnLoop(loop) { context in
            do throws(NetworkError) {
                let makeHandler = { (connection: Connection) -> ConnectionHandler in
                    let handler = HTTPConnectionHandler(core: core, connection: connection)
                    if core.isStopping { connection.close() }
                    return handler
                }
                let listener = if let listenDescriptor {
                    try context.listen(adopting: listenDescriptor, makeHandler: makeHandler)
                } else {
                    try context.listen(host: host, port: port, makeHandler: makeHandler)
                }
                core.scheduleSummary(context: context)
                core.measureDescriptorBudget(context: context)
                return .success((listener.host, listener.port))
            } catch {
                return .failure(error)
            }
        } ?? .failure(.loopShutDown)
        switch outcome {
        case .success(let (boundHost, boundPort)):
            let database = configuration.postgresURL == nil ? configuration.databasePath : "PostgreSQL"
            let inherited = listenDescriptor.map { " (inherited socket, descriptor \($0))" } ?? ""
            logger.log(.info, "listening on \(boundHost):\(boundPort)\(inherited), database \(database)")
            if let authentication = configuration.authentication {
                // The secret itself is never logged.
                let audience = authentication.audience.map { "audience \($0)" } ?? "no audience"
                logger.log(.info, "authentication on: HS256 tokens, \(audience), leeway \(authentication.leewaySeconds) s")
            }
            if !configuration.allowedOrigins.isEmpty {
                logger.log(.info, "origins allowed: \(configuration.allowedOrigins.sorted().joined(separator: ", "))")
            }
            return ReferenceServer(configuration: configuration, host: boundHost, port: boundPort, loop: loop, store: store, core: core)
        case .failure(let error):
            loop.shutdown()
            store.close()
            throw .network(error)
        }
    }

    /// Stops gracefully: refuses new connections, lets the writer finish every pending commit (their 201s
    /// and `new_message`s go out), closes every session and connection, shuts the loop and closes the
    /// store. Idempotent; a second caller waits for the first to finish. Called on the loop thread,
    /// it starts the stop on another thread and returns at once.
    public func stop() {
        guard !loop.isInLoopThread else {
            // Stopping waits for the loop; from the loop itself, do it from another thread.
            DispatchQueue.global().async { self.stop() }
            return
        }
        let isFirst = lifecycle.withLock { state -> Bool in
            guard state == .running else { return false }
            state = .stopping
            return true
        }
        guard isFirst else {
            waitUntilStopped()
            return
        }
        let core = self.core
        _ = Self.runOnLoop(loop) { _ in core.beginStopping() }
        // Commits everything submitted; each batch's completions are queued on the loop.
        store.closeWriter()
        _ = Self.runOnLoop(loop) { context in core.closeEverything(context: context) }
        // Give the peers a moment to read what was flushed; lingering connections are then cut.
        let deadline = ContinuousClock.now.advanced(by: .seconds(1))
        while ContinuousClock.now < deadline {
            let count = Self.runOnLoop(loop) { context in context.connectionCount } ?? 0
            if count == 0 { break }
            sleepThread(milliseconds: 10)
        }
        loop.shutdown()
        store.close()
        core.logger.log(.info, "stopped")
        lifecycle.withLock { $0 = .stopped }
        stopped.signal()
    }

    /// Blocks until `stop()` has finished.
    public func waitUntilStopped() {
        stopped.wait()
        stopped.signal()  // Let every other waiter through too.
    }

    /// The server's logger (its sink is flushed before a process exits).
    public var logger: ServerLogger { core.logger }

    /// Whether `stop()` has finished.
    public var isStopped: Bool { lifecycle.withLock { $0 == .stopped } }

    /// Runs `work` on the loop and waits for its result; nil when the loop has finished.
    private static func runOnLoop<Value: Sendable>(
        _ loop: EventLoop, _ work: @escaping @Sendable (LoopContext) -> Value
    ) -> Value? {
        let result = Mutex<Value?>(nil)
        let done = DispatchSemaphore(value: 0)
        let isAccepted = loop.execute { context in
            let value = work(context)
            result.withLock { $0 = value }
            done.signal()
        }
        guard isAccepted else { return nil }
        done.wait()
        return result.withLock { $0 }
    }
}

/// Blocks the calling thread (`nanosleep`) for `milliseconds`.
private func sleepThread(milliseconds: Int) {
    var request = timespec(tv_sec: 0, tv_nsec: milliseconds * 1_000_000)
    _ = nanosleep(&request, nil)
}
