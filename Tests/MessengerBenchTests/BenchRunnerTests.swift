import Foundation
import MessageStore
import PostgreSQLTestServer
import ReferenceServer
import Synchronization
import Testing
@testable import ConformanceKit
@testable import MessengerBench

/// Tiny bounded runs of every workload against the in-process reference server: they check the
/// correctness figures (nothing lost, duplicated or misdelivered; every stored message listed), never
/// the speed.
@Suite(.serialized) struct BenchRunnerTests {
    static func smallOptions(_ workloads: [BenchOptions.Workload]) -> BenchOptions {
        var options = BenchOptions()
        options.workloads = workloads
        options.users = 3
        options.sessionsPerUser = 2
        options.connections = 2
        options.pipelineDepth = 2
        options.duration = .milliseconds(300)
        options.rate = 200
        options.latencyDuration = .milliseconds(300)
        options.latencyUsers = 3
        options.capacitySessions = 20
        options.connectConcurrency = 8
        options.historyMessages = 30
        options.historyJoins = 2
        options.drainTimeout = .seconds(3)
        options.seed = 7
        return options
    }

    /// A reference server in this process on port 0, its database in a fresh temporary directory.
    static func startServer() throws -> (server: ReferenceServer, directory: String) {
        let directory = NSTemporaryDirectory() + "bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let server = try ReferenceServer.start(configuration: ServerConfiguration(
            port: 0, databasePath: directory + "/messages.db", pingInterval: 300, pingTimeout: 10_000, logLevel: .error))
        return (server, directory)
    }

    func run(_ workloads: [BenchOptions.Workload]) async throws -> BenchReport {
        let (server, directory) = try Self.startServer()
        defer {
            server.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
        let runner = BenchRunner(options: Self.smallOptions(workloads), baseURL: server.baseURL, serverProcessID: getpid()) { _ in }
        return await runner.run()
    }

    @Test func fanoutDeliversEveryAcceptedMessageOnceToEachSession() async throws {
        let report = try await run([.fanout])
        let result = try #require(report.results.first)
        #expect(result.status == .ok, "\(result.notes)")
        let tally = try #require(result.tally)
        #expect(tally.accepted > 0)
        #expect(tally.isCorrect)
        #expect(tally.expectedDeliveries == tally.accepted * 2)
        #expect(tally.delivered == tally.expectedDeliveries)
        #expect(tally.unanswered == 0)
        #expect(result.figure("errors") == 0)
        #expect(report.exitStatus == .success)
    }

    /// Against a server that requires tokens (Spec AUTH): without them every session is refused and the
    /// run is inconclusive; with the secret, every workload that POSTs or joins runs clean (the sender's
    /// bearer token on each POST, each user's token in CONNECT).
    @Test func anAuthenticatedServerIsBenchedWithMintedTokens() async throws {
        let secret = Array("bench-test-secret-0123456789".utf8)
        let directory = NSTemporaryDirectory() + "bench-auth-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = ServerConfiguration(
            port: 0, databasePath: directory + "/messages.db", pingInterval: 300, pingTimeout: 10_000, logLevel: .error)
        configuration.authentication = AuthenticationConfiguration(secret: secret)
        let server = try ReferenceServer.start(configuration: configuration)
        defer {
            server.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
        let options = Self.smallOptions([.fanout, .socket, .latency])
        let refused = await BenchRunner(options: Self.smallOptions([.fanout]), baseURL: server.baseURL, serverProcessID: nil) { _ in }.run()
        #expect(refused.results.first?.status == .inconclusive)
        #expect(refused.results.first?.notes.contains { $0.contains("authentication") } == true, "\(refused.results.first?.notes ?? [])")
        let report = await BenchRunner(
            options: options, baseURLs: [server.baseURL], serverProcessID: nil, authentication: KitAuthentication(secret: secret)
        ) { _ in }.run()
        for result in report.results {
            #expect(result.status == .ok, "\(result.workload): \(result.notes)")
            let tally = try #require(result.tally)
            #expect(tally.accepted > 0 && tally.isCorrect && tally.rejected == 0, "\(result.workload)")
        }
    }

    @Test func latencyRecordsOneSamplePerDelivery() async throws {
        let report = try await run([.latency])
        let result = try #require(report.results.first)
        #expect(result.status == .ok, "\(result.notes)")
        let tally = try #require(result.tally)
        #expect(tally.sent == 60)  // 200/s for 0.3 s
        #expect(tally.isCorrect)
        #expect(result.deliveryLatency?.count == UInt64(tally.delivered))
    }

    @Test func capacityJoinsEverySession() async throws {
        let report = try await run([.capacity])
        let result = try #require(report.results.first)
        #expect(result.status == .ok, "\(result.notes)")
        #expect(result.figure("joined sessions") == 20)
        #expect(result.figure("server RSS with sessions") != nil)
        #expect(result.joinLatency?.count == 20)
    }

    @Test func historyListsEveryStoredMessageOnce() async throws {
        let report = try await run([.history])
        let result = try #require(report.results.first)
        #expect(result.status == .ok, "\(result.notes)")
        #expect(result.figure("messages stored") == 30)
        #expect(result.joinLatency?.count == 2)
    }

    /// `conform bench --node A --node B` over two reference-server nodes on one throwaway PostgreSQL:
    /// each user has a session on each node and the POST connections alternate, so part of every
    /// message's fan-out crosses the database to the other node; the ledger still counts nothing
    /// lost, duplicated or misdelivered.
    @Test func fanoutOverTwoPostgreSQLNodesCrossesNodes() async throws {
        try await withThrowawayPostgreSQL { server in
            let url = try server.makeDatabase()
            let nodes = try (0..<2).map { _ in
                try ReferenceServer.start(configuration: ServerConfiguration(port: 0, postgresURL: url, logLevel: .error))
            }
            defer { nodes.forEach { $0.stop() } }
            var options = Self.smallOptions([.fanout])
            options.users = 4
            options.nodes = nodes.map(\.baseURL)
            let lines = Mutex<[String]>([])
            let runner = BenchRunner(options: options, baseURLs: options.nodes, serverProcessID: nil) { line in
                lines.withLock { $0.append(line) }
            }
            let report = await runner.run()
            let result = try #require(report.results.first)
            #expect(result.status == .ok, "\(result.notes)")
            let tally = try #require(result.tally)
            #expect(tally.accepted > 0)
            #expect(tally.lost == 0 && tally.duplicated == 0 && tally.misdelivered == 0)
            #expect(tally.isCorrect)
            #expect(tally.delivered == tally.accepted * 2)
            // One of each message's two deliveries is on the node it did not enter at.
            #expect(result.figure("cross-node deliveries") == Double(tally.accepted))
            #expect(result.parameters["nodes"]?.contains("node 2") == true)
            #expect(report.target == options.nodes.joined(separator: " "))
            #expect(lines.withLock { $0 }.contains { $0.hasPrefix("2 nodes, sessions and POST connections spread over them (seed 7)") })
        }
    }

    @Test func socketSendingIsCheckedLikeFanout() async throws {
        let report = try await run([.socket])
        let result = try #require(report.results.first)
        #expect(result.status == .ok, "\(result.notes)")
        let tally = try #require(result.tally)
        #expect(tally.accepted > 0)
        #expect(tally.isCorrect)
        #expect(tally.delivered == tally.accepted * 2)
    }

    @Test func anUnreachableServerIsInconclusive() async throws {
        var options = Self.smallOptions([.fanout])
        options.connectTimeout = .milliseconds(500)
        // A port a server listened on a moment ago: nothing listens there any more.
        let (server, directory) = try Self.startServer()
        server.stop()
        try? FileManager.default.removeItem(atPath: directory)
        let runner = BenchRunner(options: options, baseURL: server.baseURL, serverProcessID: nil) { _ in }
        let report = await runner.run()
        #expect(report.results.first?.status == .inconclusive)
        #expect(report.exitStatus == .inconclusive)
    }

    // MARK: The all_messages check, on synthetic events

    static let content = BenchContent(token: "t", contentBytes: 16)

    static func allMessages(_ sequences: [Int]) -> String {
        let messages = sequences.map { "{\"sender\":\"st\",\"content\":\"\(content.content($0))\",\"timestamp\":\"x\"}" }
        return "42[\"all_messages\",{\"st\":[\(messages.joined(separator: ","))]}]"
    }

    @Test func historyCheckAcceptsEveryMessageOnceInAnyOrder() {
        #expect(BenchRunner.checkHistory(Self.allMessages([2, 0, 1]), content: Self.content, expected: 3) == nil)
    }

    @Test func historyCheckReportsLostDuplicatedAndForeignMessages() {
        let lost = BenchRunner.checkHistory(Self.allMessages([0, 1]), content: Self.content, expected: 3)
        #expect(lost?.contains("lost 1") == true)
        let duplicated = BenchRunner.checkHistory(Self.allMessages([0, 1, 1, 2]), content: Self.content, expected: 3)
        #expect(duplicated?.contains("duplicated 1") == true)
        let foreign = BenchRunner.checkHistory(Self.allMessages([0, 1, 2, 9]), content: Self.content, expected: 3)
        #expect(foreign?.contains("1 unknown") == true)
        #expect(BenchRunner.checkHistory("42[\"new_message\",{}]", content: Self.content, expected: 0) != nil)
        #expect(BenchRunner.checkHistory("not json", content: Self.content, expected: 0) != nil)
    }

    @Test func anIdleServerCoreUnderAClosedLoopIsPointedOut() throws {
        let note = try #require(BenchRunner.inFlightNote(workload: .fanout, serverShare: 0.74, inFlight: 128))
        #expect(note.contains("74 % of a core") && note.contains("128 requests in flight") && note.contains("--pipeline"))
        #expect(BenchRunner.inFlightNote(workload: .socket, serverShare: 0.5, inFlight: 800) != nil)
        // A busy server, an open-loop or non-sending workload, or no CPU figure: nothing to say.
        #expect(BenchRunner.inFlightNote(workload: .fanout, serverShare: 0.93, inFlight: 128) == nil)
        #expect(BenchRunner.inFlightNote(workload: .latency, serverShare: 0.2, inFlight: 128) == nil)
        #expect(BenchRunner.inFlightNote(workload: .capacity, serverShare: 0.2, inFlight: 128) == nil)
        #expect(BenchRunner.inFlightNote(workload: .fanout, serverShare: nil, inFlight: 128) == nil)
        let runner = BenchRunner(options: Self.smallOptions([.fanout, .socket]), baseURL: "http://127.0.0.1:1", serverProcessID: nil) { _ in }
        #expect(runner.requestsInFlight(.fanout) == 2 * 2)
        #expect(runner.requestsInFlight(.socket) == 3 * 2)
    }
}
