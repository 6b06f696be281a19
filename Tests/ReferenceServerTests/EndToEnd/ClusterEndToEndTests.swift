import Foundation
import MessageStore
import PostgreSQLTestServer
import ReferenceServer
import Synchronization
import Testing
import WireCodecs

/// Starts `count` nodes (port 0) on one fresh PostgreSQL database, runs `body`, stops them.
private func withNodes(
    _ count: Int, on server: ThrowawayPostgreSQL, url: String? = nil, _ body: ([ReferenceServer]) throws -> Void
) throws {
    let url = try url ?? server.makeDatabase()
    var nodes: [ReferenceServer] = []
    defer { nodes.forEach { $0.stop() } }
    for _ in 0..<count {
        nodes.append(try ReferenceServer.start(configuration: ServerConfiguration(port: 0, postgresURL: url, logLevel: .error)))
    }
    try body(nodes)
}

/// The contents of the next `count` `new_message` events a client receives.
private func newMessageContents(_ client: TestSocketIOClient, count: Int) throws -> [String] {
    var contents: [String] = []
    while contents.count < count, let event = try client.nextEvent() {
        if event.name == "new_message", let content = event.argument?["content"]?.stringValue { contents.append(content) }
    }
    return contents
}

/// Several `reference-server` nodes on one PostgreSQL database (docs/cluster.md): a POST on any node
/// reaches the receiver's sessions on every node, in one order that is the history's order.
@Suite(.serialized) struct ClusterEndToEndTests {
    @Test func postsSpreadOverThreeNodesReachEverySessionInHistoryOrder() async throws {
        try await withThrowawayPostgreSQL { server in
            try withNodes(3, on: server) { nodes in
                let sessions = try nodes.map { try TestSocketIOClient(port: $0.port) }
                for session in sessions { _ = try session.join("rita") }
                let posts = 30
                // Three posting threads, one per node, at once: commits of different nodes interleave.
                DispatchQueue.concurrentPerform(iterations: nodes.count) { node in
                    for number in stride(from: node, to: posts, by: nodes.count) {
                        _ = try? postMessage(port: nodes[node].port, sender: "sam", receiver: "rita", content: "m\(number)")
                    }
                }
                let received = try sessions.map { try newMessageContents($0, count: posts) }
                let history = try #require(try TestSocketIOClient(port: nodes[2].port).join("rita"))
                let historyOrder = history["sam"]?.arrayValue?.compactMap { $0["content"]?.stringValue } ?? []
                #expect(historyOrder.count == posts)
                #expect(Set(historyOrder).count == posts)
                for (node, contents) in received.enumerated() {
                    #expect(contents == historyOrder, "the session on node \(node) saw the history's order")
                }
            }
        }
    }

    /// The database stops: a POST gets 503 with a JSON error, sessions stay open; once it is back, POSTs
    /// on either node are stored and delivered, each once.
    @Test func databaseRestartAnswers503ThenDeliveryResumes() async throws {
        try await withThrowawayPostgreSQL(isPrivate: true) { server in
            try withNodes(2, on: server) { nodes in
                let session = try TestSocketIOClient(port: nodes[0].port)
                _ = try session.join("rita")
                #expect(try postMessage(port: nodes[1].port, sender: "sam", receiver: "rita", content: "before").head.status == 201)
                #expect(try newMessageContents(session, count: 1) == ["before"])
                try server.stop(mode: "fast")
                let refused = try postMessage(port: nodes[0].port, sender: "sam", receiver: "rita", content: "refused")
                #expect(refused.head.status == 503)
                #expect(try JSONParser.parse(refused.body)["error"]?.stringValue != nil)
                try server.start()
                var status = 0
                let deadline = ContinuousClock.now.advanced(by: .seconds(10))
                repeat {
                    Thread.sleep(forTimeInterval: 0.1)
                    status = try postMessage(port: nodes[1].port, sender: "sam", receiver: "rita", content: "after").head.status
                } while status != 201 && ContinuousClock.now < deadline
                #expect(status == 201)
                #expect(try postMessage(port: nodes[0].port, sender: "sam", receiver: "rita", content: "last").head.status == 201)
                #expect(try newMessageContents(session, count: 2) == ["after", "last"])
                #expect(try session.nextEvent(timeout: .milliseconds(300)) == nil, "nothing repeated")
            }
        }
    }

    /// Another session holds the commit lock (as a node whose transaction never ends would): a POST gets
    /// 503 once `lock_timeout` (2 s by default) passes, not never; sessions stay open; once the lock is
    /// released POSTs are stored and delivered again, the refused one never.
    @Test func commitLockHeldElsewhereAnswers503InBoundedTimeThenResumes() async throws {
        try await withThrowawayPostgreSQL { server in
            let url = try server.makeDatabase()
            try withNodes(2, on: server, url: url) { nodes in
                let session = try TestSocketIOClient(port: nodes[0].port)
                _ = try session.join("rita")
                #expect(try postMessage(port: nodes[1].port, sender: "sam", receiver: "rita", content: "before").head.status == 201)
                #expect(try newMessageContents(session, count: 1) == ["before"])
                let holder = try PostgreSQLConnection(url: url)
                defer { holder.close() }
                try holder.execute("SELECT pg_advisory_lock(\(PostgreSQLSchema.commitLockKey))")
                let started = ContinuousClock.now
                let refused = try postMessage(port: nodes[1].port, sender: "sam", receiver: "rita", content: "refused")
                let waited = ContinuousClock.now - started
                #expect(refused.head.status == 503)
                #expect(try JSONParser.parse(refused.body)["error"]?.stringValue?.contains("the database is busy") == true)
                #expect(waited >= .milliseconds(1_500), "the commit waited for the lock: \(waited)")
                #expect(waited < .seconds(6), "bounded by lock_timeout: \(waited)")
                try holder.execute("SELECT pg_advisory_unlock(\(PostgreSQLSchema.commitLockKey))")
                #expect(try postMessage(port: nodes[1].port, sender: "sam", receiver: "rita", content: "after").head.status == 201)
                #expect(try postMessage(port: nodes[0].port, sender: "sam", receiver: "rita", content: "last").head.status == 201)
                #expect(try newMessageContents(session, count: 2) == ["after", "last"])
                #expect(try session.nextEvent(timeout: .milliseconds(300)) == nil, "nothing repeated, the refused one not delivered")
            }
        }
    }
}
