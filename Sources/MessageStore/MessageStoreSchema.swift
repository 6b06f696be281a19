/// The versioned schema of the message database and the migrations that build it.
///
/// The version lives in `PRAGMA user_version` (0 for a new database). `migrate` applies every
/// migration newer than the stored version, and sets the new version, in ONE transaction: either the
/// database ends at `currentVersion` or it is left exactly as it was.
public enum MessageStoreSchema {
    /// One schema step: the SQL that takes the database from `version - 1` to `version`.
    public struct Migration: Sendable {
        public var version: Int64
        public var sql: String

        public init(version: Int64, sql: String) {
            self.version = version
            self.sql = sql
        }
    }

    /// Every migration, in version order.
    public static let migrations: [Migration] = [
        // v1: the message log. INTEGER PRIMARY KEY makes `id` the rowid: assigned by SQLite, increasing
        // in commit order (rows are never deleted). The two indexes serve the history query, which
        // reads one user's messages as receiver and as sender, each already in id order.
        Migration(version: 1, sql: """
            CREATE TABLE messages (
                id INTEGER PRIMARY KEY,
                sender TEXT NOT NULL,
                receiver TEXT NOT NULL,
                content TEXT NOT NULL,
                timestamp TEXT NOT NULL
            );
            CREATE INDEX messages_by_receiver ON messages (receiver, id);
            CREATE INDEX messages_by_sender ON messages (sender, id);
            """),
    ]

    /// The newest schema version this build knows.
    public static var currentVersion: Int64 { migrations.last?.version ?? 0 }

    /// Brings the database to the newest version of `migrations`, in one IMMEDIATE transaction.
    ///
    /// Refuses (`.unsupportedSchemaVersion`) a database whose version is newer than the newest migration.
    /// The version is read inside the transaction, so two processes opening one new file cannot both migrate.
    public static func migrate(
        _ connection: SQLiteConnection,
        migrations: [Migration] = MessageStoreSchema.migrations
    ) throws(StorageError) {
        let newest = migrations.last?.version ?? 0
        do {
            try connection.transaction(.immediate) {
                let found = try connection.userVersion()
                guard found <= newest else {
                    throw StorageError.unsupportedSchemaVersion(found: found, supported: newest)
                }
                for migration in migrations where migration.version > found {
                    try connection.execute(migration.sql)
                }
                if found < newest {
                    try connection.setUserVersion(newest)
                }
            }
        } catch let error as StorageError {
            throw error
        } catch let error as SQLiteError {
            throw .database(error)
        } catch {
            throw .database(SQLiteError(code: 1, message: "\(error)"))
        }
    }

    /// Checks, without changing anything, that the database is at exactly `currentVersion`.
    public static func verify(_ connection: SQLiteConnection) throws(StorageError) {
        let found: Int64
        do {
            found = try connection.userVersion()
        } catch {
            throw .database(error)
        }
        if found > currentVersion {
            throw .unsupportedSchemaVersion(found: found, supported: currentVersion)
        }
        if found < currentVersion {
            throw .database(SQLiteError(
                code: 1, message: "database schema version \(found) is older than \(currentVersion); open the writer first to migrate"))
        }
    }
}
