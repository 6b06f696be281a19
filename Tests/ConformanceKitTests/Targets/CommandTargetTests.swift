import Foundation
import Testing
@testable import ConformanceKit

@Suite("Targets and the conform command line", .serialized)
struct CommandTargetTests {
    @Test func commandTargetStartsRestartsCrashesAndStops() async throws {
        let directory = NSTemporaryDirectory() + "kit-target-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // The target holds the port (socket activation): no other test can take it, and restart and
        // crash hand the same socket to the next server.
        let target = CommandTarget(
            command: "exec '\(ConformProcess.executable)' --serve-reference --db '\(directory)/m.db' --log-level error",
            listeningSocket: try KitListeningSocket(), startTimeout: .seconds(20), stopGrace: .seconds(2))
        try await target.start()
        #expect(await TargetReadiness.isServing(baseURL: target.baseURL))
        let context = ScenarioContext(scenarioID: "t", seed: 1, runToken: "t", target: target)
        let user = context.uniqueUser()
        #expect(try await context.post(sender: "a", receiver: user, content: "before restart").status == 201)
        try await target.restart()
        #expect(try await context.post(sender: "a", receiver: user, content: "before crash").status == 201)
        try await target.crash()
        #expect(target.serverExitReason == nil)
        let session = try await context.connect("after#1")
        let history = try await session.join(user)
        #expect(history.messages(with: "a").map(\.content) == ["before restart", "before crash"])
        await context.runTeardowns()
        await target.stop()
        #expect(await TargetReadiness.isServing(baseURL: target.baseURL, timeout: .milliseconds(500)) == false)
    }

    @Test func commandTargetReportsACommandThatExits() async {
        let closed = ReservedClosedPort()
        defer { withExtendedLifetime(closed) {} }
        let target = CommandTarget(command: "exit 3", baseURL: "http://127.0.0.1:\(closed.port)", startTimeout: .seconds(5))
        await #expect(throws: TargetError.self) { try await target.start() }
    }

    /// A socket-activated command that exits leaves its port accepting connections nobody answers:
    /// the scenarios are inconclusive at once (as with a refused connection), not failed by timeouts.
    @Test func socketActivatedCommandThatExitsMakesScenariosInconclusive() async throws {
        let target = CommandTarget(command: "exit 3", listeningSocket: try KitListeningSocket(), startTimeout: .seconds(5))
        await #expect(throws: TargetError.self) { try await target.start() }
        let reason = try #require(target.serverExitReason)
        #expect(reason.contains("status 3"))
        let started = ContinuousClock.now
        let report = await ConformanceRunner(scenarios: ScenarioCatalog.all, options: RunnerOptions(filters: ["join/basic"], seed: 1), target: target).run()
        #expect(report.results.map(\.verdict) == [.inconclusive(reason: reason)])
        #expect(started.duration(to: .now) < .seconds(2), "decided without waiting for an answer")
        // Without a held socket the command may have left a daemon serving: its shell's exit says nothing.
        let closed = ReservedClosedPort()
        defer { withExtendedLifetime(closed) {} }
        let plain = CommandTarget(command: "exit 3", baseURL: "http://127.0.0.1:\(closed.port)", startTimeout: .seconds(5))
        await #expect(throws: TargetError.self) { try await plain.start() }
        #expect(plain.serverExitReason == nil)
    }

    @Test func urlTargetWithoutCommandsIsInconclusive() async {
        let closed = ReservedClosedPort()
        defer { withExtendedLifetime(closed) {} }
        let target = URLTarget(baseURL: "http://127.0.0.1:\(closed.port)")
        #expect(target.capabilities.isEmpty)
        await #expect(throws: ScenarioInconclusive.self) { try await target.restart() }
        await #expect(throws: ScenarioInconclusive.self) { try await target.crash() }
    }

    @Test func conformHelpListAndUsage() async throws {
        let help = try await ConformProcess.run(["--help"])
        #expect(help.status == 0)
        #expect(help.output.contains("usage: conform"))
        #expect(help.output.contains("Exit status:") && help.output.contains("64  usage error"))
        let list = try await ConformProcess.run(["--list"])
        #expect(list.status == 0)
        #expect(list.output.contains("transport/websocket-only"))
        let usage = try await ConformProcess.run(["--no-such-option"])
        #expect(usage.status == 64)
        #expect(usage.error.hasPrefix("Error: "))
        #expect(usage.error.contains("usage: conform"))
        #expect(usage.output.isEmpty)
    }

    @Test func conformAgainstAClosedPortIsInconclusive() async throws {
        let closed = ReservedClosedPort()
        defer { withExtendedLifetime(closed) {} }
        let run = try await ConformProcess.run(["http://127.0.0.1:\(closed.port)", "--filter", "transport"])
        #expect(run.status == 2)
        #expect(run.output.contains("0 passed, 0 failed"))
    }
}
