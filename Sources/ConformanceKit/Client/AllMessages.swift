import WireCodecs

/// The `all_messages` a join received: conversations keyed by the other party, in object order
/// (Spec JOIN-2, JOIN-3).
public struct AllMessages: Sendable {
    /// The conversations in the object's member order; empty when the shape is wrong.
    public var conversations: [(party: String, messages: [MessageObject])]
    /// Why the argument does not have the JOIN-2 shape; nil when it does.
    public var shapeError: String?
    /// The event's first argument as received (`.null` when it had none).
    public var raw: JSONValue
    /// Arrival time (`KitClock`).
    public var time: Duration
    /// The `receive(all_messages)` operation.
    public var operation: OperationID

    public init(raw: JSONValue, time: Duration, operation: OperationID) {
        self.raw = raw
        self.time = time
        self.operation = operation
        switch Self.parse(raw) {
        case .success(let conversations):
            self.conversations = conversations.map { (party: $0.0, messages: $0.1) }
            self.shapeError = nil
        case .failure(let error):
            self.conversations = []
            self.shapeError = error.reason
        }
    }

    /// The messages of the conversation with `party` (empty when there is none).
    public func messages(with party: String) -> [MessageObject] {
        conversations.last { $0.party == party }?.messages ?? []
    }

    /// Every message of every conversation, in listed order.
    public var allMessages: [MessageObject] { conversations.flatMap(\.messages) }

    /// The parties in listed order.
    public var parties: [String] { conversations.map(\.party) }

    /// The conversations of an `all_messages` argument, or why its shape is wrong (Spec JOIN-2: an
    /// object whose values are arrays of message objects).
    public static func parse(_ value: JSONValue) -> Result<[(String, [MessageObject])], AllMessagesShapeError> {
        guard let members = value.objectMembers else {
            return .failure(AllMessagesShapeError("the argument is not a JSON object: \(KitFormat.truncated(value.serialized(), limit: 120))"))
        }
        var conversations: [(String, [MessageObject])] = []
        for member in members {
            guard let items = member.value.arrayValue else {
                return .failure(AllMessagesShapeError("conversation \"\(member.key)\" is not an array"))
            }
            var messages: [MessageObject] = []
            for item in items {
                switch MessageObject.parse(item) {
                case .success(let message): messages.append(message)
                case .failure(let error): return .failure(AllMessagesShapeError("conversation \"\(member.key)\": \(error.reason)"))
                }
            }
            conversations.append((member.key, messages))
        }
        return .success(conversations)
    }

    /// The nonces (contents) per conversation, as the delivery checker reads them.
    static func nonceMap(_ value: JSONValue) -> [String: [String]]? {
        guard case .success(let conversations) = parse(value) else { return nil }
        var map: [String: [String]] = [:]
        for (party, messages) in conversations { map[party, default: []] += messages.map(\.content) }
        return map
    }
}
