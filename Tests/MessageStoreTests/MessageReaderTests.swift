import CSQLite
import Foundation
import Testing
@testable import MessageStore

@Suite("MessageReader")
struct MessageReaderTests {
    private func withStore(_ body: (MessageStore, TemporaryDirectory) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = SteppingClock()
        let store = try MessageStore(path: directory.path(), configuration: StoreConfiguration(now: { clock.now() }))
        defer { store.close() }
        try await body(store, directory)
    }

    private static let conversation = [
        NewMessage(sender: "alice", receiver: "bob", content: "1"),
        NewMessage(sender: "bob", receiver: "alice", content: "2"),
        NewMessage(sender: "carol", receiver: "dave", content: "3"),
        NewMessage(sender: "alice", receiver: "alice", content: "4 note to self"),
        NewMessage(sender: "dave", receiver: "alice", content: "5"),
        NewMessage(sender: "bob", receiver: "carol", content: "6"),
    ]

    @Test func historyHasSentAndReceivedInIDOrderAndSelfMessagesOnce() async throws {
        try await withStore { store, _ async throws in
            let stored = await submitAllAndWait(store.writer, Self.conversation).compactMap(\.value)
            #expect(stored.count == 6)
            #expect(try store.reader.history(for: "alice").map(\.id) == [1, 2, 4, 5])
            #expect(try store.reader.history(for: "bob").map(\.id) == [1, 2, 6])
            #expect(try store.reader.history(for: "carol").map(\.id) == [3, 6])
            #expect(try store.reader.history(for: "nobody").isEmpty)
            #expect(try store.reader.history(for: "alice") == [stored[0], stored[1], stored[3], stored[4]])
        }
    }

    @Test func historyMatchesUserNamesExactly() async throws {
        try await withStore { store, _ async throws in
            _ = await submitAllAndWait(store.writer, [
                NewMessage(sender: "Alice", receiver: "bob", content: "case"),
                NewMessage(sender: "alice ", receiver: "bob", content: "space"),
                NewMessage(sender: "al%", receiver: "bob", content: "pattern"),
            ])
            #expect(try store.reader.history(for: "alice").isEmpty)
            #expect(try store.reader.history(for: "al%").map(\.content) == ["pattern"])
        }
    }

    @Test func asynchronousHistoryMatchesSynchronousHistory() async throws {
        try await withStore { store, _ async throws in
            _ = await submitAllAndWait(store.writer, Self.conversation)
            let reader = store.reader
            let asynchronous = await withCheckedContinuation { continuation in
                reader.history(for: "alice") { continuation.resume(returning: $0) }
            }
            #expect(try asynchronous.get() == reader.history(for: "alice"))
        }
    }

    @Test func synchronousCallsFromAnAsynchronousCompletionDoNotDeadlock() async throws {
        try await withStore { store, _ async throws in
            _ = await submitAllAndWait(store.writer, Self.conversation)
            let reader = store.reader
            let nested = await withCheckedContinuation { continuation in
                reader.history(for: "alice") { _ in
                    // Runs on the reader queue; the synchronous forms must not wait for that queue.
                    continuation.resume(returning: (try? reader.history(for: "bob").count, try? reader.lastID()))
                }
            }
            #expect(nested.0 == 3)
            #expect(nested.1 == 6)
        }
    }

    @Test func messageIsInHistoryOnceItsCompletionReportedSuccess() async throws {
        try await withStore { store, _ async throws in
            for index in 0..<20 {
                let result = await submitAndWait(store.writer, NewMessage(sender: "a", receiver: "b", content: "\(index)"))
                let stored = try #require(result.value)
                #expect(try store.reader.history(for: "b").last == stored)
            }
        }
    }

    @Test func lastIDIsNilWhenEmptyThenTheLargestID() async throws {
        try await withStore { store, _ async throws in
            #expect(try store.reader.lastID() == nil)
            _ = await submitAllAndWait(store.writer, numberedMessages(7))
            #expect(try store.reader.lastID() == 7)
        }
    }

    @Test func tenThousandMessageHistoryComesBackComplete() async throws {
        try await withStore { store, _ async throws in
            // Two users trading 10,000 messages, plus noise between others.
            var messages: [NewMessage] = []
            for index in 0..<10_000 {
                messages.append(index.isMultiple(of: 2)
                    ? NewMessage(sender: "alice", receiver: "bob", content: "\(index)")
                    : NewMessage(sender: "bob", receiver: "alice", content: "\(index)"))
                if index.isMultiple(of: 10) {
                    messages.append(NewMessage(sender: "carol", receiver: "dave", content: "noise"))
                }
            }
            let stored = await submitAllAndWait(store.writer, messages, asOneBatch: true).compactMap(\.value)
            #expect(stored.count == messages.count)
            let start = ContinuousClock.now
            let history = try store.reader.history(for: "alice")
            // Informational only (no timed assertion): the query streams two index scans, no sort.
            print("history of 10,000 messages read in \(ContinuousClock.now - start)")
            #expect(history.count == 10_000)
            #expect(history.map(\.content) == (0..<10_000).map { "\($0)" })
            #expect(zip(history, history.dropFirst()).allSatisfy { $0.id < $1.id })
        }
    }

    @Test func historyQueryMergesTwoIndexScansWithoutSorting() async throws {
        try await withStore { store, directory async throws in
            _ = await submitAllAndWait(store.writer, Self.conversation)
            let connection = try SQLiteConnection(path: directory.path())
            defer { connection.close() }
            let plan = try connection.statement("EXPLAIN QUERY PLAN " + MessageReader.historySQL)
                .rows([.text("alice")]) { row throws(SQLiteError) in try row.text(at: 3) }
                .joined(separator: "\n")
            #expect(plan.contains("MERGE (UNION ALL)"), "\(plan)")
            #expect(plan.contains("USING INDEX messages_by_receiver"), "\(plan)")
            #expect(plan.contains("USING INDEX messages_by_sender"), "\(plan)")
            #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
            #expect(!plan.contains("SCAN messages"), "\(plan)")
        }
    }

    @Test func closedReaderFailsWithClosed() async throws {
        try await withStore { store, _ async throws in
            store.reader.close()
            #expect(throws: StorageError.closed) { try store.reader.history(for: "alice") }
            #expect(throws: StorageError.closed) { try store.reader.lastID() }
            store.reader.close()  // idempotent
        }
    }

    @Test func readerRefusesADatabaseTheWriterHasNotMigrated() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let connection = try SQLiteConnection(path: directory.path())
        try connection.enableWriteAheadLog()
        connection.close()
        #expect(throws: StorageError.self) { try MessageReader(path: directory.path()) }
    }

    @Test func readerRefusesADatabaseNotInWALMode() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let connection = try SQLiteConnection(path: directory.path())
        try connection.execute("CREATE TABLE t (x)")
        connection.close()
        #expect(throws: StorageError.journalModeNotWAL(actual: "delete")) {
            try MessageReader(path: directory.path())
        }
    }
}
