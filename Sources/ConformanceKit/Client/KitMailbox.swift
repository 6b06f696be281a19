import Synchronization

/// A queue of received items that async code waits on, each wait bounded by a timeout and ended by
/// task cancellation. Thread-safe; producers never block.
final class KitMailbox<Element: Sendable>: Sendable {
    private struct State {
        var items: [Element] = []
        var head = 0
        var isClosed = false
        var waiters: [UInt64: CheckedContinuation<Element?, Never>] = [:]
        var waiterOrder: [UInt64] = []
        var nextWaiterID: UInt64 = 0

        mutating func takeItem() -> Element? {
            guard head < items.count else { return nil }
            let item = items[head]
            head += 1
            if head == items.count {
                items.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 256, head * 2 >= items.count {
                items.removeFirst(head)
                head = 0
            }
            return item
        }
    }

    private let state = Mutex(State())

    init() {}

    /// Adds an item, handing it to the oldest waiter if one waits. Ignored once closed.
    func push(_ element: Element) {
        let waiter: CheckedContinuation<Element?, Never>? = state.withLock { state in
            guard !state.isClosed else { return nil }
            while !state.waiterOrder.isEmpty {
                let id = state.waiterOrder.removeFirst()
                if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
            }
            state.items.append(element)
            return nil
        }
        waiter?.resume(returning: element)
    }

    /// No more items will come: waiters get nil once the queued items are taken.
    func close() {
        let waiters = state.withLock { state in
            state.isClosed = true
            defer {
                state.waiters.removeAll()
                state.waiterOrder.removeAll()
            }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: nil) }
    }

    /// Whether `close()` was called.
    var isClosed: Bool { state.withLock { $0.isClosed } }

    /// Whether closed and nothing is left to take.
    var isDrained: Bool { state.withLock { $0.isClosed && $0.head >= $0.items.count } }

    /// Items queued and not yet taken.
    var count: Int { state.withLock { $0.items.count - $0.head } }

    /// An item taken at once, if one is queued.
    func poll() -> Element? { state.withLock { $0.takeItem() } }

    /// The next item; nil on timeout, cancellation, or when closed and empty.
    func next(timeout: Duration) async -> Element? {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Element?, Never>) in
                let immediate: Element?? = state.withLock { state in
                    if let item = state.takeItem() { return .some(item) }
                    if state.isClosed || Task.isCancelled { return .some(nil) }
                    state.waiters[id] = continuation
                    state.waiterOrder.append(id)
                    return nil
                }
                if let immediate {
                    continuation.resume(returning: immediate)
                    return
                }
                KitEventLoop.after(timeout) { [self] in expire(id) }
            }
        } onCancel: {
            expire(id)
        }
    }

    private func expire(_ id: UInt64) {
        let waiter = state.withLock { state in
            let waiter = state.waiters.removeValue(forKey: id)
            if waiter != nil { state.waiterOrder.removeAll { $0 == id } }
            return waiter
        }
        waiter?.resume(returning: nil)
    }
}
