import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Listens on `PostgreSQLSchema.channel` on a dedicated connection and thread, and runs the feed's
/// catch-up after each notification; on a lost connection it reconnects with backoff, LISTENs again and
/// catches up on everything committed meanwhile (notifications sent while not listening are gone).
final class PostgreSQLListener: Sendable {
    private struct State {
        var isClosed = false
        var isConnected = false
        var reconnections = 0
    }

    private let url: String
    private let configuration: StoreConfiguration
    private let feed: PostgreSQLCommitFeed
    private let minDelay: Duration
    private let maxDelay: Duration
    private let log: @Sendable (String) -> Void
    private let state = Mutex(State())
    /// A pipe whose read end is polled with the connection: a byte written wakes the thread to close.
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let finished = DispatchSemaphore(value: 0)

    init(url: String, feed: PostgreSQLCommitFeed, configuration: StoreConfiguration, log: @escaping @Sendable (String) -> Void) {
        self.url = url
        self.configuration = configuration
        self.feed = feed
        self.minDelay = configuration.minReconnectDelay
        self.maxDelay = configuration.maxReconnectDelay
        self.log = log
        var descriptors: [Int32] = [-1, -1]
        _ = pipe(&descriptors)
        // Not inherited by processes the host process starts (pipe2 is not in Swift's Glibc module).
        for descriptor in descriptors where descriptor >= 0 { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        wakeRead = descriptors[0]
        wakeWrite = descriptors[1]
    }

    /// Starts the listening thread.
    func start() {
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "PostgreSQLListener"
        thread.start()
    }

    /// Stops the thread and waits for it. Idempotent.
    func close() {
        let isFirst = state.withLock { state -> Bool in
            defer { state.isClosed = true }
            return !state.isClosed
        }
        guard isFirst else { return }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
        finished.wait()
        Glibc.close(wakeRead)
        Glibc.close(wakeWrite)
    }

    /// Whether the listener is connected and listening.
    var isConnected: Bool { state.withLock { $0.isConnected } }

    /// How many times the listener connected again after losing its connection.
    var reconnections: Int { state.withLock { $0.reconnections } }

    private var isClosed: Bool { state.withLock { $0.isClosed } }

    private func run() {
        var delay = minDelay
        var hasConnectedBefore = false
        while !isClosed {
            do throws(PostgreSQLError) {
                let connection = try PostgreSQLReconnectingConnection.open(url: url, configuration: configuration, role: "messenger listener")
                try connection.execute("LISTEN \(PostgreSQLSchema.channel)")
                if hasConnectedBefore {
                    state.withLock { $0.reconnections += 1 }
                    log("listening again on \(PostgreSQLSchema.channel); catching up on missed commits")
                }
                if !hasConnectedBefore || feed.catchesUpOnConnect {
                    try feed.catchUp(on: connection)
                } else {
                    try feed.skipToNewest(on: connection)
                }
                hasConnectedBefore = true
                state.withLock { $0.isConnected = true }
                delay = minDelay
                try listen(on: connection)
                connection.close()
                state.withLock { $0.isConnected = false }
            } catch {
                state.withLock { $0.isConnected = false }
                log("listener: \(error); reconnecting in \(delay)")
                // Mutant `skipsCatchUpAfterReconnect`: the listener comes back a second after the writer,
                // so other nodes commit while it is away, which is when skipping the catch-up loses them.
                sleep(for: feed.catchesUpOnConnect ? delay : delay + .seconds(1))
                delay = min(delay * 2, maxDelay)
            }
        }
    }

    /// Waits for notifications and catches up after each; returns when closed, throws when the connection is lost.
    ///
    /// Notifications are taken from libpq before every wait, not only when the socket is readable: a
    /// catch-up runs queries on this connection, and a NOTIFY that arrives while one runs is read by libpq
    /// together with the query's answer and queued inside it, where poll() cannot see it. Waiting on the
    /// socket then left those commits undelivered until some later commit woke the listener (at the end of
    /// a burst: never; `twoNodesAreEachHandedEveryCommitOnceInIdOrder` saw a node stop at 200 of 400).
    private func listen(on connection: PostgreSQLConnection) throws(PostgreSQLError) {
        while !isClosed {
            if try !connection.takeNotifications().isEmpty {
                try feed.catchUp(on: connection)
                continue
            }
            guard connection.isUsable else { throw PostgreSQLError(message: "connection lost", isConnectionFailure: true) }
            var descriptors = [
                pollfd(fd: connection.socket, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&descriptors, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                throw PostgreSQLError(message: "poll failed: errno \(errno)", isConnectionFailure: true)
            }
            if descriptors[1].revents != 0 { return }
            // Readable (a notification, or the end of the connection): the top of the loop takes it.
        }
    }

    /// Sleeps `duration`, or less if closed meanwhile (polls the wake pipe).
    private func sleep(for duration: Duration) {
        let components = duration.components
        let milliseconds = Int32(components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000)
        var descriptor = pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)
        _ = poll(&descriptor, 1, milliseconds)
    }
}
