import Foundation
import Testing

/// `conform` against Tests/PythonPeer/server.py, a Flask-SocketIO server written from Spec/ alone:
/// the kit must pass a server it did not grow up with, restart and kill -9 scenarios included.
///
/// Needs a Python with Flask-SocketIO and simple-websocket (Tests/requirements.txt). With
/// MESSENGER_TEST_PYTHON set (as `.ci/run` does) the test is mandatory; otherwise it runs when the
/// package's `.venv` has those modules, and is skipped with the reason when it has not.
@Suite(.serialized) struct PythonPeerConformanceTests {
    /// The Python named by MESSENGER_TEST_PYTHON, if set.
    static let configuredPython = ProcessInfo.processInfo.environment["MESSENGER_TEST_PYTHON"]

    /// The package's own venv Python.
    static let venvPython = SpecFiles.packageRoot.appendingPathComponent(".venv/bin/python").path

    static let peerScript = SpecFiles.packageRoot.appendingPathComponent("Tests/PythonPeer/server.py").path

    /// The modules the peer imports beyond the standard library.
    static let peerModules = "import flask, flask_socketio, engineio, simple_websocket"

    /// True when the test must run (MESSENGER_TEST_PYTHON) or can run (a venv with the peer's modules).
    static func isRunnable() async -> Bool {
        if configuredPython != nil { return true }
        guard FileManager.default.isExecutableFile(atPath: venvPython) else { return false }
        return (try? await run(venvPython, ["-c", peerModules]).status) == 0
    }

    @Test(.enabled("no Python with flask_socketio and simple_websocket: set MESSENGER_TEST_PYTHON or run .ci/run") {
        await isRunnable()
    })
    func conformPassesEveryMustAgainstThePythonPeer() async throws {
        let python = Self.configuredPython ?? Self.venvPython
        let imports = try await Self.run(python, ["-c", Self.peerModules])
        try #require(imports.status == 0, "\(python) lacks the peer's modules (pip install -r Tests/requirements.txt): \(imports.output)")

        let database = FileManager.default.temporaryDirectory.appendingPathComponent("python-peer-\(UUID().uuidString).db").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        }
        // conform holds the port and hands the socket to every start of the peer (socket activation):
        // exec, so that the peer's pid is LISTEN_PID.
        let command = "exec " + [python, Self.peerScript, "--db", database,
                                 "--ping-interval", "300", "--ping-timeout", "5000"].map(Self.shellQuoted).joined(separator: " ")
        let result = try await ConformProcess.run(["--server-command", command, "--socket-activation", "--start-timeout", "30"])
        let lines = result.output.split(separator: "\n").map(String.init)
        print("conform against the Python peer: \(lines.last ?? "(no output)")")
        #expect(result.status == 0, "\(result.output.suffix(6000))\n\(result.error.suffix(2000))")
        let closing = try #require(lines.last)
        #expect(closing.contains(" passed, 0 failed"), "\(closing)")
        #expect(lines.contains { $0.contains("PASS durability/restart") }, "the restart scenario ran")
        #expect(lines.contains { $0.contains("durability/crash-acknowledged") && !$0.contains("SKIP") }, "the kill -9 scenario ran")
    }

    /// The peer keeps answering POSTs to a user whose session stopped answering pings, while it times that
    /// session out (`Tests/PythonPeer/silent_session_fan_out.py`: 5 rounds; the peer with its old
    /// non-reentrant delivery lock hung on the first POST of the first round).
    @Test(.enabled("no Python with flask_socketio and simple_websocket: set MESSENGER_TEST_PYTHON or run .ci/run") {
        await isRunnable()
    })
    func postsToASessionTimingOutAreAnswered() async throws {
        let python = Self.configuredPython ?? Self.venvPython
        let script = SpecFiles.packageRoot.appendingPathComponent("Tests/PythonPeer/silent_session_fan_out.py").path
        let result = try await Self.run(python, [script, Self.peerScript])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("every one answered"), "\(result.output)")
    }

    /// Spec AUTH, ORIGIN: the peer with authentication (PyJWT) and an allow-list passes the whole
    /// catalogue run authenticated, the AUTH and ORIGIN scenarios included; only JOIN-6, the cluster scenarios and the storage fault are skipped.
    @Test(.enabled("no Python with flask_socketio and simple_websocket: set MESSENGER_TEST_PYTHON or run .ci/run") {
        await isRunnable()
    })
    func authenticatedConformPassesAgainstThePythonPeer() async throws {
        let python = Self.configuredPython ?? Self.venvPython
        let imports = try await Self.run(python, ["-c", Self.peerModules + ", jwt"])
        try #require(imports.status == 0, "\(python) lacks PyJWT (pip install -r Tests/requirements.txt): \(imports.output)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("python-peer-auth-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let secretFile = directory + "/secret"
        try Data("peer-secret-\(UUID().uuidString)\n".utf8).write(to: URL(fileURLWithPath: secretFile))
        let origin = "http://allowed.example"
        let command = "exec " + [python, Self.peerScript, "--db", directory + "/messages.db",
                                 "--ping-interval", "300", "--ping-timeout", "5000", "--auth-secret-file", secretFile, "--auth-leeway", "1",
                                 "--allowed-origin", origin].map(Self.shellQuoted).joined(separator: " ")
        let result = try await ConformProcess.run([
            // A starved peer (the suite runs the mutants and browsers beside it) missed its own 1.5 s
            // ping timeout in CI and closed the kit's sessions: 5 s, and the kit's waits doubled.
            "--server-command", command, "--start-timeout", "30", "--timeout-factor", "2", "--auth-secret-file", secretFile, "--auth-leeway", "1",
            "--allowed-origin", origin, "--socket-activation",
        ])
        let lines = result.output.split(separator: "\n").map(String.init)
        print("authenticated conform against the Python peer: \(lines.last ?? "(no output)")")
        #expect(result.status == 0, "\(result.output.suffix(6000))\n\(result.error.suffix(2000))")
        // Skipped: JOIN-6 (AUTH-5 forbids rebinding), the 5 cluster scenarios (one entry point) and
        // send/storage-fault (no --storage-fault-command).
        #expect(lines.last?.contains(" passed, 0 failed, 7 skipped") == true, "\(lines.last ?? "")")
        for scenario in ["auth/expiry-during-session", "auth/post-as-another-sender", "origin/foreign-origin-refused"] {
            #expect(lines.contains { $0.contains("PASS \(scenario)") }, "\(scenario) passed")
        }
    }

    /// One word for /bin/sh: single-quoted, embedded quotes escaped.
    static func shellQuoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Runs a program to completion on a GCD thread (never blocking the cooperative pool).
    static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: executable)
                    process.arguments = arguments
                    let pipe = Pipe()
                    process.standardOutput = pipe
                    process.standardError = pipe
                    try process.run()
                    let output = pipe.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
                })
            }
        }
    }
}
