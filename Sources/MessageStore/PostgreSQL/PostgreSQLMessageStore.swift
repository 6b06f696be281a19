import Dispatch
import Foundation
import Synchronization

/// The message store of a clustered deployment: every node's messages in one PostgreSQL database,
/// committed with group commit, and every node told of every commit in id order (docs/cluster.md).
///
/// Durability: a completion reports `.success` only after its transaction's COMMIT returned, with
/// `synchronous_commit = on` (set on the writer's connection), i.e. with the commit record flushed by the
/// server. A failed batch (including a lost connection) completes every message with the same failure;
/// a lost connection's failure has `isUnavailable` set.
///
/// Threads: a writer queue with its own connection (like `MessageWriter`: everything pending goes into
/// one transaction), a reader queue with its own connection for history, and `PostgreSQLListener`'s
/// thread. Completions (own and other nodes' messages) reach `deliverCompletions` through
/// `PostgreSQLCommitFeed`, in id order. Storage knows nothing of sockets or protocols.
public final class PostgreSQLMessageStore: Sendable {
    private struct Submission: Sendable {
        var message: NewMessage
        var completion: MessageWriter.Completion
    }

    private struct WriterState: Sendable {
        var pending: [Submission] = []
        var isDrainScheduled = false
        var isClosed = false
        var statistics = MessageWriter.Statistics()
    }

    /// The writer connection's `application_name` (its row in `pg_stat_activity`).
    public static let writerRole = "messenger writer"

    /// Most rows in one INSERT statement (each row binds 4 of PostgreSQL's at most 65,535 parameters).
    static let rowsPerInsert = 1_000

    private let url: String
    private let writerState = Mutex(WriterState())
    /// The writer's connection and its reconnection schedule; only the writer queue locks it.
    private let writer: Mutex<PostgreSQLReconnectingConnection>
    private let writerQueue = DispatchQueue(label: "MessageStore.PostgreSQLWriter")
    private let writerQueueKey = DispatchSpecificKey<Void>()
    /// The history connection; only the reader queue locks it.
    private let reader: Mutex<PostgreSQLReconnectingConnection>
    private let readerQueue = DispatchQueue(label: "MessageStore.PostgreSQLReader")
    private let feed: PostgreSQLCommitFeed
    private let listener: PostgreSQLListener
    private let maxBatchSize: Int
    private let now: @Sendable () -> Date
    private let slowCommitThreshold: Duration?
    private let reportSlowCommit: @Sendable (Duration, Int) -> Void
    private let acknowledgesBeforeCommit: Bool
    private let takesIDsWithoutCommitLock: Bool
    private let deliverCompletions: @Sendable (@escaping @Sendable () -> Void) -> Void

    /// Connects to `url` (a libpq connection string or URI), creates the schema if missing, and starts
    /// listening. This node is handed the commits made after it opened (earlier ones are history).
    ///
    /// - Parameter log: receives one line per lost or regained connection.
    /// - Parameter faults: test-only deviations, for the conformance kit's cluster mutants (default: none).
    public init(
        url: String, configuration: StoreConfiguration = .standard,
        log: @escaping @Sendable (String) -> Void = { _ in },
        faults: PostgreSQLStoreFaults = PostgreSQLStoreFaults()
    ) throws(StorageError) {
        let writerConnection: PostgreSQLConnection
        let lastID: Int64
        do throws(PostgreSQLError) {
            writerConnection = try PostgreSQLReconnectingConnection.open(url: url, configuration: configuration, role: Self.writerRole)
        } catch {
            throw .postgreSQL(error)
        }
        try PostgreSQLSchema.migrate(writerConnection)
        do throws(PostgreSQLError) {
            lastID = try writerConnection.execute("SELECT coalesce(max(id), 0) FROM messages").int64(row: 0, column: 0) ?? 0
        } catch {
            throw .postgreSQL(error)
        }
        self.url = url
        self.writer = Mutex(PostgreSQLReconnectingConnection(url: url, connection: writerConnection, configuration: configuration, role: Self.writerRole))
        self.reader = Mutex(PostgreSQLReconnectingConnection(url: url, connection: nil, configuration: configuration, role: "messenger reader"))
        self.feed = PostgreSQLCommitFeed(
            lastDeliveredID: lastID, configuration: configuration, catchesUpOnConnect: !faults.skipsCatchUpAfterReconnect,
            deliversInCommitOrder: faults.deliversInCommitOrder)
        self.listener = PostgreSQLListener(url: url, feed: feed, configuration: configuration, log: log)
        self.maxBatchSize = max(1, configuration.maxBatchSize)
        self.now = configuration.now
        self.slowCommitThreshold = configuration.slowCommitThreshold
        self.reportSlowCommit = configuration.reportSlowCommit
        self.acknowledgesBeforeCommit = faults.acknowledgesBeforeCommit
        self.takesIDsWithoutCommitLock = faults.deliversInCommitOrder
        self.deliverCompletions = configuration.deliverCompletions
        writerQueue.setSpecific(key: writerQueueKey, value: ())
        listener.start()
    }

