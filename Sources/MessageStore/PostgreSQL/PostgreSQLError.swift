/// An error reported by PostgreSQL or by libpq: the SQLSTATE (when the server sent one), the message and
/// the SQL that failed.
///
/// PostgreSQL "Error Codes" (https://www.postgresql.org/docs/current/errcodes-appendix.html). A lost or
/// refused connection has no SQLSTATE (libpq reports it locally) and `isConnectionFailure` set.
public struct PostgreSQLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The five-character SQLSTATE, e.g. `23505`; nil for errors libpq raised itself.
    public var sqlState: String?
    /// PostgreSQL's or libpq's message, trailing newline removed.
    public var message: String
    /// The SQL being run when the error happened, if any.
    public var sql: String?
    /// The connection is gone or could not be made (the statement's outcome may be unknown).
    public var isConnectionFailure: Bool

    public init(sqlState: String? = nil, message: String, sql: String? = nil, isConnectionFailure: Bool = false) {
        self.sqlState = sqlState
        self.message = message
        self.sql = sql
        self.isConnectionFailure = isConnectionFailure
    }

    /// The database gave up waiting: for a lock (`55P03` lock_not_available, `lock_timeout`) or on a
    /// statement (`57014` query_canceled, `statement_timeout`). Nothing of the transaction was committed.
    public var isTimeout: Bool { sqlState == "55P03" || sqlState == "57014" }

    public var description: String {
        var text = "PostgreSQL error"
        if let sqlState { text += " \(sqlState)" }
        text += ": \(message)"
        if let sql { text += " (SQL: \(sql))" }
        return text
    }
}
