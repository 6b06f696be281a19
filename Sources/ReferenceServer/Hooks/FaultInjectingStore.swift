import MessageStore

/// A store that fails every message submitted while `isFaulted()` answers true, the way SQLite fails on
/// a full disk (`SQLITE_FULL` on the COMMIT, the SQL in the error), and otherwise passes everything to
/// `base`. Nothing of a refused message reaches `base`.
///
/// For `ServerHooks.makeStore` in tests, the kit's mutants and `conform`'s embedded self-check server
/// (Spec SEND-6), where no real disk can be filled; the shipped server never uses it.
public final class FaultInjectingStore: ServerMessageStore {
    /// The error a refused message completes with.
    public static let diskFull = StorageError.database(SQLiteError(code: 13, message: "database or disk is full", sql: "COMMIT TRANSACTION"))

    public let base: any ServerMessageStore
    private let isFaulted: @Sendable () -> Bool
    private let deliverCompletions: @Sendable (@escaping @Sendable () -> Void) -> Void

    public init(base: any ServerMessageStore, configuration: StoreConfiguration, isFaulted: @escaping @Sendable () -> Bool) {
        self.base = base
        self.isFaulted = isFaulted
        self.deliverCompletions = configuration.deliverCompletions
    }

    public func submit(_ message: NewMessage, completion: @escaping MessageWriter.Completion) {
        guard !isWriterClosed, isFaulted() else {
            base.submit(message, completion: completion)
            return
        }
        deliverCompletions { completion(.failure(Self.diskFull)) }
    }

    public func history(for user: String, completion: @escaping @Sendable (Result<[StoredMessage], StorageError>) -> Void) {
        base.history(for: user, completion: completion)
    }

    public func closeWriter() { base.closeWriter() }
    public var isWriterClosed: Bool { base.isWriterClosed }
    public func close() { base.close() }
}
