import Foundation

/// A connection that is opened again on demand after it was lost, no sooner than its backoff allows
/// (each failed attempt doubles the wait, from `minReconnectDelay` up to `maxReconnectDelay`).
/// Confined, like the connection it holds, to one queue.
struct PostgreSQLReconnectingConnection {
    private let url: String
    private let configuration: StoreConfiguration
    private let role: String
    private var current: PostgreSQLConnection?
    private let minDelay: Duration
    private let maxDelay: Duration
    private var delay: Duration
    private var nextAttempt: ContinuousClock.Instant?
    private var lastError: PostgreSQLError?

    /// `role` names the connection in `pg_stat_activity` (`application_name`, e.g. "messenger writer").
    init(url: String, connection: PostgreSQLConnection?, configuration: StoreConfiguration, role: String) {
        self.url = url
        self.configuration = configuration
        self.role = role
        self.current = connection
        self.minDelay = configuration.minReconnectDelay
        self.maxDelay = configuration.maxReconnectDelay
        self.delay = configuration.minReconnectDelay
    }

    /// Connects to `url` with the settings every store connection uses: the connection limits of
    /// `configuration` (libpq `connect_timeout`, TCP keepalives and `tcp_user_timeout`, the URL may
    /// override them; the answer timeout), then `synchronous_commit = on` (the 201 waits for the commit
    /// record's flush, whatever the server's default), `lock_timeout` and `statement_timeout`.
    static func open(url: String, configuration: StoreConfiguration, role: String) throws(PostgreSQLError) -> PostgreSQLConnection {
        let connection = try PostgreSQLConnection(
            url: url,
            parameters: [
                ("application_name", role),
                ("connect_timeout", String(max(2, seconds(configuration.connectTimeout, roundedUp: true)))),
                ("keepalives", "1"),
                ("keepalives_idle", String(max(1, seconds(configuration.keepaliveInterval, roundedUp: true)))),
                ("keepalives_interval", String(max(1, seconds(configuration.keepaliveInterval, roundedUp: true)))),
                ("keepalives_count", "3"),
                ("tcp_user_timeout", String(milliseconds(configuration.answerTimeout))),
            ],
            answerTimeout: configuration.answerTimeout)
        try connection.execute("SET synchronous_commit = on")
        try connection.execute("SET lock_timeout = \(max(1, milliseconds(configuration.lockTimeout)))")
        try connection.execute("SET statement_timeout = \(max(1, milliseconds(configuration.statementTimeout)))")
        return connection
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    static func seconds(_ duration: Duration, roundedUp: Bool) -> Int64 {
        duration.components.seconds + (roundedUp && duration.components.attoseconds > 0 ? 1 : 0)
    }

    /// The open connection, or a new one; fails at once while the backoff runs (with the last error).
    mutating func connection() -> Result<PostgreSQLConnection, PostgreSQLError> {
        if let current, current.isUsable { return .success(current) }
        if let nextAttempt, ContinuousClock.now < nextAttempt, let lastError {
            return .failure(PostgreSQLError(
                message: "database unreachable (\(lastError.message)); next attempt in \(nextAttempt - ContinuousClock.now)",
                isConnectionFailure: true))
        }
        do throws(PostgreSQLError) {
            let connection = try Self.open(url: url, configuration: configuration, role: role)
            current = connection
            delay = minDelay
            nextAttempt = nil
            lastError = nil
            return .success(connection)
        } catch {
            lost(error)
            return .failure(error)
        }
    }

    /// Opens a new connection now, whatever the backoff says (the old one was found broken before any
    /// statement of a transaction was sent, e.g. after the database restarted).
    mutating func reopen() -> Result<PostgreSQLConnection, PostgreSQLError> {
        nextAttempt = nil
        current?.close()
        current = nil
        return connection()
    }

    /// The connection failed: drop it and wait before the next attempt.
    ///
    /// A failure reported while the backoff already runs (the caller got `connection()`'s "unreachable"
    /// answer) changes nothing: pushing the next attempt back on every such failure would, under a steady
    /// stream of POSTs, keep the node from ever reconnecting after a database restart.
    mutating func lost(_ error: PostgreSQLError) {
        if current == nil, let nextAttempt, ContinuousClock.now < nextAttempt { return }
        current?.close()
        current = nil
        lastError = error
        nextAttempt = ContinuousClock.now + delay
        delay = min(delay * 2, maxDelay)
    }

    /// Closes the connection.
    mutating func close() {
        current?.close()
        current = nil
    }
}
