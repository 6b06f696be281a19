import CSQLite
import Dispatch
import Foundation
import Synchronization
import Testing
@testable import MessageStore

@Suite("MessageWriter")
struct MessageWriterTests {
    private func withStore(
        maxBatchSize: Int = 512,
        deliverCompletions: @escaping @Sendable (@escaping @Sendable () -> Void) -> Void = { $0() },
        _ body: (MessageStore, TemporaryDirectory) async throws -> Void
    ) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = SteppingClock()
        let configuration = StoreConfiguration(
            maxBatchSize: maxBatchSize, now: { clock.now() }, deliverCompletions: deliverCompletions)
        let store = try MessageStore(path: directory.path(), configuration: configuration)
        defer { store.close() }
        try await body(store, directory)
    }

    @Test func submitReportsAssignedIDAndTimestamp() async throws {
        try await withStore { store, _ async throws in
            let first = await submitAndWait(store.writer, NewMessage(sender: "alice", receiver: "bob", content: "hi"))
            let second = await submitAndWait(store.writer, NewMessage(sender: "bob", receiver: "alice", content: "yo"))
            #expect(first == .success(StoredMessage(
                id: 1, sender: "alice", receiver: "bob", content: "hi", timestamp: "2026-11-22T12:00:00.000Z")))
            #expect(second == .success(StoredMessage(
                id: 2, sender: "bob", receiver: "alice", content: "yo", timestamp: "2026-11-22T12:00:00.001Z")))
            // What the completion reported is exactly what is stored.
            #expect(try store.reader.history(for: "alice") == [first.value, second.value].compactMap { $0 })
        }
    }

    @Test func commitsAtOrAboveTheThresholdAreReportedWithTheirSize() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let reports = Mutex<[Int]>([])
        let configuration = StoreConfiguration(
            slowCommitThreshold: .zero,  // every commit is "slow"
            reportSlowCommit: { duration, messages in
                if duration > .zero { reports.withLock { $0.append(messages) } }
            })
        let store = try MessageStore(path: directory.path(), configuration: configuration)
        defer { store.close() }
        _ = await submitAllAndWait(store.writer, numberedMessages(7), asOneBatch: true)
        _ = await submitAndWait(store.writer, NewMessage(sender: "a", receiver: "b", content: "c"))
        #expect(reports.withLock { $0 } == [7, 1])
        let statistics = store.writer.statistics
        #expect(statistics.slowCommits == 2)
        #expect(statistics.longestCommit > .zero)
    }

    @Test func withoutAThresholdNothingIsReportedButTheLongestCommitIsKept() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let reports = Mutex(0)
        let store = try MessageStore(
            path: directory.path(), configuration: StoreConfiguration(reportSlowCommit: { _, _ in reports.withLock { $0 += 1 } }))
        defer { store.close() }
        _ = await submitAndWait(store.writer, NewMessage(sender: "a", receiver: "b", content: "c"))
        #expect(reports.withLock { $0 } == 0)
        #expect(store.writer.statistics.slowCommits == 0)
        #expect(store.writer.statistics.longestCommit > .zero)
    }

    @Test func writeConnectionIsFullySynchronous() async throws {
        try await withStore { store, _ async throws in
            // synchronous = FULL (2): every COMMIT fsyncs the WAL before a completion reports success.
            #expect(store.writer.synchronousLevelForTesting() == 2)
        }
    }

    @Test func pendingSubmitsAreCommittedAsOneBatch() async throws {
        try await withStore { store, _ async throws in
            let results = await submitAllAndWait(store.writer, numberedMessages(100), asOneBatch: true)
            let stored = results.compactMap(\.value)
            #expect(stored.count == 100)
            // Ids increase in submission order; timestamps follow the clock in the same order.
            #expect(stored.map(\.id) == Array(1...100))
            #expect(stored.map(\.content) == (0..<100).map { "message \($0)" })
            #expect(stored.map(\.timestamp) == (0..<100).map { SteppingClock.timestamp($0) })
            let statistics = store.writer.statistics
            #expect(statistics.committedBatches == 1)
            #expect(statistics.committedMessages == 100)
            #expect(statistics.largestBatch == 100)
            #expect(statistics.failedBatches == 0)
        }
    }

    @Test func maxBatchSizeSplitsPendingSubmitsIntoBatches() async throws {
        try await withStore(maxBatchSize: 10) { store, _ async throws in
            let results = await submitAllAndWait(store.writer, numberedMessages(35), asOneBatch: true)
            #expect(results.compactMap(\.value).map(\.id) == Array(1...35))
            let statistics = store.writer.statistics
            #expect(statistics.committedBatches == 4)
            #expect(statistics.committedMessages == 35)
            #expect(statistics.largestBatch == 10)
        }
    }

    @Test func concurrentSubmitsAllCommitWithDistinctOrderedIDs() async throws {
        try await withStore { store, _ async throws in
            let threads = 8
            let perThread = 50
            let writer = store.writer
            let results: [Result<StoredMessage, StorageError>] = await withCheckedContinuation { continuation in
                let collector = ResultCollector<Result<StoredMessage, StorageError>>(count: threads * perThread) {
                    continuation.resume(returning: $0)
                }
                DispatchQueue.global().async {
                    DispatchQueue.concurrentPerform(iterations: threads) { thread in
                        for index in 0..<perThread {
                            let message = NewMessage(sender: "user\(thread)", receiver: "hub", content: "\(index)")
                            writer.submit(message) { collector.record($0, at: thread * perThread + index) }
                        }
                    }
                }
            }
            let stored = results.compactMap(\.value)
            #expect(stored.count == threads * perThread)
            #expect(Set(stored.map(\.id)) == Set(1...Int64(threads * perThread)))
            // Each thread's messages got increasing ids, in the order that thread submitted them.
            for thread in 0..<threads {
                let ids = stored[(thread * perThread)..<((thread + 1) * perThread)].map(\.id)
                #expect(ids == ids.sorted())
            }
            let statistics = writer.statistics
            #expect(statistics.committedMessages == threads * perThread)
            #expect(statistics.committedBatches <= threads * perThread)
            // The hub's history is exactly what the completions reported, in id order.
            let inIDOrder = stored.sorted { $0.id < $1.id }
            #expect(try store.reader.history(for: "hub") == inIDOrder)
        }
    }

    @Test func completionsOfABatchRunInIDOrderThroughOneDelivery() async throws {
        let deliveries = Mutex(0)
        try await withStore(deliverCompletions: { completions in
            deliveries.withLock { $0 += 1 }
            completions()
        }) { store, _ in
            let order = Mutex<[Int64]>([])
            let writer = store.writer
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let collector = ResultCollector<Int64>(count: 20) { _ in continuation.resume() }
                writer.suspendForTesting()
                for (index, message) in numberedMessages(20).enumerated() {
                    writer.submit(message) { result in
                        let id = result.value?.id ?? -1
                        order.withLock { $0.append(id) }
                        collector.record(id, at: index)
                    }
                }
                writer.resumeForTesting()
            }
            #expect(order.withLock { $0 } == Array(1...20))
            #expect(deliveries.withLock { $0 } == 1)
        }
    }

    @Test func failedBatchFailsEveryMessageAndLeavesNothingVisible() async throws {
        try await withStore { store, directory async throws in
            // A trigger that aborts any insert of "poison": the batch's transaction must roll back whole.
            let admin = try SQLiteConnection(path: directory.path())
            try admin.execute("""
                CREATE TRIGGER reject_poison BEFORE INSERT ON messages WHEN NEW.content = 'poison'
                BEGIN SELECT RAISE(ABORT, 'poison refused'); END
                """)
            admin.close()
            let batch = [
                NewMessage(sender: "alice", receiver: "bob", content: "before"),
                NewMessage(sender: "alice", receiver: "bob", content: "poison"),
                NewMessage(sender: "alice", receiver: "bob", content: "after"),
            ]
            let results = await submitAllAndWait(store.writer, batch, asOneBatch: true)
            #expect(results.count == 3)
            for result in results {
                guard case .failure(.database(let error)) = result else {
                    Issue.record("expected a database failure, got \(result)")
                    continue
                }
                #expect(error.code == 1811)  // SQLITE_CONSTRAINT_TRIGGER
                #expect(error.message == "poison refused")
            }
            #expect(try store.reader.lastID() == nil)
            #expect(try store.reader.history(for: "alice").isEmpty)
            let statistics = store.writer.statistics
            #expect(statistics.failedBatches == 1)
            #expect(statistics.failedMessages == 3)
            #expect(statistics.committedBatches == 0)

            // The writer keeps working after a failed batch.
            let next = await submitAndWait(store.writer, NewMessage(sender: "alice", receiver: "bob", content: "fine"))
            #expect(next.value?.content == "fine")
            #expect(try store.reader.history(for: "alice").map(\.content) == ["fine"])
        }
    }

    @Test func submitAfterCloseFailsWithClosed() async throws {
        try await withStore { store, _ async throws in
            store.writer.close()
            #expect(store.writer.isClosed)
            let outcome = Mutex<Result<StoredMessage, StorageError>?>(nil)
            store.writer.submit(NewMessage(sender: "a", receiver: "b", content: "late")) { result in
                outcome.withLock { $0 = result }
            }
            // Rejected synchronously, on the caller's thread.
            #expect(outcome.withLock { $0 } == .failure(.closed))
            store.writer.close()  // idempotent
        }
    }

    @Test func closeCommitsEverythingAlreadySubmitted() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try MessageWriter(path: directory.path())
        let successes = Mutex(0)
        for message in numberedMessages(50) {
            writer.submit(message) { result in
                if result.value != nil { successes.withLock { $0 += 1 } }
            }
        }
        writer.close()
        // With inline delivery, every completion has run by the time close() returns.
        #expect(successes.withLock { $0 } == 50)
        let reader = try MessageReader(path: directory.path())
        #expect(try reader.history(for: "bob").count == 50)
        reader.close()
    }

    @Test func closeFromInsideACompletionDoesNotDeadlock() async throws {
        try await withStore { store, _ async throws in
            let writer = store.writer
            let results: [Result<StoredMessage, StorageError>] = await withCheckedContinuation { continuation in
                let collector = ResultCollector<Result<StoredMessage, StorageError>>(count: 2) {
                    continuation.resume(returning: $0)
                }
                writer.suspendForTesting()
                writer.submit(NewMessage(sender: "a", receiver: "b", content: "1")) { result in
                    writer.close()
                    collector.record(result, at: 0)
                }
                writer.submit(NewMessage(sender: "a", receiver: "b", content: "2")) { collector.record($0, at: 1) }
                writer.resumeForTesting()
            }
            #expect(results.compactMap(\.value).map(\.id) == [1, 2])
            #expect(writer.isClosed)
            let late = await submitAndWait(writer, NewMessage(sender: "a", receiver: "b", content: "3"))
            #expect(late == .failure(.closed))
        }
    }
}
