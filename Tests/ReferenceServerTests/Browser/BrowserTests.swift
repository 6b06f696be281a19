import Foundation
import Testing

/// The chat page and the Socket.IO clients in a real browser: headless Chromium (Debian's
/// `chromium`) driven by Playwright for Python, against the `reference-server` binary
/// (Tests/Browser/*.py). `.ci/run` installs both; with CI=true a missing piece fails the test,
/// elsewhere the test is skipped with the reason. Screenshots: test-artifacts/browser/.
@Suite(.serialized) struct BrowserTests {
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"
    /// The exit status by which a script says a prerequisite is missing (browser_support.py).
    static let skipStatus: Int32 = 77

    @Test(.enabled(if: isCI || PythonInteropTests.python != nil, "no Python venv with Playwright (run .ci/run)"),
          arguments: ["client_unit_tests.py", "chat_page.py", "official_client.py"])
    func browserScript(name: String) async throws {
        let python = try #require(PythonInteropTests.python, "CI=true: the browser tests need MESSENGER_TEST_PYTHON (.ci/run sets it)")
        #expect(FileManager.default.isExecutableFile(atPath: PythonInteropTests.serverBinary), "missing \(PythonInteropTests.serverBinary)")
        let started = ContinuousClock.now
        // Chromium at a lower CPU priority, so that it takes no CPU from the timing-sensitive suites
        // running beside it on a small machine (the mutants, the Python peer's conformance run).
        let result = try await PythonScript.run(
            python: python, directory: "Tests/Browser", name: name, arguments: [PythonInteropTests.serverBinary],
            timeout: .seconds(300), niceness: 10)
        print(result.output)
        print("\(name): \(ContinuousClock.now - started)")
        if result.status == Self.skipStatus {
            let reason = result.output.split(separator: "\n").first { $0.hasPrefix("SKIP:") } ?? "a prerequisite is missing"
            if Self.isCI {
                Issue.record("CI=true requires the browser tests: \(reason)")
            } else {
                print("\(name) skipped: \(reason)")
            }
            return
        }
        #expect(result.status == 0, "\(name) failed:\n\(result.output)")
    }
}
