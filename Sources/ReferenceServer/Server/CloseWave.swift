/// Decides when a wave of closed connections is worth `malloc_trim`: once `threshold` connections have
/// closed since the last trim and the open ones fell to half of their peak or less. A plain value.
struct CloseWave: Sendable, Equatable {
    /// Closes since the last trim before one is considered; 0: never trim.
    let threshold: Int
    private(set) var peak = 0
    private(set) var closed = 0
    private(set) var isTrimDue = false

    init(threshold: Int) { self.threshold = threshold }

    mutating func connectionOpened(open: Int) { peak = max(peak, open) }

    /// A connection closed, `open` remain; true when a trim should now be scheduled (once per wave).
    mutating func connectionClosed(open: Int) -> Bool {
        closed += 1
        guard threshold > 0, !isTrimDue, closed >= threshold, open <= peak / 2 else { return false }
        isTrimDue = true
        return true
    }

    /// The trim ran with `open` connections: a new wave starts.
    mutating func trimmed(open: Int) {
        peak = open
        closed = 0
        isTrimDue = false
    }
}
