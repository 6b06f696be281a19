/// A min-heap of timers ordered by deadline, then by scheduling order; cancellation is lazy.
///
/// Cancelled entries stay in the heap until they reach the top or the heap is rebuilt (when more than
/// half of it is dead), so `cancel` is O(1) and `schedule`/`popDue` are O(log n).
struct TimerQueue<Action> {
    private struct Entry {
        var deadline: ContinuousClock.Instant
        var id: TimerID

        /// Earlier deadline first; equal deadlines fire in scheduling order (ids increase).
        func precedes(_ other: Entry) -> Bool {
            deadline < other.deadline || (deadline == other.deadline && id.rawValue < other.id.rawValue)
        }
    }

    private var heap: [Entry] = []
    private var actions: [TimerID: Action] = [:]
    private var lastID: UInt64 = 0

    /// Number of live (scheduled, not cancelled, not fired) timers.
    var count: Int { actions.count }

    /// Whether no live timer remains.
    var isEmpty: Bool { actions.isEmpty }

    /// Schedules `action` at `deadline` and returns its identifier.
    mutating func schedule(at deadline: ContinuousClock.Instant, _ action: Action) -> TimerID {
        lastID &+= 1
        let id = TimerID(rawValue: lastID)
        actions[id] = action
        heap.append(Entry(deadline: deadline, id: id))
        siftUp(heap.count - 1)
        return id
    }

    /// Cancels a timer; returns whether it was still pending.
    @discardableResult
    mutating func cancel(_ id: TimerID) -> Bool {
        guard actions.removeValue(forKey: id) != nil else { return false }
        if heap.count > 64, heap.count > 2 * actions.count { rebuild() }
        return true
    }

    /// The earliest live deadline, if any.
    mutating func nextDeadline() -> ContinuousClock.Instant? {
        discardDeadTop()
        return heap.first?.deadline
    }

    /// Removes and returns the earliest timer whose deadline is at or before `now`.
    mutating func popDue(now: ContinuousClock.Instant) -> (id: TimerID, action: Action)? {
        discardDeadTop()
        guard let top = heap.first, top.deadline <= now else { return nil }
        removeTop()
        guard let action = actions.removeValue(forKey: top.id) else { return nil }
        return (top.id, action)
    }

    /// Drops every timer.
    mutating func removeAll() {
        heap.removeAll()
        actions.removeAll()
    }

    private mutating func discardDeadTop() {
        while let top = heap.first, actions[top.id] == nil { removeTop() }
    }

    private mutating func removeTop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        siftDown(0)
    }

    private mutating func rebuild() {
        heap.removeAll { actions[$0.id] == nil }
        var index = heap.count / 2
        while index > 0 {
            index -= 1
            siftDown(index)
        }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            let right = left + 1
            var smallest = left
            if right < heap.count, heap[right].precedes(heap[left]) { smallest = right }
            guard heap[smallest].precedes(heap[parent]) else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
