/// Human-readable output: live progress lines, then per-area figures, the failures in full, and the
/// closing line.
///
/// Progress: `[ 12/63] PASS join/basic (34 ms)`, with `: reason` after verdicts that carry one.
/// Summary figures: the closing line is exactly `N passed, N failed, N skipped`, alone on its line,
/// where *passed* counts PASS, *failed* counts FAIL and XPASS (unexpected pass), and *skipped* counts
/// everything neither passed nor failed — SKIP, UNSUPPORTED, INCONCLUSIVE, XFAIL (expected failure)
/// and FLAKY — so the three add up to the scenario count; the line before it breaks the skipped
/// figure down when it is not zero.
public struct ConsoleReporter: Sendable {
    public var isVerbose: Bool
    /// Most wire trace lines printed per failure (the last ones); nil or `isVerbose` prints all.
    public var traceLimit: Int?

    public init(isVerbose: Bool = false, traceLimit: Int? = 40) {
        self.isVerbose = isVerbose
        self.traceLimit = traceLimit
    }

    /// The live line for a progress event, or nil when the event prints nothing.
    public func line(for event: RunEvent) -> String? {
        switch event {
        case .runStarted(let metadata, let count):
            return "conform \(metadata.kitVersion) (Spec \(metadata.specVersion)) against \(metadata.targetURL): "
                + "\(count) scenario\(count == 1 ? "" : "s"), seed \(metadata.seed), run token \(metadata.runToken)"
        case .scenarioStarted(let scenario):
            return isVerbose ? "        start \(scenario.id)" : nil
        case .scenarioFinished(let result, let completed, let total):
            return progressLine(result, completed: completed, total: total)
        case .runFinished:
            return nil
        }
    }

    /// `[ 12/63] PASS join/basic (34 ms)`.
    public func progressLine(_ result: ScenarioResult, completed: Int, total: Int) -> String {
        let width = String(total).count
        let number = String(completed)
        var line = "[\(String(repeating: " ", count: max(0, width - number.count)))\(number)/\(total)] \(result.verdict.label) \(result.scenario.id)"
        if result.startedAt != nil { line += " (\(ReportFormatting.duration(result.duration)))" }
        if let reason = result.verdict.reason { line += ": \(reason)" }
        return line
    }

    /// Everything printed after the run, ending with the closing line.
    public func summary(_ report: RunReport) -> String {
        var lines: [String] = ["", "Results by area:"]
        let areas = Set(report.results.map(\.scenario.area)).sorted()
        for area in areas {
            lines.append("  " + areaLine(area, results: report.results.filter { $0.scenario.area == area }))
        }
        let failures = report.results.filter {
            switch $0.verdict {
            case .fail, .unexpectedPass: true
            default: false
            }
        }
        if !failures.isEmpty {
            lines += ["", "Failures:"]
            for result in failures {
                lines.append("")
                lines.append("\(result.verdict.label) \(result.scenario.id) [\(result.scenario.level.rawValue)\(result.isRequired(isStrict: report.metadata.isStrict) ? "" : ", not required")]: \(result.scenario.title)")
                lines += ReportFormatting.details(result, indent: "  ", traceLimit: isVerbose ? nil : traceLimit)
            }
        }
        let others = report.results.filter {
            switch $0.verdict {
            case .inconclusive, .expectedFailure, .flakyFailure: true
            default: false
            }
        }
        if !others.isEmpty {
            lines += ["", "Inconclusive, expected and flaky failures:"]
            for result in others {
                lines.append("  \(result.verdict.label) \(result.scenario.id): \(result.verdict.reason ?? "")")
                if isVerbose { lines += ReportFormatting.details(result, indent: "    ", traceLimit: nil) }
            }
        }
        let totals = report.totals
        let figures = totals.closingFigures
        lines.append("")
        if let finishedAt = report.metadata.finishedAt {
            let seconds = max(0, finishedAt.timeIntervalSince(report.metadata.startedAt))
            lines.append("Duration: \(ReportFormatting.duration(.milliseconds(Int((seconds * 1000).rounded())))) for the whole run")
        }
        lines.append("Exit status \(report.exitStatus.rawValue): \(Self.meaning(report.exitStatus))")
        if figures.skipped > 0 {
            var parts: [String] = []
            if totals.skipped > 0 { parts.append("\(totals.skipped) not run") }
            if totals.unsupported > 0 { parts.append("\(totals.unsupported) unsupported") }
            if totals.inconclusive > 0 { parts.append("\(totals.inconclusive) inconclusive") }
            if totals.expectedFailures > 0 { parts.append("\(totals.expectedFailures) expected failure\(totals.expectedFailures == 1 ? "" : "s")") }
            if totals.flakyFailures > 0 { parts.append("\(totals.flakyFailures) flaky failure\(totals.flakyFailures == 1 ? "" : "s")") }
            lines.append("Skipped: " + parts.joined(separator: ", "))
        }
        lines.append("\(figures.passed) passed, \(figures.failed) failed, \(figures.skipped) skipped")
        return lines.joined(separator: "\n")
    }

    /// `Durability: 1/1 passed, 2 skipped (needs --restart-command)`: passed out of the scenarios that
    /// ran to a pass or fail verdict; what was not run or not decided is stated beside it.
    func areaLine(_ area: ScenarioArea, results: [ScenarioResult]) -> String {
        "\(area.displayName): " + Self.areaFigures(results)
    }

    /// `1/1 passed, 2 skipped (needs --restart-command)`: the figures of `areaLine` (also the HTML report's).
    static func areaFigures(_ results: [ScenarioResult]) -> String {
        let totals = RunTotals(results)
        let decided = totals.total - totals.skipped - totals.unsupported - totals.inconclusive
        var parts = ["\(totals.passed)/\(decided) passed"]
        if totals.failed + totals.unexpectedPasses > 0 { parts.append("\(totals.failed + totals.unexpectedPasses) failed") }
        func withReasons(_ count: Int, _ noun: String, _ reasons: [String]) {
            guard count > 0 else { return }
            var unique: [String] = []
            for reason in reasons where !unique.contains(reason) { unique.append(reason) }
            parts.append("\(count) \(noun)" + (unique.isEmpty ? "" : " (\(unique.joined(separator: "; ")))"))
        }
        withReasons(totals.skipped, "skipped", results.compactMap { if case .skipped(let reason) = $0.verdict { reason } else { nil } })
        withReasons(totals.unsupported, "unsupported", [])
        withReasons(totals.inconclusive, "inconclusive", [])
        withReasons(totals.expectedFailures, "expected failure\(totals.expectedFailures == 1 ? "" : "s")", [])
        withReasons(totals.flakyFailures, "flaky", [])
        return parts.joined(separator: ", ")
    }

    static func meaning(_ status: ExitStatus) -> String {
        switch status {
        case .success: "every required check passed"
        case .failure: "a required check failed"
        case .inconclusive: "some required scenario could not be decided"
        case .usage: "usage error"
        }
    }
}
