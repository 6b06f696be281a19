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

    public init(
        maxBatchSize: Int = 512,
        busyTimeoutMilliseconds: Int32 = 5_000,
        now: @escaping @Sendable () -> Date = { Date() },
        deliverCompletions: @escaping @Sendable (_ completions: @escaping @Sendable () -> Void) -> Void = { $0() },
        slowCommitThreshold: Duration? = nil,
        reportSlowCommit: @escaping @Sendable (_ duration: Duration, _ messages: Int) -> Void = { _, _ in },
        otherNodeCommitted: @escaping @Sendable (_ message: StoredMessage) -> Void = { _ in },
        minReconnectDelay: Duration = .milliseconds(100),
        maxReconnectDelay: Duration = .seconds(5)
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
    }

    /// The defaults.
    public static var standard: StoreConfiguration { StoreConfiguration() }
}
