import Dispatch
import Foundation
import Synchronization

/// Stores messages with group commit: everything pending goes into one transaction, one COMMIT, one fsync.
///
/// Durability contract: a completion reports `.success` only after the COMMIT of its batch returned, with
/// `synchronous = FULL` in WAL mode, i.e. with the message on disk. If anything in a batch fails (an insert
/// or the COMMIT), the batch is rolled back, nothing of it is visible, and EVERY message of the batch
/// completes with the same `.failure(.database(…))`.
///
/// Threading: `submit` may be called from any thread. The single write connection lives on a private
/// serial queue, which takes up to `maxBatchSize` pending messages at a time; messages submitted while a
/// COMMIT is being fsynced form the next batch. Ids increase in submission order (the order in which
/// `submit` calls took the queue lock). Completions of a batch run in id order, through
/// `StoreConfiguration.deliverCompletions` (by default inline on the writer queue; a completion must not
/// block waiting for another submit).
public final class MessageWriter: Sendable {
    /// Called once per submitted message with its stored form or why it was not stored.
    public typealias Completion = @Sendable (Result<StoredMessage, StorageError>) -> Void

    /// Counters for tests and monitoring.
    public struct Statistics: Sendable, Equatable {
        /// Transactions committed (each is one fsync).
        public var committedBatches = 0
        /// Messages in those transactions.
        public var committedMessages = 0
        /// Batches rolled back; each of their messages completed with a failure.
        public var failedBatches = 0
        /// Messages of those batches.
        public var failedMessages = 0
        /// Largest batch seen, committed or failed.
        public var largestBatch = 0
        /// The longest commit (inserts, COMMIT and its fsync), committed or failed.
        public var longestCommit: Duration = .zero
        /// Commits that lasted at least `StoreConfiguration.slowCommitThreshold`.
        public var slowCommits = 0
    }

    private struct Submission: Sendable {
        var message: NewMessage
        var completion: Completion
    }

    private struct State: Sendable {
        var pending: [Submission] = []
        var isDrainScheduled = false
        var isClosed = false
        var statistics = Statistics()
    }

    private static let insertSQL = "INSERT INTO messages (sender, receiver, content, timestamp) VALUES (?1, ?2, ?3, ?4)"

    private let state = Mutex(State())
    /// The write connection; only the writer queue locks it (so the lock is never contended):
    /// the Mutex is what lets a non-Sendable connection live inside this Sendable class.
    private let connection: Mutex<SQLiteConnection?>
    private let queue: DispatchQueue
    private let queueKey = DispatchSpecificKey<Void>()
    private let maxBatchSize: Int
    private let now: @Sendable () -> Date
    private let deliverCompletions: @Sendable (@escaping @Sendable () -> Void) -> Void
    private let slowCommitThreshold: Duration?
    private let reportSlowCommit: @Sendable (Duration, Int) -> Void

    /// Opens the write connection at `path`: WAL (verified), `synchronous = FULL`, busy timeout, then migrates.
    public init(path: String, configuration: StoreConfiguration = .standard) throws(StorageError) {
        let connection: SQLiteConnection
        do {
            connection = try SQLiteConnection(path: path)
            try connection.setBusyTimeout(milliseconds: configuration.busyTimeoutMilliseconds)
        } catch {
            throw .database(error)
        }
        try connection.enableWriteAheadLog()
        do {
            try connection.setFullSynchronous()
        } catch {
            throw .database(error)
        }
        try MessageStoreSchema.migrate(connection)
        self.connection = Mutex(connection)
        self.queue = DispatchQueue(label: "MessageStore.MessageWriter")
        self.maxBatchSize = max(1, configuration.maxBatchSize)
        self.now = configuration.now
        self.deliverCompletions = configuration.deliverCompletions
        self.slowCommitThreshold = configuration.slowCommitThreshold
        self.reportSlowCommit = configuration.reportSlowCommit
        queue.setSpecific(key: queueKey, value: ())
    }

    /// Queues `message` for the next batch; `completion` reports its id and timestamp once committed.
    ///
    /// After `close()` began, `completion` runs at once, on the caller's thread, with `.failure(.closed)`.
    public func submit(_ message: NewMessage, completion: @escaping Completion) {
        enum Decision { case rejected, queued, queuedAndScheduleDrain }
        let decision = state.withLock { state -> Decision in
            guard !state.isClosed else { return .rejected }
            state.pending.append(Submission(message: message, completion: completion))
            guard !state.isDrainScheduled else { return .queued }
            state.isDrainScheduled = true
            return .queuedAndScheduleDrain
        }
        switch decision {
        case .rejected:
            completion(.failure(.closed))
        case .queued:
            break
        case .queuedAndScheduleDrain:
            queue.async { self.drain() }
        }
    }

