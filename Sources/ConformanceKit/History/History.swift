import Synchronization

/// The record of what a scenario did and saw (Jepsen style): every operation is invoked, then
/// completed ok / fail / info. Thread-safe; operation IDs count up from 1 in invocation order.
public final class History: Sendable {
    public let clock: KitClock
    private let operationsStore = Mutex<[HistoryOperation]>([])

    public init(clock: KitClock = KitClock()) { self.clock = clock }

    /// Records the start of an operation and returns its ID.
    @discardableResult
    public func invoke(process: String, _ kind: OperationKind, value: String? = nil, at time: Duration? = nil) -> OperationID {
        let time = time ?? clock.now()
        return operationsStore.withLock { operations in
            let id = OperationID(operations.count + 1)
            operations.append(HistoryOperation(id: id, process: process, kind: kind, value: value, invokedAt: time))
            return id
        }
    }

    /// Records the completion of an invoked operation; a second completion or an unknown ID is ignored
    /// and answers false.
    @discardableResult
    public func complete(_ id: OperationID, _ outcome: HistoryOperation.Outcome, result: String? = nil, at time: Duration? = nil) -> Bool {
        let time = time ?? clock.now()
        return operationsStore.withLock { operations in
            let index = id.rawValue - 1
            guard operations.indices.contains(index), operations[index].outcome == nil else { return false }
            operations[index].outcome = outcome
            operations[index].result = result
            operations[index].completedAt = time
            return true
        }
    }

    @discardableResult
    public func ok(_ id: OperationID, result: String? = nil) -> Bool { complete(id, .ok, result: result) }

    @discardableResult
    public func fail(_ id: OperationID, result: String? = nil) -> Bool { complete(id, .fail, result: result) }

    @discardableResult
    public func info(_ id: OperationID, result: String? = nil) -> Bool { complete(id, .info, result: result) }

    /// Records something observed at one instant (a received event): invoked and ok at the same time.
    @discardableResult
    public func observe(process: String, _ kind: OperationKind, value: String? = nil, at time: Duration? = nil) -> OperationID {
        let time = time ?? clock.now()
        let id = invoke(process: process, kind, value: value, at: time)
        complete(id, .ok, at: time)
        return id
    }

    /// A snapshot of every operation, in invocation order.
    public var operations: [HistoryOperation] { operationsStore.withLock { $0 } }

    public func operation(_ id: OperationID) -> HistoryOperation? {
        operationsStore.withLock { operations in
            operations.indices.contains(id.rawValue - 1) ? operations[id.rawValue - 1] : nil
        }
    }

    /// The operations with these IDs, in ID order; unknown IDs are left out.
    public func operations(_ ids: some Sequence<OperationID>) -> [HistoryOperation] {
        let wanted = Set(ids)
        return operations.filter { wanted.contains($0.id) }
    }

    /// Operations never completed (should be none when a scenario ends cleanly).
    public var pending: [HistoryOperation] { operations.filter { $0.outcome == nil } }
}
