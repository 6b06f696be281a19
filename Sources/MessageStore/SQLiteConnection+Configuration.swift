import CSQLite

extension SQLiteConnection {
    /// Switches to write-ahead logging and verifies it took effect.
    ///
    /// SQLite "Write-Ahead Logging" (https://sqlite.org/wal.html): `PRAGMA journal_mode = WAL` answers the
    /// mode now in force; anything but `wal` (an in-memory database answers `memory`) is refused, since
    /// readers must see only committed data while the writer works.
    public func enableWriteAheadLog() throws(StorageError) {
        let mode: String?
        do {
            mode = try textValue("PRAGMA journal_mode = WAL")
        } catch {
            throw .database(error)
        }
        guard let mode, mode.lowercased() == "wal" else {
            throw .journalModeNotWAL(actual: mode ?? "")
        }
    }

    /// The journal mode in force (`PRAGMA journal_mode`), lowercased.
    public func journalMode() throws(SQLiteError) -> String {
        (try textValue("PRAGMA journal_mode") ?? "").lowercased()
    }

    /// Sets `PRAGMA synchronous = FULL`: in WAL mode every COMMIT fsyncs the log before returning.
    ///
    /// SQLite "PRAGMA synchronous" (https://sqlite.org/pragma.html#pragma_synchronous). This is what
    /// makes "COMMIT returned" mean "on disk"; a message is only acknowledged after that.
    public func setFullSynchronous() throws(SQLiteError) {
        try execute("PRAGMA synchronous = FULL")
    }

    /// The `synchronous` level in force (0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA).
    public func synchronousLevel() throws(SQLiteError) -> Int64 {
        try int64Value("PRAGMA synchronous") ?? -1
    }

    /// Sets how long a statement waits for another connection's lock before failing with `SQLITE_BUSY`.
    public func setBusyTimeout(milliseconds: Int32) throws(SQLiteError) {
        try execute("PRAGMA busy_timeout = \(max(0, milliseconds))")
    }

    /// `PRAGMA user_version`: the schema version number stored in the database header.
    public func userVersion() throws(SQLiteError) -> Int64 {
        try int64Value("PRAGMA user_version") ?? 0
    }

    /// Sets `PRAGMA user_version` (PRAGMA values cannot be bound, so the integer is formatted in).
    public func setUserVersion(_ version: Int64) throws(SQLiteError) {
        try execute("PRAGMA user_version = \(version)")
    }
}
