/// Assertion helpers that turn a check into a `ScenarioFailure` with h2spec-style Expected/Actual text.
extension ScenarioContext {
    /// Fails the scenario unless `condition` holds.
    public func expect(
        _ condition: Bool, expected: @autoclosure () -> String, actual: @autoclosure () -> String,
        witnesses: [OperationID] = []
    ) throws(ScenarioFailure) {
        guard !condition else { return }
        throw ScenarioFailure(expected: [expected()], actual: actual(), witnesses: witnesses)
    }

    /// Fails the scenario unless `condition` holds; `expected` lists every acceptable outcome.
    public func expect(
        _ condition: Bool, expected: @autoclosure () -> [String], actual: @autoclosure () -> String,
        witnesses: [OperationID] = []
    ) throws(ScenarioFailure) {
        guard !condition else { return }
        throw ScenarioFailure(expected: expected(), actual: actual(), witnesses: witnesses)
    }

    /// Fails unless `actual == expected`; `subject` names what is compared (`"status"`, `"body.status"`).
    public func expectEqual<Value: Equatable>(
        _ actual: Value, _ expected: Value, _ subject: String, witnesses: [OperationID] = []
    ) throws(ScenarioFailure) {
        guard actual != expected else { return }
        throw ScenarioFailure(expected: ["\(subject) \(expected)"], actual: "\(subject) \(actual)", witnesses: witnesses)
    }

    /// Fails unless `actual` is one of `acceptable`, listing each as an acceptable outcome.
    public func expectOneOf<Value: Equatable>(
        _ actual: Value, _ acceptable: [Value], _ subject: String, witnesses: [OperationID] = []
    ) throws(ScenarioFailure) {
        guard !acceptable.contains(actual) else { return }
        throw ScenarioFailure(expected: acceptable.map { "\(subject) \($0)" }, actual: "\(subject) \(actual)", witnesses: witnesses)
    }

    /// Returns the value, or fails with `expected` / "nothing" when it is nil.
    public func expectPresent<Value>(
        _ value: Value?, expected: @autoclosure () -> String, actual: @autoclosure () -> String = "nothing",
        witnesses: [OperationID] = []
    ) throws(ScenarioFailure) -> Value {
        guard let value else { throw ScenarioFailure(expected: [expected()], actual: actual(), witnesses: witnesses) }
        return value
    }

    /// Fails unless the delivery check found no violation; the actual text lists the first findings.
    public func expectClean(_ report: DeliveryReport, expected: String, limit: Int = 5) throws(ScenarioFailure) {
        let violations = report.violations
        guard !violations.isEmpty else { return }
        var lines = violations.prefix(limit).map(\.description)
        if violations.count > limit { lines.append("… and \(violations.count - limit) more") }
        throw ScenarioFailure(
            expected: [expected], actual: lines.joined(separator: "; "),
            witnesses: Array(violations.prefix(limit).flatMap(\.witnesses))
        )
    }

    /// Ends the scenario as FAIL.
    public func fail(expected: [String], actual: String, witnesses: [OperationID] = []) throws(ScenarioFailure) -> Never {
        throw ScenarioFailure(expected: expected, actual: actual, witnesses: witnesses)
    }

    /// Ends the scenario as INCONCLUSIVE.
    public func inconclusive(_ reason: String, witnesses: [OperationID] = []) throws(ScenarioInconclusive) -> Never {
        throw ScenarioInconclusive(reason, witnesses: witnesses)
    }

    /// Ends the scenario as UNSUPPORTED (optional feature absent).
    public func unsupported(_ reason: String) throws(ScenarioUnsupported) -> Never {
        throw ScenarioUnsupported(reason)
    }
}
