/// A message submitted for storage: what a client posted, before the store assigns id and timestamp.
public struct NewMessage: Sendable, Equatable, Hashable {
    public var sender: String
    public var receiver: String
    public var content: String

    public init(sender: String, receiver: String, content: String) {
        self.sender = sender
        self.receiver = receiver
        self.content = content
    }
}
