/// One operation of a history, Jepsen style: invoked, then completed `ok`, `fail` or `info`
/// (indeterminate: it may or may not have taken effect), or still pending.
public struct HistoryOperation: Sendable, Equatable, CustomStringConvertible {
    public enum Outcome: String, Sendable, Equatable, Codable {
        case ok
        case fail
        /// Indeterminate (timeout, connection lost before the answer): may or may not have happened.
        case info
    }

    public var id: OperationID
    /// The session or HTTP connection that did it, e.g. `alice#1`, `http#2`.
    public var process: String
    public var kind: OperationKind
    /// The invocation's value (request body, event argument) as text.
    public var value: String?
    public var invokedAt: Duration
    /// nil while pending.
    public var outcome: Outcome?
    /// The completion's value (response, error) as text.
    public var result: String?
    public var completedAt: Duration?

    public init(
        id: OperationID, process: String, kind: OperationKind, value: String?, invokedAt: Duration,
        outcome: Outcome? = nil, result: String? = nil, completedAt: Duration? = nil
    ) {
        self.id = id
        self.process = process
        self.kind = kind
        self.value = value
        self.invokedAt = invokedAt
        self.outcome = outcome
        self.result = result
        self.completedAt = completedAt
    }

    /// `op#3 alice#1 post {…} → ok 201`.
    public var description: String {
        var text = "\(id) \(process) \(kind)"
        if let value { text += " \(value)" }
        if let outcome {
            text += " → \(outcome.rawValue)"
            if let result { text += " \(result)" }
        } else {
            text += " → pending"
        }
        return text
    }
}