    // MARK: Writing

    /// Queues `message` for the next batch; `completion` reports its id and timestamp once committed
    /// (through the feed, in id order among every node's commits).
    ///
    /// After `closeWriter()` began, `completion` runs at once, on the caller's thread, with `.failure(.closed)`.
    public func submit(_ message: NewMessage, completion: @escaping MessageWriter.Completion) {
        let schedulesDrain = writerState.withLock { state -> Bool? in
            guard !state.isClosed else { return nil }
            state.pending.append(Submission(message: message, completion: completion))
            guard !state.isDrainScheduled else { return false }
            state.isDrainScheduled = true
            return true
        }
        switch schedulesDrain {
        case nil: completion(.failure(.closed))
        case false?: break
        case true?: writerQueue.async { self.drain() }
        }
    }

    /// Stops accepting messages and commits everything already submitted (see `MessageWriter.close()`).
    public func closeWriter() {
        writerState.withLock { $0.isClosed = true }
        if DispatchQueue.getSpecific(key: writerQueueKey) != nil {
            writerQueue.async { self.drain() }
        } else {
            writerQueue.sync { self.drain() }
        }
    }

    /// Whether `closeWriter()` has been called.
    public var isWriterClosed: Bool { writerState.withLock { $0.isClosed } }

    /// A snapshot of the writer's counters.
    public var statistics: MessageWriter.Statistics { writerState.withLock { $0.statistics } }

    /// Whether the listening connection is up (for tests and monitoring).
    public var isListening: Bool { listener.isConnected }

    /// How many times the listener reconnected after losing the database.
    public var listenerReconnections: Int { listener.reconnections }

    /// Closes the writer (committing what is pending), the listener and every connection.
    public func close() {
        closeWriter()
        listener.close()
        writerQueue.sync { writer.withLock { $0.close() } }
        readerQueue.sync { reader.withLock { $0.close() } }
    }

    private func drain() {
        while true {
            let batch = writerState.withLock { state -> [Submission] in
                guard !state.pending.isEmpty else {
                    state.isDrainScheduled = false
                    return []
                }
                let count = min(state.pending.count, maxBatchSize)
                let batch = Array(state.pending.prefix(count))
                state.pending.removeFirst(count)
                return batch
            }
            guard !batch.isEmpty else { return }
            let started = ContinuousClock.now
            let outcome = writer.withLock { connection in commit(batch, on: &connection) }
            let duration = ContinuousClock.now - started
            let isSlow = slowCommitThreshold.map { duration >= $0 } ?? false
            if isSlow { reportSlowCommit(duration, batch.count) }
            writerState.withLock { state in
                state.statistics.longestCommit = max(state.statistics.longestCommit, duration)
                if isSlow { state.statistics.slowCommits += 1 }
                if outcome == nil {
                    state.statistics.committedBatches += 1
                    state.statistics.committedMessages += batch.count
                } else {
                    state.statistics.failedBatches += 1
                    state.statistics.failedMessages += batch.count
                }
                state.statistics.largestBatch = max(state.statistics.largestBatch, batch.count)
            }
        }
    }

