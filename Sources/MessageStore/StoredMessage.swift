/// A message as stored: the server-assigned id and timestamp plus what the sender posted.
public struct StoredMessage: Sendable, Equatable, Hashable {
    /// Assigned by the store; strictly increasing in commit order.
    public var id: Int64
    public var sender: String
    public var receiver: String
    public var content: String
    /// ISO 8601 UTC with milliseconds, e.g. `2026-11-22T12:00:00.123Z` (see `MessageTimestamp`).
    public var timestamp: String

    public init(id: Int64, sender: String, receiver: String, content: String, timestamp: String) {
        self.id = id
        self.sender = sender
        self.receiver = receiver
        self.content = content
        self.timestamp = timestamp
    }
}
