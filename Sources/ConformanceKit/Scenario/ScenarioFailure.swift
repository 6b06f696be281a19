/// Thrown by a scenario body when the server did something the Spec forbids: the verdict is FAIL.
///
/// As h2spec prints it: `expected` lists every acceptable outcome, `actual` says what happened, and
/// `witnesses` name the recorded operations that show it (Jepsen style).
public struct ScenarioFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var expected: [String]
    public var actual: String
    public var witnesses: [OperationID]

    public init(expected: [String], actual: String, witnesses: [OperationID] = []) {
        self.expected = expected
        self.actual = actual
        self.witnesses = witnesses
    }

    public init(expected: String, actual: String, witnesses: [OperationID] = []) {
        self.init(expected: [expected], actual: actual, witnesses: witnesses)
    }

    public var description: String { "expected \(expected.joined(separator: " or ")); actual \(actual)" }
}
