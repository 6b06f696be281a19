import CSQLite
import Dispatch
import Synchronization

/// Answers history queries from its own connection on its own serial queue.
///
/// In WAL mode a reader sees only committed transactions and never blocks the writer; each query starts
/// a fresh snapshot, so a message whose `submit` completion reported success is in every later history.
public final class MessageReader: Sendable {
    /// A user's history: every message where the user is receiver, plus every message where the user is
    /// sender and not also receiver (so a message to oneself appears once), merged in id order.
    ///
    /// Query plan choice (checked with EXPLAIN QUERY PLAN on SQLite 3.40, empty and with 20,000 rows
    /// after ANALYZE): this UNION ALL plans as "MERGE (UNION ALL)" of two index searches,
    /// `messages_by_receiver (receiver=?)` and `messages_by_sender (sender=?)`; each already yields id
    /// order, so there is no sort and rows stream out in order. The `WHERE sender = ?1 OR receiver = ?1
    /// ORDER BY id` form plans as "MULTI-INDEX OR" plus "USE TEMP B-TREE FOR ORDER BY" (a sort of the
    /// whole result), or, after ANALYZE with few distinct users, as a full table SCAN. Hence UNION ALL.
    static let historySQL = """
        SELECT id, sender, receiver, content, timestamp FROM messages WHERE receiver = ?1
        UNION ALL
        SELECT id, sender, receiver, content, timestamp FROM messages WHERE sender = ?1 AND receiver <> ?1
        ORDER BY id
        """

    static let lastIDSQL = "SELECT max(id) FROM messages"

    /// The read connection; only the reader queue locks it (so the lock is never contended):
    /// the Mutex is what lets a non-Sendable connection live inside this Sendable class.
    private let connection: Mutex<SQLiteConnection?>
    private let queue: DispatchQueue
    private let queueKey = DispatchSpecificKey<Void>()

    /// Opens a read connection to an existing store at `path` (open the `MessageWriter` first: it migrates).
    ///
    /// The connection is `query_only`, so it can never write; it refuses a schema version other than
    /// `MessageStoreSchema.currentVersion`.
    public init(path: String, configuration: StoreConfiguration = .standard) throws(StorageError) {
        let connection: SQLiteConnection
        do {
            connection = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX)
            try connection.setBusyTimeout(milliseconds: configuration.busyTimeoutMilliseconds)
            try connection.execute("PRAGMA query_only = 1")
            let mode = try connection.journalMode()
            guard mode == "wal" else { throw StorageError.journalModeNotWAL(actual: mode) }
        } catch let error as StorageError {
            throw error
        } catch let error as SQLiteError {
            throw .database(error)
        } catch {
            throw .database(SQLiteError(code: 1, message: "\(error)"))
        }
        try MessageStoreSchema.verify(connection)
        self.connection = Mutex(connection)
        self.queue = DispatchQueue(label: "MessageStore.MessageReader")
        queue.setSpecific(key: queueKey, value: ())
    }

    /// The history of `user` (see `historySQL`), delivered on the reader queue.
    public func history(
        for user: String,
        completion: @escaping @Sendable (Result<[StoredMessage], StorageError>) -> Void
    ) {
        queue.async {
            completion(self.readHistory(for: user))
        }
    }

    /// The history of `user`, waiting for the reader queue. For tests and tools; servers use the async form.
    public func history(for user: String) throws(StorageError) -> [StoredMessage] {
        try onQueue { readHistory(for: user) }.get()
    }

    /// The largest id stored, or nil for an empty store.
    public func lastID() throws(StorageError) -> Int64? {
        try onQueue {
            withConnection { connection throws(SQLiteError) in try connection.int64Value(Self.lastIDSQL) }
        }.get()
    }

    /// Closes the connection; later queries fail with `.closed`. Idempotent.
    public func close() {
        onQueue {
            connection.withLock { connection in
                connection?.close()
                connection = nil
            }
        }
    }

    /// Runs `body` on the reader queue and waits; runs it directly if already there (e.g. when called
    /// from a `history` completion), where `queue.sync` would deadlock.
    private func onQueue<Value>(_ body: () -> Value) -> Value {
        if DispatchQueue.getSpecific(key: queueKey) != nil {
            return body()
        }
        return queue.sync(execute: body)
    }

    private func readHistory(for user: String) -> Result<[StoredMessage], StorageError> {
        withConnection { connection throws(SQLiteError) in
            try connection.statement(Self.historySQL).rows([.text(user)]) { row throws(SQLiteError) in
                StoredMessage(
                    id: try row.int64(at: 0), sender: try row.text(at: 1), receiver: try row.text(at: 2),
                    content: try row.text(at: 3), timestamp: try row.text(at: 4))
            }
        }
    }

    private func withConnection<Value: Sendable>(
        _ body: (SQLiteConnection) throws(SQLiteError) -> Value
    ) -> Result<Value, StorageError> {
        connection.withLock { connection -> Result<Value, StorageError> in
            guard let connection else { return .failure(.closed) }
            do throws(SQLiteError) {
                return .success(try body(connection))
            } catch {
                return .failure(.database(error))
            }
        }
    }
}
