import WireCodecs

/// The outcome of one `POST /messages` (Spec §2).
public struct PostResult: Sendable {
    /// The status; nil when no answer came (timeout, connection lost): the message may or may not exist.
    public var status: Int?
    public var json: JSONValue?
    /// The response's header fields (empty without an answer).
    public var headers: HTTPHeaders
    /// The `post` operation in the history.
    public var operation: OperationID
    /// The message as the delivery checker sees it (nonce = content).
    public var sent: SentMessage

    public init(status: Int?, json: JSONValue?, operation: OperationID, sent: SentMessage, headers: HTTPHeaders = HTTPHeaders()) {
        self.status = status
        self.json = json
        self.headers = headers
        self.operation = operation
        self.sent = sent
    }

    /// Answered 201.
    public var isAccepted: Bool { status == 201 }
}
