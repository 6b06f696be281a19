import Foundation
import Testing

/// The `conform` self-check as a user runs it: the whole catalogue against the embedded reference
/// server (a child process, so the restart and kill -9 scenarios run for real), with both reports.
@Suite(.serialized) struct ConformCommandTests {
    @Test func selfCheckPassesEveryScenarioIncludingRestartAndCrash() async throws {
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("conform-\(UUID().uuidString).json").path
        let junit = json.replacingOccurrences(of: ".json", with: ".xml")
        let result = try await ConformProcess.run(["--json", json, "--junit", junit])
        let lines = result.output.split(separator: "\n")
        #expect(result.status == 0, "\(result.output.suffix(4000))\n\(result.error.suffix(2000))")
        let closing = try #require(lines.last.map(String.init))
        #expect(closing.hasSuffix(" passed, 0 failed, 0 skipped"), "\(closing)")
        #expect(lines.contains { $0.contains("PASS durability/crash-acknowledged") }, "the kill -9 scenario ran")
        #expect(lines.contains { $0.contains("PASS durability/restart") }, "the restart scenario ran")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        #expect(report?["results"] != nil)
        #expect(FileManager.default.fileExists(atPath: junit))
    }
}

/// `conform URL` against the built `reference-server` exactly as shipped: no heartbeat option, so the
/// Socket.IO defaults (pingInterval 25 s, pingTimeout 20 s). Every wait follows the advertised
/// heartbeat and the heartbeat scenarios overlap the rest: every scenario decided, exit 0, in about one
/// heartbeat cycle plus 15 s (the one slow test of this kind: about 50 s).
@Suite(.serialized) struct ConformAgainstDefaultHeartbeatTests {
    @Test func referenceServerAtItsDefaultsPassesInAboutOneHeartbeatCycle() async throws {
        let database = FileManager.default.temporaryDirectory.appendingPathComponent("defaults-\(UUID().uuidString).db").path
        let server = try ServerProcess("reference-server", arguments: ["--port", "0", "--db", database])
        defer {
            server.stop()
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        }
        let started = Date()
        let result = try await ConformProcess.run([server.baseURL])
        let elapsed = Date().timeIntervalSince(started)
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(result.status == 0, "\(result.output.suffix(4000))\n\(result.error.suffix(2000))")
        #expect(!lines.contains { $0.contains("INCONCLUSIVE") }, "\(result.output.suffix(4000))")
        #expect(lines.contains { $0.contains("PASS heartbeat/ping-interval") && $0.contains(" s)") }, "the heartbeat waited for the real 25 s cycle")
        #expect(lines.last?.hasSuffix(" passed, 0 failed, 3 skipped") == true, "\(lines.last ?? "")")
        #expect(lines.contains { $0.hasPrefix("Duration: ") && $0.hasSuffix(" for the whole run") })
        // One heartbeat cycle (45 s) + 15 s, with room for a starved CI machine.
        #expect(elapsed < 75, "took \(elapsed) s")
    }
}
