import Foundation
import Testing

/// Runs the reference server binary as a real process against python-socketio, a client nobody here
/// wrote (Tests/Interop/*.py). `.ci/run` installs the client into `.venv` and sets
/// MESSENGER_TEST_PYTHON, which makes these tests mandatory; without it they run when `.venv` exists.
@Suite(.serialized) struct PythonInteropTests {
    static let python: String? = {
        if let configured = ProcessInfo.processInfo.environment["MESSENGER_TEST_PYTHON"] { return configured }
        let venv = SpecFiles.packageRoot.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }()

    /// The `reference-server` executable built beside the test bundle.
    static var serverBinary: String {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        if directory.lastPathComponent.hasSuffix(".xctest") || directory.path.contains(".xctest/") {
            while directory.path.contains(".xctest") { directory.deleteLastPathComponent() }
        }
        return directory.appendingPathComponent("reference-server").path
    }

    func runScript(_ name: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await PythonScript.run(python: try #require(Self.python), directory: "Tests/Interop", name: name, arguments: arguments)
    }

    func temporaryDatabase() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("interop-\(UUID().uuidString).db").path
    }

    @Test(.enabled(if: python != nil, "python-socketio venv not installed (run .ci/run)"),
          arguments: ["polling-upgrade", "websocket", "polling", "async-polling-upgrade"])
    func pythonSocketIOClientJoinsReceivesAndSurvivesRestart(mode: String) async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.serverBinary), "missing \(Self.serverBinary)")
        let result = try await runScript("interop_socketio.py", [Self.serverBinary, temporaryDatabase(), mode])
        print(result.output)
        #expect(result.status == 0, "\(result.output)")
    }

    @Test(.enabled(if: python != nil, "python-socketio venv not installed (run .ci/run)"))
    func everyAcknowledgedMessageSurvivesKillNine() async throws {
        let result = try await runScript("crash_durability.py", [Self.serverBinary, temporaryDatabase()])
        print(result.output)
        #expect(result.status == 0, "\(result.output)")
    }

    /// Spec AUTH: python-socketio with `auth={"token": …}` joins, sends and receives on WebSocket and
    /// polling; without a token it gets ConnectionError and the server's message; tokens minted by PyJWT
    /// are accepted exactly when PyJWT's own `jwt.decode` accepts them (Tests/Interop/interop_auth.py).
    @Test(.enabled(if: python != nil, "python-socketio venv not installed (run .ci/run)"))
    func pythonClientsAndPyJWTTokensWithAuthentication() async throws {
        let result = try await runScript("interop_auth.py", [Self.serverBinary, temporaryDatabase()])
        print(result.output)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("payload altered after signing: PyJWT rejects, the server rejects"), "the parity checks ran")
    }
}
