import Testing
@testable import ConformanceKit

/// Exit status rules (`ExitStatus`): one table over level × verdict × strictness.
@Suite struct ScenarioResultTests {
    static func result(_ level: [String], _ verdict: Verdict, flaky: Bool = false) -> ScenarioResult {
        ScenarioResult(
            scenario: FakeScenario.make("x", requirements: level).info, verdict: verdict,
            expectation: flaky ? Expectation(kind: .flaky, scenarioID: "x", reason: "r") : nil
        )
    }

    static let must = ["JOIN-1"]
    static let should = ["DELIVER-4"]
    static let optional = ["EXT-2"]

    @Test(arguments: [
        (must, Verdict.fail, false, ScenarioResult.Effect.failsRun),
        (must, .fail, true, .failsRun),
        (should, .fail, false, .none),
        (should, .fail, true, .failsRun),
        (optional, .fail, false, .failsRun),
        (must, .unsupported(reason: "r"), false, .none),
        (must, .unsupported(reason: "r"), true, .failsRun),
        (should, .unsupported(reason: "r"), true, .failsRun),
        (optional, .unsupported(reason: "r"), true, .none),
        (must, .inconclusive(reason: "r"), false, .leavesRunUndecided),
        (should, .inconclusive(reason: "r"), false, .none),
        (should, .inconclusive(reason: "r"), true, .leavesRunUndecided),
        (must, .unexpectedPass(reason: "r"), false, .failsRun),
        (should, .unexpectedPass(reason: "r"), false, .failsRun),
        (must, .expectedFailure(reason: "r"), true, .none),
        (must, .flakyFailure(reason: "r"), true, .none),
        (must, .skipped(reason: "r"), true, .none),
        (must, .pass, true, .none),
    ])
    func effectOnTheRun(level: [String], verdict: Verdict, isStrict: Bool, effect: ScenarioResult.Effect) {
        #expect(Self.result(level, verdict).effect(isStrict: isStrict) == effect)
    }

    @Test func flakyInconclusiveLeavesTheRunDecided() {
        #expect(Self.result(Self.must, .inconclusive(reason: "r"), flaky: true).effect(isStrict: false) == .none)
    }

    @Test func exitStatusPrefersFailureOverInconclusive() {
        let pass = Self.result(Self.must, .pass)
        let fail = Self.result(Self.must, .fail)
        let undecided = Self.result(Self.must, .inconclusive(reason: "r"))
        #expect(ExitStatus.of([pass], isStrict: false) == .success)
        #expect(ExitStatus.of([], isStrict: false) == .success)
        #expect(ExitStatus.of([pass, undecided], isStrict: false) == .inconclusive)
        #expect(ExitStatus.of([undecided, fail], isStrict: false) == .failure)
        #expect(ExitStatus.usage.rawValue == 64)
    }

    @Test func verdictNamesAndLabelsAreDistinct() {
        let verdicts: [Verdict] = [.pass, .fail, .unsupported(reason: ""), .skipped(reason: ""), .inconclusive(reason: ""), .expectedFailure(reason: ""), .unexpectedPass(reason: ""), .flakyFailure(reason: "")]
        #expect(Set(verdicts.map(\.name)).count == verdicts.count)
        #expect(Set(verdicts.map(\.label)).count == verdicts.count)
        #expect(verdicts.filter(\.didPass) == [.pass, .unexpectedPass(reason: "")])
    }

    @Test func totalsCountEachVerdictAndClosingFiguresAddUp() {
        let results = [Verdict.pass, .pass, .fail, .unexpectedPass(reason: ""), .skipped(reason: ""), .unsupported(reason: ""), .inconclusive(reason: ""), .expectedFailure(reason: ""), .flakyFailure(reason: "")]
            .map { Self.result(Self.must, $0) }
        let totals = RunTotals(results)
        #expect(totals.total == 9)
        #expect(totals.passed == 2)
        #expect(totals.failed == 1)
        #expect(totals.unexpectedPasses == 1)
        let figures = totals.closingFigures
        #expect(figures.passed == 2)
        #expect(figures.failed == 2)
        #expect(figures.skipped == 5)
    }
}
