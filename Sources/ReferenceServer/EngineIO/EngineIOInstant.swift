/// A point on a monotonic clock, in whole milliseconds, fed in by the owner of the session.
///
/// The state machines never read a clock: every input carries `now`, and timers come back as
/// `scheduleTimer(at:)` actions. The origin is arbitrary (the networking core may use
/// `CLOCK_MONOTONIC` in milliseconds); only differences matter. Engine.IO v4 "Heartbeat".
public struct EngineIOInstant: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since the clock's arbitrary origin.
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// This instant moved by `delta` milliseconds, saturating instead of overflowing.
    public func advanced(byMilliseconds delta: Int) -> EngineIOInstant {
        let (sum, overflow) = milliseconds.addingReportingOverflow(Int64(delta))
        if overflow { return EngineIOInstant(milliseconds: delta < 0 ? .min : .max) }
        return EngineIOInstant(milliseconds: sum)
    }

    public static func < (lhs: EngineIOInstant, rhs: EngineIOInstant) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }

    public var description: String { "\(milliseconds)ms" }
}
