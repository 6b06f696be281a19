import Testing
@testable import ReferenceServer

@Suite struct ServerCommandLineTests {
    @Test func defaultsMatchTheOriginApplication() throws {
        guard case .run(let configuration) = try ServerCommandLine.parse([]).get() else { Issue.record("not run"); return }
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 3000)
        #expect(configuration.databasePath == "messages.db")
        #expect(configuration.pingInterval == 25_000)
        #expect(configuration.pingTimeout == 20_000)
        #expect(configuration.limits.engineIOMaxPayload == 1_000_000)
        #expect(configuration.slowCommitMilliseconds == 20)
    }

    @Test func everyFlagIsApplied() throws {
        let arguments = ["--host", "0.0.0.0", "--port", "0", "--db", "/tmp/x.db", "--ping-interval", "300",
                         "--ping-timeout", "200", "--max-payload", "5000", "--slow-commit", "5", "--log-level", "debug",
                         "--max-pending-commits", "7", "--descriptor-high-water", "80", "--summary-interval", "0", "--trim-after-closes", "9"]
        guard case .run(let configuration) = try ServerCommandLine.parse(arguments).get() else { Issue.record("not run"); return }
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.port == 0)
        #expect(configuration.databasePath == "/tmp/x.db")
        #expect(configuration.pingInterval == 300)
        #expect(configuration.pingTimeout == 200)
        #expect(configuration.limits.engineIOMaxPayload == 5000)
        #expect(configuration.slowCommitMilliseconds == 5)
        #expect(configuration.logLevel == .debug)
        #expect(configuration.operating.maxPendingCommits == 7)
        #expect(configuration.operating.descriptorHighWaterPercent == 80)
        #expect(configuration.operating.summaryIntervalSeconds == 0)
        #expect(configuration.operating.trimAfterClosedConnections == 9)
    }

    @Test(arguments: [["--port"], ["--port", "70000"], ["--port", "x"], ["--log-level", "loud"], ["--bogus"], ["--max-payload", "1"], ["--slow-commit", "-1"], ["--descriptor-high-water", "101"]])
    func badArgumentsAreUsageErrors(arguments: [String]) {
        #expect(throws: ServerCommandLine.UsageError.self) { try ServerCommandLine.parse(arguments).get() }
    }

    @Test func helpIsRecognised() throws {
        guard case .help = try ServerCommandLine.parse(["--help"]).get() else { Issue.record("not help"); return }
        #expect(ServerCommandLine.help.contains("Exit codes"))
    }
}
