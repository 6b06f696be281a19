import Foundation

/// A connection that is opened again on demand after it was lost, no sooner than its backoff allows
/// (each failed attempt doubles the wait, from `minReconnectDelay` up to `maxReconnectDelay`).
/// Confined, like the connection it holds, to one queue.
struct PostgreSQLReconnectingConnection {
    private let url: String
    private var current: PostgreSQLConnection?
    private let minDelay: Duration
    private let maxDelay: Duration
    private var delay: Duration
    private var nextAttempt: ContinuousClock.Instant?
    private var lastError: PostgreSQLError?

    init(url: String, connection: PostgreSQLConnection?, configuration: StoreConfiguration) {
        self.url = url
        self.current = connection
        self.minDelay = configuration.minReconnectDelay
        self.maxDelay = configuration.maxReconnectDelay
        self.delay = configuration.minReconnectDelay
    }

    /// Connects to `url` with the session settings every store connection uses: `synchronous_commit = on`
    /// (the 201 waits for the commit record's flush, whatever the server's default).
    static func open(url: String) throws(PostgreSQLError) -> PostgreSQLConnection {
        let connection = try PostgreSQLConnection(url: url)
        try connection.execute("SET synchronous_commit = on")
        return connection
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
            let connection = try Self.open(url: url)
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
