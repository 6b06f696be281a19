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

    public init(
        maxBatchSize: Int = 512,
        busyTimeoutMilliseconds: Int32 = 5_000,
        now: @escaping @Sendable () -> Date = { Date() },
        deliverCompletions: @escaping @Sendable (_ completions: @escaping @Sendable () -> Void) -> Void = { $0() }
    ) {
        self.maxBatchSize = max(1, maxBatchSize)
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        self.now = now
        self.deliverCompletions = deliverCompletions
    }

    /// The defaults.
    public static var standard: StoreConfiguration { StoreConfiguration() }
}
