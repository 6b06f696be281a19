import ConformanceKit
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
        let starter = try ChildProcess.spawnShell(command("start"))
        #expect(await starter.waitForExit(timeout: .seconds(15)), "pidfile_server.sh start did not return")
        try #require(starter.exitCode == 0, "pidfile_server.sh start exited \(starter.exitCode.map(String.init) ?? "abnormally")")
        let firstPID = try String(contentsOfFile: pidFile, encoding: .utf8)
        defer {
            let stopper = try? ChildProcess.spawnShell(command("stop"))
            for _ in 0..<150 where stopper?.hasExited == false { usleep(100_000) }
        }

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
}
