import MessageStore

/// What the server needs from its message store: commits in order, history reads, an orderly close.
///
/// `MessageStore` (SQLite) and `PostgreSQLMessageStore` (a node of a cluster) are the implementations; `ServerHooks.makeStore` may supply another (an in-memory
/// store, one that acknowledges before it commits). Completions must run through the configuration's
/// `deliverCompletions`, in commit order, with ids strictly increasing in commit order.
public protocol ServerMessageStore: Sendable {
    /// Queues a message; `completion` receives it as stored (id, timestamp) or the error.
    func submit(_ message: NewMessage, completion: @escaping MessageWriter.Completion)
    /// The history of `user` in id order (every message it sent or received).
    func history(for user: String, completion: @escaping @Sendable (Result<[StoredMessage], StorageError>) -> Void)
    /// Commits every pending message, then refuses new ones (completed at once with `.closed`).
    func closeWriter()
    /// Whether `closeWriter()` has been called.
    var isWriterClosed: Bool { get }
    /// Closes the writer and the reader.
    func close()
}

extension MessageStore: ServerMessageStore {
    public func submit(_ message: NewMessage, completion: @escaping MessageWriter.Completion) {
        writer.submit(message, completion: completion)
    }

    public func history(for user: String, completion: @escaping @Sendable (Result<[StoredMessage], StorageError>) -> Void) {
        reader.history(for: user, completion: completion)
    }

    public func closeWriter() { writer.close() }

    public var isWriterClosed: Bool { writer.isClosed }
}

extension PostgreSQLMessageStore: ServerMessageStore {}