    /// Inserts `batch` in one transaction under the commit lock, notifies, commits, then runs the feed's
    /// catch-up (which completes the batch). Returns the failure the batch completed with, if any.
    private func commit(_ batch: [Submission], on link: inout PostgreSQLReconnectingConnection) -> StorageError? {
        var connection: PostgreSQLConnection
        do throws(PostgreSQLError) {
            connection = try link.connection().get()
            do throws(PostgreSQLError) {
                try connection.execute("BEGIN")
            } catch where error.isConnectionFailure {
                // Broken while idle (e.g. the database restarted): nothing was sent, so try a new one once.
                connection = try link.reopen().get()
                try connection.execute("BEGIN")
            }
        } catch {
            link.lost(error)
            fail(batch.map(\.completion), with: .postgreSQL(error))
            return .postgreSQL(error)
        }
        var ids: [Int64] = []
        var isExpected = false
        do throws(PostgreSQLError) {
            if !takesIDsWithoutCommitLock {
                try connection.execute("SELECT pg_advisory_xact_lock(\(PostgreSQLSchema.commitLockKey))")
            }
            ids.reserveCapacity(batch.count)
            var start = 0
            while start < batch.count {
                let rows = batch[start..<min(batch.count, start + Self.rowsPerInsert)]
                ids += try insert(rows, on: connection)
                start += rows.count
            }
            if acknowledgesBeforeCommit {
                // Mutant: the 201 before the COMMIT (so before the row is visible or durable).
                let early = zip(batch, ids).map { submission, id in
                    (submission.completion, StoredMessage(
                        id: id, sender: submission.message.sender, receiver: submission.message.receiver,
                        content: submission.message.content, timestamp: MessageTimestamp.string(from: now())))
                }
                deliverCompletions { for (completion, message) in early { completion(.success(message)) } }
                feed.expect(ids: ids, completions: ids.map { _ in { _ in } })
                // And the COMMIT comes 250 ms later (a busy server): nearly all the time a batch is
                // acknowledged and not committed, which is what a crash of the node then loses. (With 50 ms,
                // a crash that came late under CI load found nothing uncommitted: the mutant escaped.)
                Thread.sleep(forTimeInterval: 0.25)
            } else {
                feed.expect(ids: ids, completions: batch.map(\.completion))
            }
            isExpected = true
            if takesIDsWithoutCommitLock {
                // Mutant: a transaction that took its ids early commits late (a few milliseconds' work).
                Thread.sleep(forTimeInterval: Double.random(in: 0...0.004))
            }
            try connection.execute("SELECT pg_notify('\(PostgreSQLSchema.channel)', $1)", [Array(String(ids.last ?? 0).utf8)])
            try connection.execute("COMMIT")
        } catch {
            if connection.isUsable { _ = try? connection.execute("ROLLBACK") } else { link.lost(error) }
            let failure = StorageError.postgreSQL(error)
            // Once expected, a completion may already have run (a catch-up saw the COMMIT that did happen).
            fail(isExpected ? feed.forget(ids: ids) : batch.map(\.completion), with: failure)
            return failure
        }
        // Committed: hand the batch (and whatever else committed before it) over in id order. If the
        // connection drops now, the listener's catch-up after it reconnects completes the batch.
        do throws(PostgreSQLError) {
            try feed.catchUp(on: connection)
        } catch {
            if !connection.isUsable { link.lost(error) }
        }
        return nil
    }

    /// Completes `completions` with `failure`, through `deliverCompletions` as every completion.
    private func fail(_ completions: [MessageWriter.Completion], with failure: StorageError) {
        guard !completions.isEmpty else { return }
        deliverCompletions { for completion in completions { completion(.failure(failure)) } }
    }

    /// One multi-row INSERT; returns the ids in row order (handed out in VALUES order under the lock).
    private func insert(_ rows: ArraySlice<Submission>, on connection: PostgreSQLConnection) throws(PostgreSQLError) -> [Int64] {
        var sql = "INSERT INTO messages (sender, receiver, content, timestamp) VALUES "
        var parameters: [[UInt8]?] = []
        parameters.reserveCapacity(rows.count * 4)
        for (index, submission) in rows.enumerated() {
            let base = index * 4
            sql += index == 0 ? "" : ","
            sql += "($\(base + 1),$\(base + 2),$\(base + 3),$\(base + 4))"
            parameters.append(Array(submission.message.sender.utf8))
            parameters.append(Array(submission.message.receiver.utf8))
            parameters.append(Array(submission.message.content.utf8))
            parameters.append(Array(MessageTimestamp.string(from: now()).utf8))
        }
        sql += " RETURNING id"
        let result = try connection.execute(sql, parameters)
        let ids = (0..<result.rowCount).compactMap { result.int64(row: $0, column: 0) }.sorted()
        guard ids.count == rows.count else {
            throw PostgreSQLError(message: "INSERT returned \(ids.count) ids for \(rows.count) rows", sql: sql)
        }
        return ids
    }

    // MARK: Reading

    /// The history of `user` in id order, read on the reader queue (reconnecting if needed).
    public func history(for user: String, completion: @escaping @Sendable (Result<[StoredMessage], StorageError>) -> Void) {
        readerQueue.async { [self] in
            let result = reader.withLock { link -> Result<[StoredMessage], StorageError> in
                var connection: PostgreSQLConnection
                switch link.connection() {
                case .failure(let error): return .failure(.postgreSQL(error))
                case .success(let open): connection = open
                }
                for isRetry in [false, true] {
                    do throws(PostgreSQLError) {
                        let rows = try connection.execute(PostgreSQLSchema.historySQL, [Array(user.utf8)])
                        return .success(PostgreSQLSchema.messages(rows))
                    } catch {
                        guard !connection.isUsable else { return .failure(.postgreSQL(error)) }
                        // A read may be repeated: a connection found broken (the database restarted since
                        // the last read) is replaced at once, once, as the writer does before a transaction.
                        guard !isRetry, case .success(let reopened) = link.reopen() else {
                            link.lost(error)
                            return .failure(.postgreSQL(error))
                        }
                        connection = reopened
                    }
                }
                return .failure(.closed)
            }
            completion(result)
        }
    }

    /// The history of `user`, waiting for it. For tests and tools.
    public func history(for user: String) throws(StorageError) -> [StoredMessage] {
        let outcome = Mutex<Result<[StoredMessage], StorageError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        history(for: user) { result in
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try outcome.withLock { $0! }.get()
    }
}
