/// A message a scenario sent (by `POST /messages` or `send_message`), as the delivery checker sees it.
public struct SentMessage: Sendable, Equatable {
    /// The unique string carried in the content that identifies the message wherever it appears.
    public var nonce: String
    public var sender: String
    public var receiver: String
    /// ok: answered 201 (accepted); fail: refused (4xx) so it must appear nowhere; info: no answer
    /// (timeout, connection lost), so it may or may not have been accepted.
    public var outcome: HistoryOperation.Outcome
    /// When the request was sent.
    public var invokedAt: Duration
    /// When its 201 arrived (ok only).
    public var acceptedAt: Duration?
    /// The POST operation in the history.
    public var operation: OperationID?

    public init(
        nonce: String, sender: String, receiver: String, outcome: HistoryOperation.Outcome, invokedAt: Duration,
        acceptedAt: Duration? = nil, operation: OperationID? = nil
    ) {
        self.nonce = nonce
        self.sender = sender
        self.receiver = receiver
        self.outcome = outcome
        self.invokedAt = invokedAt
        self.acceptedAt = acceptedAt
        self.operation = operation
    }

    /// The key of this message's conversation in `all_messages` of `user` (Spec JOIN-2): the other party,
    /// or the user for a message to self; nil when the user is neither sender nor receiver.
    public func conversationKey(for user: String) -> String? {
        if receiver == user { return sender }
        if sender == user { return receiver }
        return nil
    }
}
