/// The result of one scenario: its metadata, verdict, Expected/Actual, timing, witnesses and, when it
/// did not pass, the wire trace of its sessions.
public struct ScenarioResult: Sendable, Equatable {
    /// What a result does to the run's exit status (see `ExitStatus`).
    public enum Effect: Sendable, Equatable {
        case none
        case failsRun
        case leavesRunUndecided
    }

    public var scenario: ScenarioInfo
    public var verdict: Verdict
    /// Every acceptable outcome (from `ScenarioFailure`); empty unless the scenario failed.
    public var expected: [String]
    /// What happened (failure's actual text); nil unless the scenario failed.
    public var actual: String?
    /// When it started on the run clock; nil when it never ran (skipped).
    public var startedAt: Duration?
    public var duration: Duration
    public var witnesses: [OperationID]
    /// The history operations named by `witnesses`.
    public var witnessOperations: [HistoryOperation]
    /// The scenario's wire trace (every session it opened), kept for verdicts other than pass/skip.
    public var wireTrace: [WireTraceEntry]
    /// Older trace entries dropped to stay within the trace limit.
    public var droppedTraceEntries: Int
    /// The expectations-file entry that applied, if any.
    public var expectation: Expectation?

    public init(
        scenario: ScenarioInfo, verdict: Verdict, expected: [String] = [], actual: String? = nil,
        startedAt: Duration? = nil, duration: Duration = .zero, witnesses: [OperationID] = [],
        witnessOperations: [HistoryOperation] = [], wireTrace: [WireTraceEntry] = [], droppedTraceEntries: Int = 0,
        expectation: Expectation? = nil
    ) {
        self.scenario = scenario
        self.verdict = verdict
        self.expected = expected
        self.actual = actual
        self.startedAt = startedAt
        self.duration = duration
        self.witnesses = witnesses
        self.witnessOperations = witnessOperations
        self.wireTrace = wireTrace
        self.droppedTraceEntries = droppedTraceEntries
        self.expectation = expectation
    }

    /// Whether this scenario's verdict counts toward the exit status: MUST and optional always, SHOULD with `strict`.
    public func isRequired(isStrict: Bool) -> Bool { scenario.level != .should || isStrict }

    /// What this result does to the exit status (rules in `ExitStatus`).
    public func effect(isStrict: Bool) -> Effect {
        switch verdict {
        case .fail: isRequired(isStrict: isStrict) ? .failsRun : .none
        case .unexpectedPass: .failsRun
        case .unsupported: isStrict && scenario.level != .optional ? .failsRun : .none
        case .inconclusive: isRequired(isStrict: isStrict) && expectation?.kind != .flaky ? .leavesRunUndecided : .none
        case .pass, .skipped, .expectedFailure, .flakyFailure: .none
        }
    }
}
