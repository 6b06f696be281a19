/// How a storage failure reads to a client, and whether it is the storage's condition rather than a bug.
///
/// SQLite "Result and Error Codes" (https://sqlite.org/rescode.html): a full disk, an I/O error, a busy,
/// locked or read-only database, one that cannot be opened, memory exhausted, or a closing store are
/// conditions of the machine that can clear without a code change; a client should try again later
/// (Spec SEND-6). Anything else (a constraint, misuse) is a bug of ours.
extension StorageError {
    /// Whether the failure is a condition of the storage (or a closing store) that may clear by itself.
    public var isStorageFault: Bool {
        switch self {
        case .closed:
            return true
        case .database(let error):
            return Self.faultSummaries[error.primaryCode] != nil
        case .postgreSQL(let error):
            // An unreachable or silent PostgreSQL server (or a connection lost mid-batch), a commit lock
            // held past `lock_timeout`, a statement past `statement_timeout`: storage conditions.
            return error.isConnectionFailure || error.isTimeout
        case .journalModeNotWAL, .unsupportedSchemaVersion:
            return false
        }
    }

    /// What went wrong in one phrase a client may read: no SQL, no path, no SQLite message.
    public var summary: String {
        switch self {
        case .closed:
            return "the server is shutting down"
        case .database(let error):
            return Self.faultSummaries[error.primaryCode] ?? "internal storage error"
        case .postgreSQL(let error):
            if error.isTimeout { return "the database is busy" }
            return error.isConnectionFailure ? "the database is unavailable" : "internal storage error"
        case .journalModeNotWAL, .unsupportedSchemaVersion:
            return "the database cannot be used"
        }
    }

    /// Primary result codes that are storage conditions, with their client-facing phrase.
    private static let faultSummaries: [Int32: String] = [
        5: "the database is busy",  // SQLITE_BUSY
        6: "the database is locked",  // SQLITE_LOCKED
        7: "the server is out of memory",  // SQLITE_NOMEM
        8: "the database is read-only",  // SQLITE_READONLY
        10: "a storage I/O error",  // SQLITE_IOERR
        11: "the database is damaged",  // SQLITE_CORRUPT
        13: "the disk is full",  // SQLITE_FULL
        14: "the database cannot be opened",  // SQLITE_CANTOPEN
        26: "the database is damaged",  // SQLITE_NOTADB
    ]
}
