import Synchronization

/// A process-wide unique identifier of a connection; Sendable, so other threads can name a connection
/// and hop to its loop with `EventLoop.execute` and `LoopContext.connection(_:)`.
public struct ConnectionID: Sendable, Hashable, CustomStringConvertible {
    /// The raw value; unique within the process, never reused.
    public let rawValue: UInt64

    /// Wraps a raw value (for tests and logging; real IDs come from `ConnectionID.next()`).
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    public var description: String { "#\(rawValue)" }

    /// The next unused identifier.
    static func next() -> ConnectionID {
        ConnectionID(rawValue: identifierCounter.add(1, ordering: .relaxed).newValue)
    }
}

/// Source of connection and listener identifiers (also used as epoll tokens; 0 is the loop's eventfd).
let identifierCounter = Atomic<UInt64>(0)
