import Foundation
import PostgreSQLTestServer
import Synchronization
import Testing
@testable import MessageStore

/// What one node was handed, in order: each message and whether it was its own (a submit completion).
private final class NodeRecorder: Sendable {
    struct Delivery: Sendable, Equatable {
        var message: StoredMessage
        var isOwn: Bool
    }

    private let deliveries = Mutex<[Delivery]>([])

    var all: [Delivery] { deliveries.withLock { $0 } }
    var ids: [Int64] { all.map(\.message.id) }

    func configuration(minReconnectDelay: Duration = .milliseconds(50)) -> StoreConfiguration {
        StoreConfiguration(
            otherNodeCommitted: { [self] message in deliveries.withLock { $0.append(Delivery(message: message, isOwn: false)) } },
            minReconnectDelay: minReconnectDelay, maxReconnectDelay: .milliseconds(400))
    }

    /// Submits and waits for the completion; a success is recorded as an own delivery.
    func submit(_ message: NewMessage, to store: PostgreSQLMessageStore) async -> Result<StoredMessage, StorageError> {
        await withCheckedContinuation { continuation in
            store.submit(message) { [self] result in
                if case .success(let stored) = result { deliveries.withLock { $0.append(Delivery(message: stored, isOwn: true)) } }
                continuation.resume(returning: result)
            }
        }
    }

    /// Submits `message` every 100 ms until it is accepted or 10 s passed (the store reconnecting).
    func submitOnceAccepted(_ message: NewMessage, to store: PostgreSQLMessageStore) async -> Result<StoredMessage, StorageError> {
        var result: Result<StoredMessage, StorageError> = .failure(.closed)
        let deadline = Date().addingTimeInterval(10)
        repeat {
            try? await Task.sleep(for: .milliseconds(100))
            result = await submit(message, to: store)
        } while result.failure != nil && Date() < deadline
        return result
    }

    /// Waits up to `seconds` for `count` deliveries.
    func waitFor(_ count: Int, seconds: Double = 10) async {
        let deadline = Date().addingTimeInterval(seconds)
        while all.count < count, Date() < deadline { try? await Task.sleep(for: .milliseconds(10)) }
    }
}

@Suite(.serialized)
struct PostgreSQLMessageStoreTests {
    @Test func storesMessagesAndServesHistoryByUserInIdOrder() async throws {
        try await withThrowawayPostgreSQL { server in
            let url = try server.makeDatabase()
            let recorder = NodeRecorder()
            let store = try PostgreSQLMessageStore(url: url, configuration: recorder.configuration())
            defer { store.close() }
            let first = try await recorder.submit(NewMessage(sender: "alice", receiver: "bob", content: "hi"), to: store).get()
            let second = try await recorder.submit(NewMessage(sender: "bob", receiver: "alice", content: "nul \u{0} é 😀"), to: store).get()
            _ = try await recorder.submit(NewMessage(sender: "carol", receiver: "dave", content: "other"), to: store).get()
            #expect(first.id < second.id)
            #expect(second.content == "nul \u{0} é 😀")
            #expect(first.timestamp.hasSuffix("Z") && first.timestamp.count == 24)
            let history = try store.history(for: "alice")
            #expect(history == [first, second])
            let nobody = try store.history(for: "nobody")
            #expect(nobody.isEmpty)
            #expect(recorder.all.allSatisfy { $0.isOwn })
        }
    }

    @Test func twoNodesAreEachHandedEveryCommitOnceInIdOrder() async throws {
        try await withThrowawayPostgreSQL { server in
            let url = try server.makeDatabase()
            let recorders = [NodeRecorder(), NodeRecorder()]
            let stores = try recorders.map { try PostgreSQLMessageStore(url: url, configuration: $0.configuration()) }
            defer { stores.forEach { $0.close() } }
            let perNode = 200
            await withTaskGroup(of: Void.self) { group in
                for (index, store) in stores.enumerated() {
                    for number in 0..<perNode {
                        group.addTask {
                            _ = await recorders[index].submit(
                                NewMessage(sender: "node\(index)", receiver: "bob", content: "\(number)"), to: store)
                        }
                    }
                }
            }
            for recorder in recorders { await recorder.waitFor(2 * perNode) }
            let history = try stores[0].history(for: "bob").map(\.id)
            #expect(history.count == 2 * perNode)
            for (index, recorder) in recorders.enumerated() {
                #expect(recorder.ids == history, "node \(index) was handed the commits in id order, each once")
                #expect(recorder.all.filter(\.isOwn).allSatisfy { $0.message.sender == "node\(index)" })
                #expect(recorder.all.filter(\.isOwn).count == perNode)
            }
        }
    }