    /// Stops accepting messages, commits everything already submitted, then closes the connection.
    ///
    /// Called from outside the writer queue, it returns once the connection is closed and every pending
    /// completion was handed to `deliverCompletions`. Called from a completion running on the writer
    /// queue, it only schedules that work (which runs right after the current batches). Idempotent.
    public func close() {
        state.withLock { $0.isClosed = true }
        if DispatchQueue.getSpecific(key: queueKey) != nil {
            queue.async { self.finish() }
        } else {
            queue.sync { self.finish() }
        }
    }

    /// Whether `close()` has been called.
    public var isClosed: Bool { state.withLock { $0.isClosed } }

    /// A snapshot of the counters.
    public var statistics: Statistics { state.withLock { $0.statistics } }

    // MARK: - Writer queue

    /// Drains what is pending (on the writer queue), then closes the connection.
    private func finish() {
        drain()
        connection.withLock { connection in
            connection?.close()
            connection = nil
        }
    }

    /// Commits batches until nothing is pending. Runs on the writer queue only.
    private func drain() {
        while true {
            let batch = state.withLock { state -> [Submission] in
                guard !state.pending.isEmpty else {
                    state.isDrainScheduled = false
                    return []
                }
                if state.pending.count <= maxBatchSize {
                    defer { state.pending = [] }
                    return state.pending
                }
                let batch = Array(state.pending.prefix(maxBatchSize))
                state.pending.removeFirst(maxBatchSize)
                return batch
            }
            guard !batch.isEmpty else { return }
            let started = ContinuousClock.now
            let outcome = commit(batch.map(\.message))
            let duration = ContinuousClock.now - started
            let isSlow = slowCommitThreshold.map { duration >= $0 } ?? false
            if isSlow { reportSlowCommit(duration, batch.count) }
            state.withLock { state in
                state.statistics.longestCommit = max(state.statistics.longestCommit, duration)
                if isSlow { state.statistics.slowCommits += 1 }
                switch outcome {
                case .success:
                    state.statistics.committedBatches += 1
                    state.statistics.committedMessages += batch.count
                case .failure:
                    state.statistics.failedBatches += 1
                    state.statistics.failedMessages += batch.count
                }
                state.statistics.largestBatch = max(state.statistics.largestBatch, batch.count)
            }
            let completions = batch.map(\.completion)
            deliverCompletions {
                switch outcome {
                case .success(let stored):
                    for (completion, message) in zip(completions, stored) {
                        completion(.success(message))
                    }
                case .failure(let error):
                    for completion in completions {
                        completion(.failure(error))
                    }
                }
            }
        }
    }

    /// Inserts `messages` in one IMMEDIATE transaction and commits it; all or nothing.
    private func commit(_ messages: [NewMessage]) -> Result<[StoredMessage], StorageError> {
        connection.withLock { connection -> Result<[StoredMessage], StorageError> in
            guard let connection else { return .failure(.closed) }
            do {
                let stored = try connection.transaction(.immediate) {
                    let insert = try connection.statement(Self.insertSQL)
                    var stored: [StoredMessage] = []
                    stored.reserveCapacity(messages.count)
                    for message in messages {
                        let timestamp = MessageTimestamp.string(from: now())
                        try insert.run(texts: [message.sender, message.receiver, message.content, timestamp])
                        stored.append(StoredMessage(
                            id: connection.lastInsertRowID, sender: message.sender, receiver: message.receiver,
                            content: message.content, timestamp: timestamp))
                    }
                    return stored
                }
                return .success(stored)
            } catch let error as SQLiteError {
                return .failure(.database(error))
            } catch {
                return .failure(.database(SQLiteError(code: 1, message: "\(error)")))
            }
        }
    }
}

extension MessageWriter {
    /// Test hook: holds the writer queue so that submits pile up and form one known batch on resume.
    func suspendForTesting() { queue.suspend() }

    /// Test hook: releases `suspendForTesting()`.
    func resumeForTesting() { queue.resume() }
}

extension MessageWriter {
    /// Test hook: the write connection's `PRAGMA synchronous` level (2 = FULL), read on the writer queue.
    func synchronousLevelForTesting() -> Int64? {
        queue.sync {
            connection.withLock { connection in try? connection?.synchronousLevel() }
        }
    }
}
