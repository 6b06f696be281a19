import Testing
@testable import ConformanceKit

@Suite struct ConsoleReporterTests {
    let reporter = ConsoleReporter()
    let report = ReportFixtures.report

    @Test func progressLinesArePaddedAndTimed() {
        let pass = report.results[0]
        #expect(reporter.progressLine(pass, completed: 12, total: 63) == "[12/63] PASS transport/websocket (34 ms)")
        #expect(reporter.progressLine(pass, completed: 3, total: 63) == "[ 3/63] PASS transport/websocket (34 ms)")
        #expect(reporter.progressLine(report.results[4], completed: 5, total: 100) == "[  5/100] SKIP durability/restart: needs --restart-command")
        #expect(reporter.line(for: .scenarioFinished(pass, completed: 1, total: 9)) == "[1/9] PASS transport/websocket (34 ms)")
        #expect(reporter.line(for: .scenarioStarted(pass.scenario)) == nil)
        #expect(ConsoleReporter(isVerbose: true).line(for: .scenarioStarted(pass.scenario))?.contains("transport/websocket") == true)
        #expect(reporter.line(for: .runStarted(report.metadata, scenarioCount: 11))?.contains("seed \(UInt64.max)") == true)
    }

    @Test func summaryGivesAreasFailuresAndTheClosingLine() {
        let summary = reporter.summary(report)
        let lines = summary.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.last == "3 passed, 2 failed, 6 skipped")
        #expect(lines.contains("  Join: 1/2 passed, 1 failed"))
        #expect(lines.contains("  Durability: 1/1 passed, 2 skipped (needs --restart-command; needs --crash-command)"))
        #expect(lines.contains("  Transport: 1/1 passed"))
        #expect(lines.contains("  Extension: 0/0 passed, 1 unsupported"))
        #expect(lines.contains("  Delivery: 0/0 passed, 1 inconclusive"))
        #expect(lines.contains("  Ordering: 0/3 passed, 1 failed, 1 expected failure, 1 flaky"))
        #expect(lines.contains("FAIL join/basic [MUST]: Title of join/basic"))
        #expect(lines.contains("  JOIN-1 (MUST): \"After a session emits `join` with a non-empty string, the server MUST emit exactly one `all_messages` event to that session.\""))
        #expect(lines.contains("  Expected: one all_messages event"))
        #expect(lines.contains("        or: an all_messages & <nothing else>"))
        #expect(lines.contains { $0.hasPrefix("  Actual:   error event") })
        #expect(lines.contains("    op#2 bob#1 receive(error) {} → ok"))
        #expect(lines.contains("    +0.012 s  bob#1 → 42[\"join\",\"bob\"]"))
        #expect(lines.contains { $0.hasPrefix("    +1.013 s  bob#1 ← 42[\"error\"") })
        #expect(lines.contains("XPASS ordering/two [MUST]: Title of ordering/two"))
        #expect(lines.contains("Skipped: 2 not run, 1 unsupported, 1 inconclusive, 1 expected failure, 1 flaky failure"))
        #expect(lines.contains("Exit status 1: a required check failed"))
        #expect(lines.contains("  INCONCLUSIVE delivery/latency: server unreachable"))
    }

    @Test func aFailureListsTheFaultsKnownToFailItsScenario() throws {
        let causes = try #require(KnownFaults.byScenario["join/basic"])
        let lines = reporter.summary(report).split(separator: "\n").map(String.init)
        let heading = try #require(lines.firstIndex(of: "  Faults known to fail this scenario (deliberately broken servers, Tests/MutantTests):"))
        #expect(Array(lines[(heading + 1)...].prefix(causes.count)) == causes.map { "    - \($0)" })
        // Before the wire trace, after the witnesses.
        let trace = try #require(lines.firstIndex { $0.hasPrefix("  Wire trace") })
        #expect(heading < trace)
        // Only failed and expected-failed results carry faults; an unexpected pass does not.
        #expect(lines.filter { $0.hasPrefix("  Faults known to fail") }.count == 1)
        #expect(ReportFormatting.knownFaults(report.results[0]) == nil)  // a pass
        let expectedFailure = ReportFixtures.result("join/basic", .join, ["JOIN-1"], .expectedFailure(reason: "known"))
        #expect(ReportFormatting.knownFaults(expectedFailure) == causes)
        let unknown = ReportFixtures.result("join/not-a-scenario", .join, ["JOIN-1"], .fail)
        #expect(ReportFormatting.knownFaults(unknown) == nil)
    }

    @Test func cleanRunSummary() {
        var report = report
        report.results = [report.results[0], report.results[2]]
        let summary = reporter.summary(report)
        #expect(summary.hasSuffix("\nExit status 0: every required check passed\n2 passed, 0 failed, 0 skipped"))
        #expect(!summary.contains("Failures:"))
    }

    @Test func traceIsShortenedUnlessVerbose() {
        var report = report
        report.results[1].wireTrace = (0..<100).map { WireTraceEntry(time: .ms($0), sessionLabel: "s", direction: .sent, text: "line \($0)") }
        let short = ConsoleReporter(traceLimit: 10).summary(report)
        #expect(short.contains("Wire trace (100 entries, first 90 not shown):"))
        #expect(short.contains("line 99"))
        #expect(!short.contains("line 89\n"))
        #expect(ConsoleReporter(isVerbose: true).summary(report).contains("line 0\n"))
    }
}
