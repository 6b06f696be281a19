import Foundation
import PostgreSQLTestServer
import ReferenceServer
import Testing
@testable import ConformanceKit

/// `docs/nginx-cluster.conf` as shipped (ports and pid file replaced): nginx in front of two
/// reference-server nodes on one PostgreSQL database, sticky by sid prefix, WebSocket upgrades
/// proxied; the catalogue through the nginx URL passes.
@Suite(.serialized) struct NginxClusterTests {
    static let nginx = "/usr/sbin/nginx"

    /// `isSticky` false removes the sid-prefix routes (everything round robin): polling sessions must
    /// then fail, which shows the routes are what makes the run pass.
    @Test(arguments: [true, false])
    func catalogueThroughNginxInFrontOfTwoNodes(isSticky: Bool) async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.nginx) else {
            if ProcessInfo.processInfo.environment["MESSENGER_REQUIRE_NGINX"] == "1" {
                Issue.record("nginx is required here (MESSENGER_REQUIRE_NGINX=1) and \(Self.nginx) is missing")
            } else {
                print("skipped catalogueThroughNginxInFrontOfTwoNodes: \(Self.nginx) not found (apt-get install nginx-light)")
            }
            return
        }
        try await withThrowawayPostgreSQL { server in
            let url = try server.makeDatabase()
            let nodes = try ["a-", "b-"].map { prefix in
                try ReferenceServer.start(configuration: ServerConfiguration(
                    port: 0, postgresURL: url, sessionIDPrefix: prefix, pingInterval: 300, pingTimeout: 10_000, logLevel: .error))
            }
            defer { nodes.forEach { $0.stop() } }
            let directory = NSTemporaryDirectory() + "nginx-cluster-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            // nginx cannot listen on port 0 and say which: the test binds 127.0.0.1:0, keeps the socket
            // and hands it to nginx as descriptor 3 (NGINX="3;", nginx's inherited sockets, matched to the
            // `listen` of the same address), so no other test can take the port in between.
            let socket = try KitListeningSocket()
            let shipped = try String(contentsOfFile: Self.shippedConfiguration, encoding: .utf8)
            let configuration = shipped
                .replacingOccurrences(of: "127.0.0.1:3001", with: "127.0.0.1:\(nodes[0].port)")
                .replacingOccurrences(of: "127.0.0.1:3002", with: "127.0.0.1:\(nodes[1].port)")
                .replacingOccurrences(of: "127.0.0.1:3000", with: "127.0.0.1:\(socket.port)")
                .replacingOccurrences(of: "/tmp/nginx-cluster.pid", with: directory + "/nginx.pid")
                .split(separator: "\n", omittingEmptySubsequences: false)
                .filter { isSticky || !$0.contains("~^") }
                .joined(separator: "\n")
            #expect(configuration != shipped)
            try configuration.write(toFile: directory + "/nginx.conf", atomically: true, encoding: .utf8)
            let nginx = try ChildProcess.spawnShell(
                "NGINX='3;' exec \(Self.nginx) -p \(directory) -c \(directory)/nginx.conf -g 'daemon off;' 2> \(directory)/nginx.err",
                listeningDescriptor: socket.descriptor)
            let baseURL = socket.baseURL
            do {
                try await TargetReadiness.wait(baseURL: baseURL, timeout: .seconds(20), process: nginx)
            } catch {
                await nginx.terminate(grace: .seconds(2))
                throw error
            }
            let startLog = (try? String(contentsOfFile: directory + "/nginx.err", encoding: .utf8)) ?? ""
            #expect(startLog.contains("using inherited sockets from \"3;\""), "nginx served the test's socket: \(startLog)")
            let runner = ConformanceRunner(scenarios: ScenarioCatalog.all, options: RunnerOptions(seed: 7), target: BaseURLTarget(baseURL: baseURL))
            let report = await runner.run()
            await nginx.terminate(grace: .seconds(5))
            guard isSticky else {
                let failed = report.results.filter { $0.verdict == .fail }.map(\.scenario.id)
                print("nginx without sticky routes: failed \(failed.joined(separator: ", "))")
                #expect(!failed.isEmpty, "polling sessions spread over two nodes lose their sid (400 Session ID unknown)")
                return
            }
            for result in report.results where !result.verdict.didPass {
                if case .skipped = result.verdict, !result.scenario.needs.isEmpty { continue }
                Issue.record("\(result.scenario.id): \(result.verdict.label) \(result.verdict.reason ?? "") \(result.actual ?? "")")
            }
            #expect(report.exitStatus == .success)
        }
    }

    /// docs/nginx-cluster.conf in the package.
    static var shippedConfiguration: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/nginx-cluster.conf").path
    }
}
