import Testing
@testable import MessageStore

@Suite("MessageStoreSchema")
struct MessageStoreSchemaTests {
    private func withConnection(_ body: (SQLiteConnection) throws -> Void) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let connection = try SQLiteConnection(path: directory.path())
        defer { connection.close() }
        try body(connection)
    }

    private func names(_ connection: SQLiteConnection, type: String) throws -> [String] {
        try connection.statement("SELECT name FROM sqlite_master WHERE type = ?1 AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .rows([.text(type)]) { row throws(SQLiteError) in try row.text(at: 0) }
    }

    @Test func freshDatabaseMigratesToVersionOne() throws {
        try withConnection { connection throws in
            #expect(try connection.userVersion() == 0)
            try MessageStoreSchema.migrate(connection)
            #expect(try connection.userVersion() == 1)
            #expect(MessageStoreSchema.currentVersion == 1)
            #expect(try names(connection, type: "table") == ["messages"])
            #expect(try names(connection, type: "index") == ["messages_by_receiver", "messages_by_sender"])
            let columns = try connection.statement("SELECT name, type, \"notnull\", pk FROM pragma_table_info('messages') ORDER BY cid")
                .rows { row throws(SQLiteError) in
                    "\(try row.text(at: 0)) \(try row.text(at: 1)) \(try row.int64(at: 2)) \(try row.int64(at: 3))"
                }
            #expect(columns == [
                "id INTEGER 0 1", "sender TEXT 1 0", "receiver TEXT 1 0", "content TEXT 1 0", "timestamp TEXT 1 0",
            ])
            let receiverIndex = try connection.statement("SELECT name FROM pragma_index_info('messages_by_receiver') ORDER BY seqno")
                .rows { row throws(SQLiteError) in try row.text(at: 0) }
            #expect(receiverIndex == ["receiver", "id"])
        }
    }

    @Test func migratingAgainChangesNothing() throws {
        try withConnection { connection throws in
            try MessageStoreSchema.migrate(connection)
            try connection.execute("INSERT INTO messages (sender, receiver, content, timestamp) VALUES ('a', 'b', 'c', 't')")
            try MessageStoreSchema.migrate(connection)
            #expect(try connection.userVersion() == 1)
            #expect(try connection.int64Value("SELECT count(*) FROM messages") == 1)
        }
    }

    @Test func newerVersionIsRefusedAndLeftUntouched() throws {
        try withConnection { connection throws in
            try connection.setUserVersion(99)
            #expect(throws: StorageError.unsupportedSchemaVersion(found: 99, supported: 1)) {
                try MessageStoreSchema.migrate(connection)
            }
            #expect(try connection.userVersion() == 99)
            #expect(try names(connection, type: "table").isEmpty)
            #expect(throws: StorageError.unsupportedSchemaVersion(found: 99, supported: 1)) {
                try MessageStoreSchema.verify(connection)
            }
        }
    }

    @Test func laterMigrationsApplyOnTopOfExistingData() throws {
        try withConnection { connection throws in
            try MessageStoreSchema.migrate(connection)
            try connection.execute("INSERT INTO messages (sender, receiver, content, timestamp) VALUES ('a', 'b', 'c', 't')")
            let withVersionTwo = MessageStoreSchema.migrations + [
                .init(version: 2, sql: "ALTER TABLE messages ADD COLUMN edited INTEGER NOT NULL DEFAULT 0"),
            ]
            try MessageStoreSchema.migrate(connection, migrations: withVersionTwo)
            #expect(try connection.userVersion() == 2)
            #expect(try connection.int64Value("SELECT edited FROM messages WHERE id = 1") == 0)
            // This build's list (newest 1) must now refuse the database.
            #expect(throws: StorageError.unsupportedSchemaVersion(found: 2, supported: 1)) {
                try MessageStoreSchema.migrate(connection)
            }
        }
    }

    @Test func failingMigrationRollsBackEveryStep() throws {
        try withConnection { connection throws in
            let broken = MessageStoreSchema.migrations + [.init(version: 2, sql: "CREATE TABLE broken (")]
            #expect(throws: StorageError.self) { try MessageStoreSchema.migrate(connection, migrations: broken) }
            // Version 1 ran in the same transaction, so it is gone too.
            #expect(try connection.userVersion() == 0)
            #expect(try names(connection, type: "table").isEmpty)
            #expect(connection.isAutocommit)
        }
    }

    @Test func verifyRefusesAnOlderVersion() throws {
        try withConnection { connection throws in
            #expect(throws: StorageError.self) { try MessageStoreSchema.verify(connection) }
            try MessageStoreSchema.migrate(connection)
            try MessageStoreSchema.verify(connection)
        }
    }
}
