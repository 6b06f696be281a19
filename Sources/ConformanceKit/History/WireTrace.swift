import Synchronization

/// The wire log of one scenario run: clients append what they send and receive, reports print it on
/// failure. Thread-safe; keeps the last `limit` entries and counts the ones it dropped.
public final class WireTrace: Sendable {
    public static let defaultLimit = 2_000

    private struct Storage {
        var entries: [WireTraceEntry] = []
        var start = 0
        var droppedCount = 0
    }

    public let clock: KitClock
    public let limit: Int
    private let storage = Mutex(Storage())

    public init(clock: KitClock = KitClock(), limit: Int = WireTrace.defaultLimit) {
        self.clock = clock
        self.limit = max(1, limit)
    }

    /// Appends an entry stamped with the clock's current time.
    public func append(session: String, _ direction: WireTraceEntry.Direction, _ text: String) {
        append(WireTraceEntry(time: clock.now(), sessionLabel: session, direction: direction, text: text))
    }

    public func append(_ entry: WireTraceEntry) {
        storage.withLock { storage in
            if storage.entries.count < limit {
                storage.entries.append(entry)
            } else {
                storage.entries[storage.start] = entry
                storage.start = (storage.start + 1) % limit
                storage.droppedCount += 1
            }
        }
    }

    /// The kept entries, oldest first.
    public var entries: [WireTraceEntry] {
        storage.withLock { Array($0.entries[$0.start...] + $0.entries[..<$0.start]) }
    }

    /// The kept entries of these sessions only, oldest first.
    public func entries(sessions: Set<String>) -> [WireTraceEntry] { entries.filter { sessions.contains($0.sessionLabel) } }

    /// How many old entries were dropped to stay within `limit`.
    public var droppedCount: Int { storage.withLock { $0.droppedCount } }
}
