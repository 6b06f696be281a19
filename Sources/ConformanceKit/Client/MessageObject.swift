import WireCodecs

/// A message as the server reports it: string `sender`, `content` and `timestamp`; other members are
/// kept in `raw` and otherwise ignored (Spec "Message object").
public struct MessageObject: Sendable, Equatable {
    public var sender: String
    public var content: String
    public var timestamp: String
    public var raw: JSONValue

    public init(sender: String, content: String, timestamp: String, raw: JSONValue) {
        self.sender = sender
        self.content = content
        self.timestamp = timestamp
        self.raw = raw
    }

    /// The message object in `value`, or why it is not one.
    public static func parse(_ value: JSONValue) -> Result<MessageObject, AllMessagesShapeError> {
        guard value.objectMembers != nil else { return .failure(AllMessagesShapeError("a message is not a JSON object: \(KitFormat.truncated(value.serialized(), limit: 120))")) }
        for key in ["sender", "content", "timestamp"] where value[key]?.stringValue == nil {
            return .failure(AllMessagesShapeError("a message lacks a string \"\(key)\": \(KitFormat.truncated(value.serialized(), limit: 120))"))
        }
        return .success(MessageObject(
            sender: value["sender"]?.stringValue ?? "", content: value["content"]?.stringValue ?? "",
            timestamp: value["timestamp"]?.stringValue ?? "", raw: value))
    }
}

/// Why an `all_messages` argument or a message object has the wrong shape (Spec JOIN-2).
public struct AllMessagesShapeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) { self.reason = reason }

    public var description: String { reason }
}
