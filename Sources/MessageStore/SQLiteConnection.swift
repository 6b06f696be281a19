import CSQLite

/// One SQLite database connection, confined to one thread or serial queue.
///
/// SQLite "Database Connection Handle" (https://sqlite.org/c3ref/sqlite3.html). Opened with
/// `SQLITE_OPEN_NOMUTEX` by default: the connection is never shared, so SQLite's own mutex is not
/// needed (hence `Sendable` is explicitly unavailable). Prepared statements are cached by SQL text.
public final class SQLiteConnection {
    /// Default open flags: read-write, create if missing, no SQLite-level mutex (confined use).
    public static let defaultFlags: Int32 = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX

    /// The path the connection was opened with.
    public let path: String
    private var handle: OpaquePointer?
    private var statementCache: [String: SQLiteStatement] = [:]
    /// BEGIN and COMMIT, prepared once (a transaction per group commit; `sqlite3_exec` would parse them each time).
    private var beginStatements: [TransactionKind: SQLiteStatement] = [:]
    private var commitStatement: SQLiteStatement?

    /// Opens (or creates, with the default flags) the database at `path`.
    public init(path: String, flags: Int32 = SQLiteConnection.defaultFlags) throws(SQLiteError) {
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let error = SQLiteError(database: handle, code: code, sql: nil)
            sqlite3_close_v2(handle)
            throw error
        }
        sqlite3_extended_result_codes(handle, 1)
        self.path = path
        self.handle = handle
    }

    deinit {
        close()
    }

    /// Whether `close()` has been called.
    public var isClosed: Bool { handle == nil }

    /// Finalizes cached statements and closes the connection. Further use throws `SQLITE_MISUSE`.
    public func close() {
        statementCache.removeAll()
        beginStatements.removeAll()
        commitStatement = nil
        guard let handle else { return }
        self.handle = nil
        // close_v2 defers the close until statements still held elsewhere are finalized.
        sqlite3_close_v2(handle)
    }

    /// Runs one or more SQL statements that return no rows we need (`sqlite3_exec`).
    public func execute(_ sql: String) throws(SQLiteError) {
        let database = try openHandle(sql: sql)
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(database, sql, nil, nil, &errorMessage)
        defer { sqlite3_free(errorMessage) }
        guard code == SQLITE_OK else {
            var error = SQLiteError(database: database, code: code, sql: sql)
            if let errorMessage { error.message = String(cString: errorMessage) }
            throw error
        }
    }

    /// The prepared statement for `sql`, from the cache or newly prepared (and then cached).
    ///
    /// A cached statement is returned as is: callers bind (which resets) before stepping.
    public func statement(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        if let cached = statementCache[sql] { return cached }
        let statement = try SQLiteStatement(database: openHandle(sql: sql), sql: sql)
        statementCache[sql] = statement
        return statement
    }

    /// Number of statements in the cache.
    public var cachedStatementCount: Int { statementCache.count }

    /// Runs `sql` (one statement) with `values` and returns the first column of the first row as text.
    public func textValue(_ sql: String, _ values: [SQLiteValue] = []) throws(SQLiteError) -> String? {
        try statement(sql).rows(values) { row throws(SQLiteError) in try row.text(at: 0) }.first
    }

    /// Runs `sql` (one statement) with `values` and returns the first column of the first row as an integer.
    public func int64Value(_ sql: String, _ values: [SQLiteValue] = []) throws(SQLiteError) -> Int64? {
        try statement(sql).rows(values) { row throws(SQLiteError) in
            try row.isNull(at: 0) ? nil : row.int64(at: 0)
        }.first ?? nil
    }

    /// The rowid of the most recent successful INSERT on this connection.
    public var lastInsertRowID: Int64 {
        handle.map { sqlite3_last_insert_rowid($0) } ?? 0
    }

    /// Whether the connection is outside any transaction (autocommit mode).
    public var isAutocommit: Bool {
        handle.map { sqlite3_get_autocommit($0) != 0 } ?? true
    }

    /// How a transaction takes its locks. SQLite "BEGIN TRANSACTION" (https://sqlite.org/lang_transaction.html).
    public enum TransactionKind: String, Sendable {
        /// Takes locks when first needed.
        case deferred = "DEFERRED"
        /// Takes the write lock at BEGIN, so a writer never fails to upgrade a read lock mid-transaction.
        case immediate = "IMMEDIATE"
        /// Like immediate in WAL mode.
        case exclusive = "EXCLUSIVE"
    }

    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it (or the COMMIT) throws.
    ///
    /// When this returns, COMMIT has returned: with `synchronous = FULL` the data is on disk.
    public func transaction<Result>(
        _ kind: TransactionKind = .immediate,
        _ body: () throws -> Result
    ) throws -> Result {
        try begin(kind)
        do {
            let result = try body()
            try commit()
            return result
        } catch {
            rollbackIfNeeded()
            throw error
        }
    }

    /// `BEGIN <kind> TRANSACTION`, from a statement prepared once per kind.
    private func begin(_ kind: TransactionKind) throws(SQLiteError) {
        if let statement = beginStatements[kind] { return try statement.run() }
        let sql = "BEGIN \(kind.rawValue) TRANSACTION"
        let statement = try SQLiteStatement(database: openHandle(sql: sql), sql: sql)
        beginStatements[kind] = statement
        try statement.run()
    }

    /// `COMMIT TRANSACTION`, from a statement prepared once.
    private func commit() throws(SQLiteError) {
        if let commitStatement { return try commitStatement.run() }
        let sql = "COMMIT TRANSACTION"
        let statement = try SQLiteStatement(database: openHandle(sql: sql), sql: sql)
        commitStatement = statement
        try statement.run()
    }

    /// Rolls back the open transaction, if any. A failed COMMIT may leave it open, or SQLite may
    /// already have rolled it back (e.g. after `SQLITE_FULL`); both are handled.
    private func rollbackIfNeeded() {
        guard !isAutocommit else { return }
        // A ROLLBACK failure leaves nothing better to do: the error that got us here is reported.
        try? execute("ROLLBACK TRANSACTION")
    }

    private func openHandle(sql: String?) throws(SQLiteError) -> OpaquePointer {
        guard let handle else {
            throw SQLiteError(code: SQLITE_MISUSE, message: "connection is closed", sql: sql)
        }
        return handle
    }
}

@available(*, unavailable)
extension SQLiteConnection: Sendable {}
