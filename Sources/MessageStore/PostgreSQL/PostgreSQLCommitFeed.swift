import Synchronization

/// Hands every committed message of the deployment to this node once, in id order: this node's own
/// messages through their submit completions, other nodes' through `StoreConfiguration.otherNodeCommitted`
/// (docs/cluster.md, "Ordering").
///
/// Ids are handed out under the commit lock, so they follow commit order across nodes, and a snapshot
/// that shows a message shows every message with a smaller id. Hence "read `id > lastDeliveredID` in id
/// order" after any commit or notification yields the deployment's commits in order, with no hole: the
/// writer runs it after its own COMMIT, the listener after each notification and after (re)connecting.
/// Both run it under this feed's lock, which also guards the high-water mark, so each message is handed
/// over exactly once, and `deliverCompletions` receives the batches in id order.
final class PostgreSQLCommitFeed: Sendable {
    private struct State {
        /// Every message up to this id has been handed over.
        var lastDeliveredID: Int64
        /// This node's messages inserted (ids from RETURNING) whose transaction may still commit.
        var awaiting: [Int64: MessageWriter.Completion] = [:]
        /// Mutant `deliversInCommitOrder` only: ids handed over within `commitOrderWindow` below the mark.
        var recentlyDelivered: Set<Int64> = []
        /// Mutant `deliversInCommitOrder` only: the newest id when the store opened (older ones are history).
        var openedAtID: Int64 = 0
    }

    /// Mutant `deliversInCommitOrder`: how far below the high-water mark a late commit is still handed over.
    static let commitOrderWindow: Int64 = 1_000

    /// Rows read per catch-up query.
    static let pageSize: Int64 = 1_000

    private let state: Mutex<State>
    private let deliverCompletions: @Sendable (@escaping @Sendable () -> Void) -> Void
    private let otherNodeCommitted: @Sendable (StoredMessage) -> Void
    /// Test hook for the cluster mutants: whether the listener catches up after (re)connecting.
    let catchesUpOnConnect: Bool
    /// Test hook for the cluster mutants: hand over each commit when it becomes visible (commit order),
    /// including ids below the high-water mark, instead of strictly in id order.
    let deliversInCommitOrder: Bool

    init(lastDeliveredID: Int64, configuration: StoreConfiguration, catchesUpOnConnect: Bool = true, deliversInCommitOrder: Bool = false) {
        state = Mutex(State(lastDeliveredID: lastDeliveredID, openedAtID: lastDeliveredID))
        deliverCompletions = configuration.deliverCompletions
        otherNodeCommitted = configuration.otherNodeCommitted
        self.catchesUpOnConnect = catchesUpOnConnect
        self.deliversInCommitOrder = deliversInCommitOrder
    }

    /// The largest id handed over.
    var lastDeliveredID: Int64 { state.withLock { $0.lastDeliveredID } }

    /// Records this node's inserted messages before their COMMIT, so whichever catch-up reads them
    /// completes them (the listener may read them before the writer's own catch-up does).
    func expect(ids: [Int64], completions: [MessageWriter.Completion]) {
        state.withLock { state in
            for (id, completion) in zip(ids, completions) { state.awaiting[id] = completion }
        }
    }

    /// The transaction of `ids` failed: returns the completions no catch-up has completed (to fail them).
    ///
    /// A COMMIT whose answer was lost may still have committed: its messages then reach the sessions
    /// through a later catch-up as other nodes' do, while their POSTs were answered with an error;
    /// nothing is acknowledged that was not committed.
    func forget(ids: [Int64]) -> [MessageWriter.Completion] {
        state.withLock { state in ids.compactMap { state.awaiting.removeValue(forKey: $0) } }
    }

    /// Mutant `skipsCatchUpAfterReconnect`: moves the high-water mark to the newest commit without
    /// handing anything over (what was committed while the listener was away is never delivered).
    func skipToNewest(on connection: PostgreSQLConnection) throws(PostgreSQLError) {
        let newest = try connection.execute("SELECT coalesce(max(id), 0) FROM messages").int64(row: 0, column: 0) ?? 0
        state.withLock { state in state.lastDeliveredID = max(state.lastDeliveredID, newest) }
    }

    /// Reads every message above the high-water mark on `connection` and hands it over, in id order.
    func catchUp(on connection: PostgreSQLConnection) throws(PostgreSQLError) {
        try state.withLock { state throws(PostgreSQLError) in
            while true {
                var messages: [StoredMessage]
                if deliversInCommitOrder {
                    // One read of the whole window (a mutant's loads are small), minus what was handed over.
                    let from = max(state.openedAtID, state.lastDeliveredID - Self.commitOrderWindow)
                    let result = try connection.execute(
                        PostgreSQLSchema.messagesAfterSQL, [PostgreSQLResult.bigEndian(from), PostgreSQLResult.bigEndian(100_000)])
                    messages = PostgreSQLSchema.messages(result).filter { state.recentlyDelivered.insert($0.id).inserted }
                    let floor = state.lastDeliveredID - 2 * Self.commitOrderWindow
                    state.recentlyDelivered = state.recentlyDelivered.filter { $0 > floor }
                } else {
                    let result = try connection.execute(
                        PostgreSQLSchema.messagesAfterSQL,
                        [PostgreSQLResult.bigEndian(state.lastDeliveredID), PostgreSQLResult.bigEndian(Self.pageSize)])
                    messages = PostgreSQLSchema.messages(result)
                }
                guard let last = messages.last else { return }
                var deliveries: [(StoredMessage, MessageWriter.Completion?)] = []
                deliveries.reserveCapacity(messages.count)
                for message in messages {
                    deliveries.append((message, state.awaiting.removeValue(forKey: message.id)))
                }
                state.lastDeliveredID = max(state.lastDeliveredID, last.id)
                let otherNodeCommitted = self.otherNodeCommitted
                let handedOver = deliveries
                deliverCompletions {
                    for (message, completion) in handedOver {
                        if let completion {
                            completion(.success(message))
                        } else {
                            otherNodeCommitted(message)
                        }
                    }
                }
                if deliversInCommitOrder || messages.count < Self.pageSize { return }
            }
        }
    }
}
