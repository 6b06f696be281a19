import Foundation
import Testing
@testable import ConformanceKit

/// The built `conform` executable (`swift build` puts it next to the test bundle's products).
func conformExecutable() -> String {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        url.deleteLastPathComponent()
    }
    return url.appendingPathComponent(".build/debug/conform").path
}

/// Runs `conform` with arguments; returns exit status, stdout, stderr.
func runConform(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: conformExecutable())
    process.arguments = arguments
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
}

@Suite("Targets and the conform command line", .serialized)
struct CommandTargetTests {
    @Test func commandTargetStartsRestartsCrashesAndStops() async throws {
        let directory = NSTemporaryDirectory() + "kit-target-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let port = closedPort()
        let target = CommandTarget(
            command: "exec '\(conformExecutable())' --serve-reference --port \(port) --db '\(directory)/m.db' --log-level error",
            baseURL: "http://127.0.0.1:\(port)", startTimeout: .seconds(10), stopGrace: .seconds(2))
        try await target.start()
        #expect(await TargetReadiness.isServing(baseURL: target.baseURL))
        let context = ScenarioContext(scenarioID: "t", seed: 1, runToken: "t", target: target)
        let user = context.uniqueUser()
        #expect(try await context.post(sender: "a", receiver: user, content: "before restart").status == 201)
        try await target.restart()
        #expect(try await context.post(sender: "a", receiver: user, content: "before crash").status == 201)
        try await target.crash()
        let session = try await context.connect("after#1")
        let history = try await session.join(user)
        #expect(history.messages(with: "a").map(\.content) == ["before restart", "before crash"])
        await context.runTeardowns()
        await target.stop()
        #expect(await TargetReadiness.isServing(baseURL: target.baseURL, timeout: .milliseconds(500)) == false)
    }

    @Test func commandTargetReportsACommandThatExits() async {
        let target = CommandTarget(command: "exit 3", baseURL: "http://127.0.0.1:\(closedPort())", startTimeout: .seconds(5))
        await #expect(throws: TargetError.self) { try await target.start() }
    }

    @Test func urlTargetWithoutCommandsIsInconclusive() async {
        let target = URLTarget(baseURL: "http://127.0.0.1:\(closedPort())")
        #expect(target.capabilities.isEmpty)
        await #expect(throws: ScenarioInconclusive.self) { try await target.restart() }
        await #expect(throws: ScenarioInconclusive.self) { try await target.crash() }
    }

    @Test func conformHelpListAndUsage() throws {
        let help = try runConform(["--help"])
        #expect(help.status == 0)
        #expect(help.output.contains("usage: conform"))
        let list = try runConform(["--list"])
        #expect(list.status == 0)
        #expect(list.output.contains("transport/websocket-only"))
        let usage = try runConform(["--no-such-option"])
        #expect(usage.status == 64)
        #expect(usage.error.hasPrefix("Error: "))
        #expect(usage.error.contains("usage: conform"))
        #expect(usage.output.isEmpty)
    }

    @Test func conformAgainstAClosedPortIsInconclusive() throws {
        let run = try runConform(["http://127.0.0.1:\(closedPort())", "--filter", "transport"])
        #expect(run.status == 2)
        #expect(run.output.contains("0 passed, 0 failed"))
    }

    @Test func conformSelfCheckPasses() throws {
        let run = try runConform(["--seed", "3", "--filter", "transport", "--filter", "heartbeat"])
        #expect(run.status == 0, "\(run.output)\n\(run.error)")
        #expect(run.output.contains(" failed, 0 skipped") || run.output.contains("0 failed"))
    }
}
