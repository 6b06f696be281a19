/// Why the message store could not open, accept a message or answer a query.
public enum StorageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The writer or reader is closed (or closing): the operation was not attempted.
    case closed
    /// SQLite failed; for a write, the whole batch was rolled back and nothing of it is visible.
    case database(SQLiteError)
    /// `PRAGMA journal_mode = WAL` answered something else (e.g. `memory` for an in-memory database).
    case journalModeNotWAL(actual: String)
    /// The database has a schema version (`PRAGMA user_version`) newer than this code knows.
    case unsupportedSchemaVersion(found: Int64, supported: Int64)
    /// PostgreSQL failed or could not be reached; for a write, nothing of the batch was acknowledged.
    case postgreSQL(PostgreSQLError)

    /// Whether the database could not be reached (try later: HTTP 503), as opposed to refusing the work.
    public var isUnavailable: Bool {
        switch self {
        case .closed: true
        case .postgreSQL(let error): error.isConnectionFailure || error.isTimeout
        case .database, .journalModeNotWAL, .unsupportedSchemaVersion: false
        }
    }

    public var description: String {
        switch self {
        case .closed:
            return "message store is closed"
        case .database(let error):
            return error.description
        case .journalModeNotWAL(let actual):
            return "journal_mode = WAL was refused (journal mode is \"\(actual)\"); the store needs a file database with WAL"
        case .unsupportedSchemaVersion(let found, let supported):
            return "database schema version \(found) is newer than the newest version this build knows (\(supported))"
        case .postgreSQL(let error):
            return error.description
        }
    }
}
