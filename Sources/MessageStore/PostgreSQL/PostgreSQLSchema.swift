/// The message table on PostgreSQL, the lock that orders commits, and the channel that announces them
/// (docs/cluster.md).
public enum PostgreSQLSchema {
    /// The key of the transaction-level advisory lock every writing transaction takes before its INSERT:
    /// ids are then handed out in commit order across nodes. ASCII "msgs".
    public static let commitLockKey: Int64 = 0x6D73_6773
    /// The `LISTEN`/`NOTIFY` channel: each commit notifies it with its largest id (a wake-up only).
    public static let channel = "messenger_messages"

    /// The newest schema version this build knows (kept in `messenger_schema`).
    public static let currentVersion: Int64 = 1

    /// v1. `bytea` for the user's strings: PostgreSQL's `text` cannot hold U+0000, which JSON allows.
    /// The identity column's sequence keeps its default `CACHE 1` (a per-backend cache would hand out
    /// ids out of order across nodes). The two indexes serve the history query as in SQLite.
    static let createSQL = """
        CREATE TABLE IF NOT EXISTS messenger_schema (version bigint NOT NULL);
        CREATE TABLE IF NOT EXISTS messages (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            sender bytea NOT NULL,
            receiver bytea NOT NULL,
            content bytea NOT NULL,
            timestamp text NOT NULL
        );
        CREATE INDEX IF NOT EXISTS messages_by_receiver ON messages (receiver, id);
        CREATE INDEX IF NOT EXISTS messages_by_sender ON messages (sender, id);
        """

    /// Creates the schema if missing, under the commit lock (two nodes starting at once create it once),
    /// and refuses a database whose schema is newer than this build.
    public static func migrate(_ connection: PostgreSQLConnection) throws(StorageError) {
        let found: Int64?
        do throws(PostgreSQLError) {
            try connection.execute("BEGIN")
            do throws(PostgreSQLError) {
                try connection.execute("SELECT pg_advisory_xact_lock(\(commitLockKey))")
                for statement in createSQL.split(separator: ";") where !statement.allSatisfy(\.isWhitespace) {
                    try connection.execute(String(statement))
                }
                found = try connection.execute("SELECT max(version) FROM messenger_schema").int64(row: 0, column: 0)
                if found == nil {
                    try connection.execute("INSERT INTO messenger_schema (version) VALUES (\(currentVersion))")
                }
                try connection.execute(found.map { $0 > currentVersion } == true ? "ROLLBACK" : "COMMIT")
            } catch {
                _ = try? connection.execute("ROLLBACK")
                throw error
            }
        } catch {
            throw .postgreSQL(error)
        }
        if let found, found > currentVersion {
            throw .unsupportedSchemaVersion(found: found, supported: currentVersion)
        }
    }

    /// Selects the messages above an id, in id order, a page at a time (the feed's catch-up).
    static let messagesAfterSQL = """
        SELECT id, sender, receiver, content, timestamp FROM messages WHERE id > $1 ORDER BY id LIMIT $2
        """

    /// A user's history, as `MessageReader.historySQL` (each branch an index range in id order).
    static let historySQL = """
        SELECT id, sender, receiver, content, timestamp FROM messages WHERE receiver = $1
        UNION ALL
        SELECT id, sender, receiver, content, timestamp FROM messages WHERE sender = $1 AND receiver <> $1
        ORDER BY id
        """

    /// The messages of a result with the columns of `messagesAfterSQL`.
    static func messages(_ result: PostgreSQLResult) -> [StoredMessage] {
        (0..<result.rowCount).map { row in
            StoredMessage(
                id: result.int64(row: row, column: 0) ?? 0,
                sender: result.string(row: row, column: 1),
                receiver: result.string(row: row, column: 2),
                content: result.string(row: row, column: 3),
                timestamp: result.string(row: row, column: 4))
        }
    }
}
