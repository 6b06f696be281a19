import Foundation
import Testing

/// `--restart-command` and `--crash-command` against a server conform did not start: the built
/// `reference-server` run by `Tests/Interop/pidfile_server.sh`, which starts it in the background and
/// writes its pid file, as a process manager's start script does. The durability scenarios must run
/// for real (the pid in the file changes with each restart and crash) and pass.
@Suite(.serialized) struct PidFileServerTests {
    static let script = SpecFiles.packageRoot.appendingPathComponent("Tests/Interop/pidfile_server.sh").path

    @Test func restartAndCrashCommandsDriveAServerKnownByItsPidFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pidfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pidFile = directory.appendingPathComponent("server.pid").path
        let binary = URL(fileURLWithPath: ConformProcess.executable).deletingLastPathComponent().appendingPathComponent("reference-server").path
        let port = try PythonPeerConformanceTests.freePort()
        let arguments = [pidFile, String(port), directory.appendingPathComponent("messages.db").path, binary]
        func command(_ action: String) -> String {
            (["/bin/sh", Self.script, action] + arguments).map(PythonPeerConformanceTests.shellQuoted).joined(separator: " ")
        }
        let started = try await PythonPeerConformanceTests.run("/bin/sh", [Self.script, "start"] + arguments)
        try #require(started.status == 0, "\(started.output)")
        let firstPID = try String(contentsOfFile: pidFile, encoding: .utf8)
        defer { _ = try? Self.runBlocking("/bin/sh", [Self.script, "stop"] + arguments) }

        let result = try await ConformProcess.run([
            "--filter", "durability/", "--restart-command", command("restart"), "--crash-command", command("crash"),
            "http://127.0.0.1:\(port)",
        ])
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(result.status == 0, "\(result.output.suffix(4000))\n\(result.error.suffix(2000))")
        for id in ["durability/restart", "durability/crash-acknowledged", "durability/crash-delivered"] {
            #expect(lines.contains { $0.contains("PASS \(id)") }, "\(id) ran and passed: \(result.output.suffix(2000))")
        }
        let lastPID = try String(contentsOfFile: pidFile, encoding: .utf8)
        #expect(lastPID != firstPID, "the restart and crash commands replaced the process (pid \(firstPID))")
    }

    /// Runs a program to completion on the calling thread (for clean-up in `defer`).
    static func runBlocking(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
