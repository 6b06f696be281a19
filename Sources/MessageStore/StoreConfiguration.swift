import Foundation

/// Settings of the message store, with documented defaults.
public struct StoreConfiguration: Sendable {
    /// Most messages the writer commits in one transaction (one fsync). Default 512; values below 1 count as 1.
    public var maxBatchSize: Int
    /// How long a connection waits for another connection's lock before `SQLITE_BUSY`. Default 5,000 ms.
    public var busyTimeoutMilliseconds: Int32
    /// The clock that stamps messages; called on the writer queue once per message. Default `Date()`.
    public var now: @Sendable () -> Date
    /// Runs the completions of one committed (or failed) batch; called once per batch on the writer queue.
    ///
    /// It receives one closure that calls every completion of the batch, in id order. The default runs
    /// it inline on the writer queue. A server with one event loop passes `{ loop.execute($0) }`, so it
    /// hops threads once per batch instead of once per message. It must not block waiting for work that
    /// itself waits for the writer (e.g. a synchronous hop to a thread that may be inside `close()`).
    public var deliverCompletions: @Sendable (_ completions: @escaping @Sendable () -> Void) -> Void
    /// A commit (inserts, COMMIT and its fsync) lasting at least this long is passed to `reportSlowCommit`.
    /// Default nil: none is reported (the longest is still counted in `MessageWriter.Statistics`).
    public var slowCommitThreshold: Duration?
    /// Called on the writer queue, before the batch's completions, with a slow commit's duration and size.
    public var reportSlowCommit: @Sendable (_ duration: Duration, _ messages: Int) -> Void
    /// A shared store (PostgreSQL) only: receives each message another node committed, in id order,
    /// interleaved with this node's completions inside the closures given to `deliverCompletions`
    /// (docs/cluster.md). Default: ignored.
    public var otherNodeCommitted: @Sendable (_ message: StoredMessage) -> Void
    /// A shared store only: the first wait before reconnecting to the database after a failure; each
    /// failed attempt doubles it up to `maxReconnectDelay`. Default 100 ms.
    public var minReconnectDelay: Duration
    /// A shared store only: the longest wait between reconnection attempts. Default 5 s.
    public var maxReconnectDelay: Duration
    /// A shared store only: the longest wait to open a connection, TCP and startup included (libpq
    /// `connect_timeout`, in whole seconds, at least 2 as libpq requires). Default 5 s.
    public var connectTimeout: Duration
    /// A shared store only: how long a transaction waits for a lock, the commit lock above all, before it
    /// fails and its POSTs are answered 503 (PostgreSQL `lock_timeout`, set on every connection): a node
    /// or a session holding the lock forever cannot stall the others' commits forever. Default 2 s.
    public var lockTimeout: Duration
    /// A shared store only: the longest the database works on one statement before cancelling it
    /// (PostgreSQL `statement_timeout`, set on every connection). Default 5 s.
    public var statementTimeout: Duration
    /// A shared store only: the longest wait for the database's answer to one statement, measured by the
    /// node (a server that stopped answering without closing the connection: a stopped process, a network
    /// partition, which no server-side timeout ends); past it the connection is dropped and the batch
    /// answered 503 (its outcome unknown if it was the COMMIT: docs/cluster.md). Keep it above
    /// `statementTimeout` and `lockTimeout`, so the database's own limits normally fire first and keep the
    /// connection. Over TCP it is also libpq's `tcp_user_timeout`. Default 10 s.
    public var answerTimeout: Duration
    /// A shared store only, over TCP: idle time before the first keepalive probe and between probes,
    /// three probes (libpq `keepalives_idle`, `keepalives_interval`, `keepalives_count = 3`), so a peer that
    /// vanished is noticed by an idle connection too (the listener's). Default 5 s.
    public var keepaliveInterval: Duration

    public init(
        maxBatchSize: Int = 512,
        busyTimeoutMilliseconds: Int32 = 5_000,
        now: @escaping @Sendable () -> Date = { Date() },
        deliverCompletions: @escaping @Sendable (_ completions: @escaping @Sendable () -> Void) -> Void = { $0() },
        slowCommitThreshold: Duration? = nil,
        reportSlowCommit: @escaping @Sendable (_ duration: Duration, _ messages: Int) -> Void = { _, _ in },
        otherNodeCommitted: @escaping @Sendable (_ message: StoredMessage) -> Void = { _ in },
        minReconnectDelay: Duration = .milliseconds(100),
        maxReconnectDelay: Duration = .seconds(5),
        connectTimeout: Duration = .seconds(5),
        lockTimeout: Duration = .seconds(2),
        statementTimeout: Duration = .seconds(5),
        answerTimeout: Duration = .seconds(10),
        keepaliveInterval: Duration = .seconds(5)
    ) {
        self.maxBatchSize = max(1, maxBatchSize)
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        self.now = now
        self.deliverCompletions = deliverCompletions
        self.slowCommitThreshold = slowCommitThreshold
        self.reportSlowCommit = reportSlowCommit
        self.otherNodeCommitted = otherNodeCommitted
        self.minReconnectDelay = minReconnectDelay
        self.maxReconnectDelay = max(minReconnectDelay, maxReconnectDelay)
        self.connectTimeout = connectTimeout
        self.lockTimeout = lockTimeout
        self.statementTimeout = statementTimeout
        self.answerTimeout = answerTimeout
        self.keepaliveInterval = keepaliveInterval
    }

    /// The defaults.
    public static var standard: StoreConfiguration { StoreConfiguration() }
}
