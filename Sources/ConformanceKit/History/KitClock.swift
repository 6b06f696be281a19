/// The run's monotonic clock: times are durations since the run started, so history, wire log and
/// checkers of every scenario share one time line.
public struct KitClock: Sendable {
    public let origin: ContinuousClock.Instant

    public init(origin: ContinuousClock.Instant = .now) { self.origin = origin }

    /// Time elapsed since `origin`.
    public func now() -> Duration { origin.duration(to: .now) }
}
