import CSQLite

/// An error reported by SQLite: the extended result code, SQLite's message and the SQL that failed.
///
/// SQLite "Result and Error Codes" (https://sqlite.org/rescode.html). Extended result codes are enabled
/// on every connection, so `code` is e.g. `SQLITE_CONSTRAINT_NOTNULL` (1299), not only `SQLITE_CONSTRAINT`.
public struct SQLiteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The extended result code (`sqlite3_extended_errcode`).
    public var code: Int32
    /// SQLite's message (`sqlite3_errmsg`), or the generic text for the code (`sqlite3_errstr`).
    public var message: String
    /// The SQL being prepared or run when the error happened, if any.
    public var sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// The primary result code: the low 8 bits of the extended code (`SQLITE_CONSTRAINT`, `SQLITE_BUSY`, …).
    public var primaryCode: Int32 { code & 0xFF }

    public var description: String {
        var text = "SQLite error \(code): \(message)"
        if let sql { text += " (SQL: \(sql))" }
        return text
    }

    /// Reads the current error of `database`, attributing it to `sql`.
    init(database: OpaquePointer?, code: Int32, sql: String?) {
        let extended = database.map { sqlite3_extended_errcode($0) } ?? code
        // Some calls return a code without it being the connection's latest error;
        // trust the connection's extended code only when its primary code agrees.
        let isConnectionError = database != nil && (extended & 0xFF) == (code & 0xFF)
        let effective = isConnectionError ? extended : code
        let message: String
        if isConnectionError, let database, let text = sqlite3_errmsg(database) {
            message = String(cString: text)
        } else if let text = sqlite3_errstr(effective) {
            message = String(cString: text)
        } else {
            message = "unknown error"
        }
        self.init(code: effective, message: message, sql: sql)
    }
}
