import Testing
@testable import MessageStore

@Suite("SQLiteConnection+Configuration")
struct SQLiteConnectionConfigurationTests {
    @Test func writeAheadLogIsEnabledAndVerified() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let connection = try SQLiteConnection(path: directory.path())
        defer { connection.close() }
        #expect(try connection.journalMode() == "delete")
        try connection.enableWriteAheadLog()
        #expect(try connection.journalMode() == "wal")
        // WAL is persistent: a second connection sees it without asking.
        let other = try SQLiteConnection(path: directory.path())
        defer { other.close() }
        #expect(try other.journalMode() == "wal")
    }

    @Test func inMemoryDatabaseIsRefusedBecauseItCannotUseWAL() throws {
        let connection = try SQLiteConnection(path: ":memory:")
        defer { connection.close() }
        #expect(throws: StorageError.journalModeNotWAL(actual: "memory")) {
            try connection.enableWriteAheadLog()
        }
    }

    @Test func synchronousFullIsSet() throws {
        let connection = try SQLiteConnection(path: ":memory:")
        defer { connection.close() }
        try connection.setFullSynchronous()
        #expect(try connection.synchronousLevel() == 2)
    }

    @Test func busyTimeoutAndUserVersionRoundTrip() throws {
        let connection = try SQLiteConnection(path: ":memory:")
        defer { connection.close() }
        try connection.setBusyTimeout(milliseconds: 1234)
        #expect(try connection.int64Value("PRAGMA busy_timeout") == 1234)
        try connection.setUserVersion(7)
        #expect(try connection.userVersion() == 7)
    }
}
