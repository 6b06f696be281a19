import Foundation
import Testing

/// The `conform` self-check as a user runs it: the whole catalogue against the embedded reference
/// server (a child process, so the restart and kill -9 scenarios run for real), with both reports.
@Suite(.serialized) struct ConformCommandTests {
    @Test func selfCheckPassesEveryScenarioIncludingRestartAndCrash() async throws {
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("conform-\(UUID().uuidString).json").path
        let junit = json.replacingOccurrences(of: ".json", with: ".xml")
        let html = json.replacingOccurrences(of: ".json", with: ".html")
        let result = try await ConformProcess.run(["--json", json, "--junit", junit, "--html", html])
        let lines = result.output.split(separator: "\n")
        #expect(result.status == 0, "\(result.output.suffix(4000))\n\(result.error.suffix(2000))")
        let closing = try #require(lines.last.map(String.init))
        // Skipped: only the AUTH and ORIGIN scenarios, which need --auth-secret-file / --allowed-origin, and
        // the 5 CLUSTER scenarios, which need several entry points (one server has one).
        #expect(closing.hasSuffix(" passed, 0 failed, 14 skipped"), "\(closing)")
        let skips = lines.filter { $0.contains("] SKIP ") }
        #expect(skips.count == 14 && skips.allSatisfy {
            $0.contains("needs --auth-secret-file") || $0.contains("needs --allowed-origin") || $0.contains("needs --node ×2 or more")
        }, "\(skips)")
        #expect(skips.filter { $0.contains("] SKIP cluster/") && $0.contains("needs --node ×2 or more") }.count == 5, "\(skips)")
        #expect(lines.contains { $0.contains("PASS durability/crash-acknowledged") }, "the kill -9 scenario ran")
        #expect(lines.contains { $0.contains("PASS durability/restart") }, "the restart scenario ran")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        #expect(report?["results"] != nil)
        #expect(FileManager.default.fileExists(atPath: junit))
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("<h1>conform: PASS</h1>"))
        #expect(page.contains("PASS</span> <code class=\"id\">durability/crash-acknowledged</code>"))
    }

    /// `conform --auth-secret-file PATH` without URL: the embedded reference server runs with the same
    /// secret (and allow-list), and the whole catalogue runs authenticated, restart and kill -9 included;
    /// only JOIN-6's rebinding is skipped (Spec AUTH-5).
    @Test func authenticatedSelfCheckPassesEveryScenarioButRebinding() async throws {
        let secretFile = FileManager.default.temporaryDirectory.appendingPathComponent("conform-secret-\(UUID().uuidString)").path
        try Data("self-check-\(UUID().uuidString)\n".utf8).write(to: URL(fileURLWithPath: secretFile))
        defer { try? FileManager.default.removeItem(atPath: secretFile) }
        let result = try await ConformProcess.run([
            "--auth-secret-file", secretFile, "--auth-leeway", "1", "--allowed-origin", "http://allowed.example",
        ])
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(result.status == 0, "\(result.output.suffix(4000))\n\(result.error.suffix(2000))")
        // JOIN-6's rebinding, and the 5 CLUSTER scenarios (one entry point).
        #expect(lines.last?.hasSuffix(" passed, 0 failed, 6 skipped") == true, "\(lines.last ?? "")")
        #expect(lines.contains { $0.contains("] SKIP join/rebind") && $0.contains("not applicable with --auth-secret-file") })
        for scenario in ["auth/forged-tokens", "auth/expiry-during-session", "origin/foreign-origin-refused", "durability/restart"] {
            #expect(lines.contains { $0.contains("PASS \(scenario)") }, "\(scenario) passed")
        }
    }

    /// Without the secret, a server that requires authentication gets one line and exit 2, not fifty failures.
    @Test func serverRequiringAuthenticationIsNamedInOneLine() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("conform-auth-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("only-the-server-knows\n".utf8).write(to: URL(fileURLWithPath: directory + "/secret"))
        let server = [ConformProcess.executable, "--serve-reference", "--db", directory + "/messages.db",
                      "--auth-secret-file", directory + "/secret", "--log-level", "error"].map(PythonPeerConformanceTests.shellQuoted).joined(separator: " ")
        let result = try await ConformProcess.run(["--server-command", "exec " + server, "--socket-activation"])
        #expect(result.status == 2, "\(result.output)\n\(result.error)")
        let errorLines = result.error.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(errorLines.count == 1, "\(result.error)")
        #expect(result.error.contains("the server requires authentication") && result.error.contains("--auth-secret-file PATH"), "\(result.error)")
        #expect(!result.output.contains("FAIL"), "no scenario ran: \(result.output)")
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
        // Skipped: restart and crash (no commands given), the authentication and origin scenarios
        // (the server runs without them), the cluster scenarios (one entry point) and the storage
        // fault (no --storage-fault-command).
        #expect(lines.last?.hasSuffix(" passed, 0 failed, 18 skipped") == true, "\(lines.last ?? "")")
        #expect(lines.contains { $0.hasPrefix("Duration: ") && $0.hasSuffix(" for the whole run") })
        // One heartbeat cycle (45 s) + 15 s, with room for a starved CI machine.
        #expect(elapsed < 75, "took \(elapsed) s")
    }
}
