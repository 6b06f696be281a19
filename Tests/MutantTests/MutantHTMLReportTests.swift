import ConformanceKit
import Foundation
import MessengerBench
import Testing

/// The `conform --html` page of a real failing run, looked at in a real browser: the catalogue runs
/// against `history-received-only` (all_messages lists only received messages, JOIN-3; no restart
/// or crash capability, so those scenarios are skipped), the page is written under
/// `test-artifacts/reports/` (gitignored), and
/// `Tests/Browser/test_reports.py` opens it in headless Chromium through Playwright, checks what a
/// person must see there (the failure, its requirement quoted, the trace expanding, the filters
/// working, a hostile frame staying text, nothing loaded from outside) and keeps screenshots beside it;
/// the bench comparison page goes through the same browser.
///
/// `.ci/run` installs Chromium and Playwright and sets MESSENGER_TEST_PYTHON, which makes these tests
/// mandatory, as CI=true does; otherwise they run when `.venv` exists.
@Suite(.serialized) struct MutantHTMLReportTests {
    static let python: String? = {
        if let configured = ProcessInfo.processInfo.environment["MESSENGER_TEST_PYTHON"] { return configured }
        let venv = MutantCoverageTests.packageRoot() + "/.venv/bin/python"
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }()

    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    static let folder = MutantCoverageTests.packageRoot() + "/test-artifacts/reports"

    /// A frame no server should send, placed where server bytes reach the page.
    static let hostile = "</script><img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script>' onmouseover='window.pwned=3"

    @Test(.enabled(if: isCI || python != nil, "the Python venv with Playwright is not installed (run .ci/run)"))
    func aPersonSeesTheFailureOfABrokenServerInTheReportPage() async throws {
        let mutant = MessengerMutants.historyReceivedOnly
        let target = try MutantServerTarget(mutant: mutant)
        let runner = ConformanceRunner(
            scenarios: ScenarioCatalog.all,
            options: RunnerOptions(concurrency: 4, seed: 7, scenarioTimeout: .seconds(30)),
            target: target)
        let report = await runner.run()
        await target.stop()
        let failure = try #require(report.result("join/history-shape"))
        #expect(failure.verdict == .fail, "the mutant fails JOIN-3: \(failure.verdict)")
        #expect(report.results.filter { $0.verdict.didFail }.map(\.scenario.id) == ["join/history-shape"], "the only failure")
        #expect(report.results.filter { $0.verdict == .pass }.count >= 40, "the others pass")
        #expect(report.result("durability/restart")?.verdict.name == "skipped", "no restart capability: skipped, and the page says why")
        #expect(!failure.wireTrace.isEmpty)

        // The same run with a hostile frame where the server's bytes go: actual, trace, a reason.
        var hostileReport = report
        if let index = hostileReport.results.firstIndex(where: { $0.scenario.id == "join/history-shape" }) {
            hostileReport.results[index].actual = Self.hostile
            hostileReport.results[index].wireTrace.append(
                WireTraceEntry(time: .seconds(2), sessionLabel: "mallory#1\"><b>", direction: .received, text: "42[\"error\",\"\(Self.hostile)\"]"))
        }

        try FileManager.default.createDirectory(atPath: Self.folder, withIntermediateDirectories: true)
        let page = Self.folder + "/mutant-history-received-only.html"
        let hostilePage = Self.folder + "/hostile.html"
        try HTMLReporter().render(report).write(toFile: page, atomically: true, encoding: .utf8)
        try HTMLReporter().render(hostileReport).write(toFile: hostilePage, atomically: true, encoding: .utf8)

        let requirement = try #require(RequirementCatalog.requirement("JOIN-3"))
        let result = try await Self.runScript([
            "run", "--report", page, "--hostile-report", hostilePage, "--hostile-text", Self.hostile, "--screenshots", Self.folder,
            "--scenario", "join/history-shape", "--requirement", "JOIN-3", "--quote", requirement.text,
            "--passed", String(report.totals.passed), "--total", String(report.results.count),
        ])
        print(result.output)
        #expect(result.status == 0, "\(result.output)")
    }

    /// The `bench/compare --html` page, rendered now from the committed results of a real comparison
    /// (`bench/results/2026-12-06-html/*.json`), looked at in the browser: every workload's table and
    /// plots drawn, the ratios, the ledgers, phone width; and the page of one run (`conform bench
    /// --html`), from the reference server's side of the same results.
    @Test(.enabled(if: isCI || python != nil, "the Python venv with Playwright is not installed (run .ci/run)"))
    func theBenchComparisonPageReadsInABrowser() async throws {
        let results = MutantCoverageTests.packageRoot() + "/bench/results/2026-12-06-html"
        // The workloads that committed comparison measured (the soak workload came later).
        let workloads = BenchOptions.Workload.allCases.filter {
            FileManager.default.fileExists(atPath: results + "/reference-\($0.rawValue).json")
        }
        #expect(workloads.count >= 5)
        let reference = try #require(try BenchHTMLReporter.merged(directory: results, name: "reference", workloads: workloads))
        let peer = try #require(try BenchHTMLReporter.merged(directory: results, name: "peer", workloads: workloads))
        try FileManager.default.createDirectory(atPath: Self.folder, withIntermediateDirectories: true)
        let page = Self.folder + "/bench-compare.html"
        let single = Self.folder + "/bench-run.html"
        try BenchHTMLReporter().render(reference: reference, peer: peer).write(toFile: page, atomically: true, encoding: .utf8)
        try BenchHTMLReporter().render(reference).write(toFile: single, atomically: true, encoding: .utf8)
        let result = try await Self.runScript([
            "bench", "--report", page, "--single-report", single, "--workloads", workloads.map(\.rawValue).joined(separator: ","),
            "--screenshots", Self.folder,
        ])
        print(result.output)
        #expect(result.status == 0, "\(result.output)")
    }

    /// Runs `Tests/Browser/test_reports.py` on a GCD thread (the cooperative pool stays free).
    static func runScript(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let python = try #require(Self.python, "the browser tests need MESSENGER_TEST_PYTHON or .venv (.ci/run makes both)")
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: python)
                    process.arguments = [MutantCoverageTests.packageRoot() + "/Tests/Browser/test_reports.py"] + arguments
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