    /// The listener's connection is cut while the other node commits: the notifications are lost, the
    /// catch-up after reconnecting hands them over (and the mutant fault that skips it does not).
    @Test(arguments: [false, true])
    func listenerCatchesUpAfterLosingItsConnection(skipsCatchUp: Bool) async throws {
        try await withThrowawayPostgreSQL { server in
            let url = try server.makeDatabase()
            let listening = NodeRecorder()
            let posting = NodeRecorder()
            let listeningStore = try PostgreSQLMessageStore(
                url: url + "&application_name=cut_listener",
                configuration: listening.configuration(minReconnectDelay: .milliseconds(600)),
                faults: PostgreSQLStoreFaults(skipsCatchUpAfterReconnect: skipsCatchUp))
            let postingStore = try PostgreSQLMessageStore(url: url, configuration: posting.configuration())
            defer { listeningStore.close(); postingStore.close() }
            _ = try await posting.submit(NewMessage(sender: "a", receiver: "b", content: "before"), to: postingStore).get()
            await listening.waitFor(1)
            try server.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'cut_listener'")
            for number in 0..<5 {
                _ = try await posting.submit(NewMessage(sender: "a", receiver: "b", content: "missed \(number)"), to: postingStore).get()
            }
            let deadline = Date().addingTimeInterval(10)
            while listeningStore.listenerReconnections == 0, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(listeningStore.listenerReconnections >= 1)
            await listening.waitFor(6, seconds: skipsCatchUp ? 1 : 10)
            if skipsCatchUp {
                // The fault resumes from the newest commit; whether "before" arrived depends on when the
                // listener first connected, but none of the commits made while it was away may arrive.
                #expect(Set(listening.ids).isDisjoint(with: posting.ids.dropFirst()), "without the catch-up the missed commits never arrive")
            } else {
                #expect(listening.ids == posting.ids)
            }
        }
    }

    /// The database stops: submits fail as unavailable (nothing acknowledged); once it is back, the
    /// writer reconnects and the listener catches up, each commit handed over once.
    @Test func databaseRestartFailsSubmitsThenResumes() async throws {
        try await withThrowawayPostgreSQL(isPrivate: true) { server in
            let url = try server.makeDatabase()
            let node = NodeRecorder()
            let other = NodeRecorder()
            let store = try PostgreSQLMessageStore(url: url, configuration: node.configuration())
            let otherStore = try PostgreSQLMessageStore(url: url, configuration: other.configuration())
            defer { store.close(); otherStore.close() }
            _ = try await node.submit(NewMessage(sender: "a", receiver: "b", content: "1"), to: store).get()
            try server.stop(mode: "fast")
            let failed = await node.submit(NewMessage(sender: "a", receiver: "b", content: "lost"), to: store)
            #expect(failed.failure?.isUnavailable == true)
            try server.start()
            let resumed = await node.submitOnceAccepted(NewMessage(sender: "a", receiver: "b", content: "2"), to: store)
            #expect(resumed.failure == nil)
            _ = try await other.submit(NewMessage(sender: "a", receiver: "b", content: "3"), to: otherStore).get()
            await node.waitFor(3)
            await other.waitFor(3)
            let history = try store.history(for: "b")
            #expect(history.map(\.content) == ["1", "2", "3"])
            #expect(node.ids == history.map(\.id))
            #expect(other.ids == history.map(\.id))
        }
    }

    /// A database that accepted the writer's connection and then went silent (its backend and the
    /// postmaster stopped with SIGSTOP: no server-side timeout can fire) fails the batch within the
    /// answer timeout plus the connect timeout, as unavailable; once it runs again the writer reconnects
    /// and commits, and the silent batch was never stored.
    @Test func silentDatabaseFailsTheBatchInBoundedTimeThenResumes() async throws {
        try await withThrowawayPostgreSQL(isPrivate: true) { server in
            let url = try server.makeDatabase()
            let node = NodeRecorder()
            var configuration = node.configuration()
            configuration.answerTimeout = .milliseconds(500)
            configuration.connectTimeout = .seconds(2)
            let store = try PostgreSQLMessageStore(url: url, configuration: configuration)
            defer { store.close() }
            _ = try await node.submit(NewMessage(sender: "a", receiver: "b", content: "1"), to: store).get()
            let pids = try [server.postmasterProcessID()] + server.psql(
                "SELECT pid FROM pg_stat_activity WHERE application_name = '\(PostgreSQLMessageStore.writerRole)'"
            ).split(separator: "\n").compactMap { Int32($0) }
            try #require(pids.count == 2, "the postmaster and the writer's backend: \(pids)")
            for pid in pids { kill(pid, SIGSTOP) }
            let started = ContinuousClock.now
            let silent = await node.submit(NewMessage(sender: "a", receiver: "b", content: "silent"), to: store)
            let waited = ContinuousClock.now - started
            for pid in pids { kill(pid, SIGCONT) }
            #expect(silent.failure?.isUnavailable == true, "\(silent)")
            #expect(silent.failure?.isStorageFault == true)
            #expect(waited < .seconds(5), "bounded by the answer and connect timeouts: \(waited)")
            let resumed = await node.submitOnceAccepted(NewMessage(sender: "a", receiver: "b", content: "2"), to: store)
            #expect(resumed.failure == nil)
            await node.waitFor(2)
            #expect(try store.history(for: "b").map(\.content) == ["1", "2"])
        }
    }

