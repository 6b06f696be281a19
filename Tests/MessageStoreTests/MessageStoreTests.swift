import Testing
@testable import MessageStore

@Suite("MessageStore")
struct MessageStoreTests {
    @Test func openCreatesAWALDatabaseAtTheCurrentSchemaVersion() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try MessageStore(path: directory.path())
        defer { store.close() }
        let connection = try SQLiteConnection(path: directory.path())
        defer { connection.close() }
        #expect(try connection.journalMode() == "wal")
        #expect(try connection.userVersion() == MessageStoreSchema.currentVersion)
    }

    @Test func messagesPersistAcrossCloseAndReopen() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = SteppingClock()
        let configuration = StoreConfiguration(now: { clock.now() })

        let first = try MessageStore(path: directory.path(), configuration: configuration)
        let stored = await submitAllAndWait(first.writer, numberedMessages(3)).compactMap(\.value)
        first.close()
        #expect(stored.count == 3)

        let second = try MessageStore(path: directory.path(), configuration: configuration)
        defer { second.close() }
        #expect(try second.reader.history(for: "alice") == stored)
        // Ids continue after the last stored one.
        let next = await submitAndWait(second.writer, NewMessage(sender: "bob", receiver: "alice", content: "back"))
        #expect(next.value?.id == 4)
        #expect(try second.reader.history(for: "alice").map(\.id) == [1, 2, 3, 4])
    }

    @Test func inMemoryPathIsRefused() {
        #expect(throws: StorageError.journalModeNotWAL(actual: "memory")) {
            try MessageStore(path: ":memory:")
        }
    }

    @Test func databaseFromANewerBuildIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let connection = try SQLiteConnection(path: directory.path())
        try connection.setUserVersion(MessageStoreSchema.currentVersion + 1)
        connection.close()
        #expect(throws: StorageError.unsupportedSchemaVersion(found: 2, supported: 1)) {
            try MessageStore(path: directory.path())
        }
    }

    @Test func closeClosesWriterAndReader() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try MessageStore(path: directory.path())
        store.close()
        #expect(store.writer.isClosed)
        #expect(await submitAndWait(store.writer, NewMessage(sender: "a", receiver: "b", content: "c")) == .failure(.closed))
        #expect(throws: StorageError.closed) { try store.reader.history(for: "a") }
    }
}
