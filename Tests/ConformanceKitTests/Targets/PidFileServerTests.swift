import ConformanceKit
import Foundation
import Testing

/// `--restart-command` and `--crash-command` against a server conform did not start: the built
/// `reference-server` run by `Tests/Interop/pidfile_server.sh`, which starts it in the background and
/// writes its pid file, as a process manager's start script does. The durability scenarios must run
/// for real (the pid in the file changes with each restart and crash) and pass. The test holds the
/// listening socket, as the process manager would: it hands it to the start script and to conform
/// (`--inherited-socket`), which hands it to each restart and crash, so the port is never released.
@Suite(.serialized) struct PidFileServerTests {
    static let script = SpecFiles.packageRoot.appendingPathComponent("Tests/Interop/pidfile_server.sh").path

    @Test func restartAndCrashCommandsDriveAServerKnownByItsPidFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pidfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pidFile = directory.appendingPathComponent("server.pid").path
        let binary = URL(fileURLWithPath: ConformProcess.executable).deletingLastPathComponent().appendingPathComponent("reference-server").path
        let socket = try KitListeningSocket()
        let arguments = [pidFile, directory.appendingPathComponent("messages.db").path, binary]
        func command(_ action: String) -> String {
            (["/bin/sh", Self.script, action] + arguments).map(PythonPeerConformanceTests.shellQuoted).joined(separator: " ")
        }
        let starter = try ChildProcess.spawnShell(command("start"), listeningDescriptor: socket.descriptor)
        #expect(await starter.waitForExit(timeout: .seconds(15)), "pidfile_server.sh start did not return")
        try #require(starter.exitCode == 0, "pidfile_server.sh start exited \(starter.exitCode.map(String.init) ?? "abnormally")")
        let firstPID = try String(contentsOfFile: pidFile, encoding: .utf8)
        defer {
            let stopper = try? ChildProcess.spawnShell(command("stop"))
            for _ in 0..<150 where stopper?.hasExited == false { usleep(100_000) }
        }

        // conform started socket-activated (exec: LISTEN_PID is its pid), its output in files.
        let output = directory.appendingPathComponent("conform.out").path, errors = directory.appendingPathComponent("conform.err").path
        let conform = try ChildProcess.spawnShell(
            (["exec", ConformProcess.executable, "--filter", "durability/", "--restart-command", command("restart"), "--crash-command", command("crash"),
              "--inherited-socket", socket.baseURL].map(PythonPeerConformanceTests.shellQuoted) + [">", output, "2>", errors]).joined(separator: " "),
            listeningDescriptor: socket.descriptor)
        if !(await conform.waitForExit(timeout: .seconds(300))) {
            Issue.record("conform did not finish within 300 s")
            await conform.kill9()
        }
        let printed = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        let written = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
        let lines = printed.split(separator: "\n").map(String.init)
        #expect(conform.exitCode == 0, "\(printed.suffix(4000))\n\(written.suffix(2000))")
        for id in ["durability/restart", "durability/crash-acknowledged", "durability/crash-delivered"] {
            #expect(lines.contains { $0.contains("PASS \(id)") }, "\(id) ran and passed: \(printed.suffix(2000))")
        }
        let lastPID = try String(contentsOfFile: pidFile, encoding: .utf8)
        #expect(lastPID != firstPID, "the restart and crash commands replaced the process (pid \(firstPID))")
    }
}
