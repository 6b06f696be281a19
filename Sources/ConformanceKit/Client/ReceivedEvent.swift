import WireCodecs

/// One Socket.IO event a session received: `["<name>", <argument>...]` on `/` (Spec "Event").
public struct ReceivedEvent: Sendable, Equatable {
    public var name: String
    public var arguments: [JSONValue]
    /// Arrival time (`KitClock`).
    public var time: Duration
    /// The `receive(event:)` operation recorded in the history.
    public var operation: OperationID

    public init(name: String, arguments: [JSONValue], time: Duration, operation: OperationID) {
        self.name = name
        self.arguments = arguments
        self.time = time
        self.operation = operation
    }

    /// The first argument, if any.
    public var firstArgument: JSONValue? { arguments.first }

    /// `new_message {"sender":…}` for failure texts.
    public var summary: String {
        KitFormat.truncated(([name] + arguments.map { $0.serialized() }).joined(separator: " "), limit: 200)
    }
}
