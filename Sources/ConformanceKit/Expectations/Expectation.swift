/// One line of an expectations file: a scenario known to fail, or known to be flaky, and why.
public struct Expectation: Sendable, Equatable, Hashable, Codable {
    public enum Kind: String, Sendable, Equatable, Hashable, Codable {
        /// The scenario is expected to fail: a failure becomes `expectedFailure`, a pass `unexpectedPass`.
        case fail
        /// The scenario may fail now and then: a failure becomes `flakyFailure` and never fails the run.
        case flaky
    }

    public var kind: Kind
    public var scenarioID: String
    public var reason: String
    /// Line number in the file (1-based), for messages.
    public var line: Int

    public init(kind: Kind, scenarioID: String, reason: String, line: Int = 0) {
        self.kind = kind
        self.scenarioID = scenarioID
        self.reason = reason
        self.line = line
    }
}