    /// Why the listener takes notifications from libpq before every wait (`PostgreSQLListener.listen`): a
    /// NOTIFY committed while the listening connection runs a query (a catch-up) reaches libpq with the
    /// query's answer and waits in libpq's queue, with nothing left on the socket for poll() to report.
    @Test func aNotificationThatArrivesDuringAQueryWaitsInLibpqNotOnTheSocket() async throws {
        try await withThrowawayPostgreSQL { server in
            let url = try server.makeDatabase()
            let notifier = try PostgreSQLConnection(url: url)
            defer { notifier.close() }
            let isListening = DispatchSemaphore(value: 0)
            let finished = DispatchSemaphore(value: 0)
            // The listening connection lives on a thread of its own (a connection is not Sendable).
            let outcome = Mutex<(polled: Int32, taken: [String], error: String?)>((-1, [], nil))
            Thread.detachNewThread {
                do throws(PostgreSQLError) {
                    let listening = try PostgreSQLConnection(url: url)
                    defer { listening.close() }
                    try listening.execute("LISTEN probe")
                    isListening.signal()
                    try listening.execute("SELECT pg_sleep(0.5)")
                    var descriptor = pollfd(fd: listening.socket, events: Int16(POLLIN), revents: 0)
                    let polled = poll(&descriptor, 1, 300)
                    let taken = try listening.takeNotifications()
                    outcome.withLock { $0 = (polled, taken, nil) }
                } catch {
                    isListening.signal()
                    outcome.withLock { $0.error = "\(error)" }
                }
                finished.signal()
            }
            isListening.wait()
            try await Task.sleep(for: .milliseconds(150))
            try notifier.execute("NOTIFY probe, 'during the query'")
            finished.wait()
            let result = outcome.withLock { $0 }
            #expect(result.error == nil)
            #expect(result.polled == 0, "the socket reports nothing: libpq already read the notification with the answer")
            #expect(result.taken == ["during the query"])
        }
    }

    /// Another session holds the commit lock: the batch fails once `lock_timeout` passes, as a storage
    /// fault (503), not after a wait without limit; after the release the next batch commits.
    @Test func commitLockHeldElsewhereFailsTheBatchAfterLockTimeout() async throws {
        try await withThrowawayPostgreSQL { server in
            let url = try server.makeDatabase()
            let node = NodeRecorder()
            var configuration = node.configuration()
            configuration.lockTimeout = .milliseconds(300)
            let store = try PostgreSQLMessageStore(url: url, configuration: configuration)
            defer { store.close() }
            let holder = try PostgreSQLConnection(url: url)
            defer { holder.close() }
            try holder.execute("SELECT pg_advisory_lock(\(PostgreSQLSchema.commitLockKey))")
            let started = ContinuousClock.now
            let refused = await node.submit(NewMessage(sender: "a", receiver: "b", content: "refused"), to: store)
            let waited = ContinuousClock.now - started
            guard case .failure(.postgreSQL(let error)) = refused else {
                Issue.record("expected a PostgreSQL failure, got \(refused)")
                return
            }
            #expect(error.isTimeout && error.sqlState == "55P03", "\(error)")
            #expect(refused.failure?.isStorageFault == true)
            #expect(refused.failure?.summary == "the database is busy")
            #expect(waited >= .milliseconds(250) && waited < .seconds(3), "\(waited)")
            try holder.execute("SELECT pg_advisory_unlock(\(PostgreSQLSchema.commitLockKey))")
            _ = try await node.submit(NewMessage(sender: "a", receiver: "b", content: "after"), to: store).get()
            #expect(try store.history(for: "b").map(\.content) == ["after"])
        }
    }

    /// A server that accepts the TCP connection and never answers the startup packet: opening a
    /// connection fails after `connect_timeout`, not never.
    @Test func connectingToASilentServerTimesOut() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && listen(listener, 4) == 0 && getsockname(listener, $0, &length) == 0 }
        }
        try #require(bound)
        let port = UInt16(bigEndian: address.sin_port)
        var configuration = StoreConfiguration()
        configuration.connectTimeout = .seconds(2)
        let started = ContinuousClock.now
        #expect(throws: PostgreSQLError.self) {
            _ = try PostgreSQLReconnectingConnection.open(
                url: "postgresql://postgres@127.0.0.1:\(port)/postgres?sslmode=disable", configuration: configuration, role: "test")
        }
        let waited = ContinuousClock.now - started
        #expect(waited >= .milliseconds(1_500) && waited < .seconds(5), "\(waited)")
    }

    @Test func refusesASchemaNewerThanItKnows() async throws {
        try await withThrowawayPostgreSQL { server in
            let url = try server.makeDatabase()
            PostgreSQLMessageStore.closeAfterOpening(url: url)
            let database = String(url.split(separator: "?")[0].split(separator: "/").last!)
            try server.psql("INSERT INTO messenger_schema VALUES (99)", database: database)
            #expect(throws: StorageError.unsupportedSchemaVersion(found: 99, supported: 1)) {
                _ = try PostgreSQLMessageStore(url: url)
            }
        }
    }
}

extension PostgreSQLMessageStore {
    /// Opens a store (creating the schema) and closes it.
    static func closeAfterOpening(url: String) {
        (try? PostgreSQLMessageStore(url: url))?.close()
    }
}
