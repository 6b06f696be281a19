/// Identifies a timer scheduled on a loop, for `LoopContext.cancelTimer(_:)`.
public struct TimerID: Sendable, Hashable, CustomStringConvertible {
    /// The raw value; unique within its loop.
    public let rawValue: UInt64

    /// Wraps a raw value.
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    public var description: String { "timer#\(rawValue)" }
}
