/// One event a session received that the delivery checker reads: an `all_messages` history or a
/// `new_message`, each reduced to message nonces.
public struct SessionObservation: Sendable, Equatable {
    public enum Event: Sendable, Equatable {
        /// `all_messages`: conversation key (the other party) → the nonces of its messages in listed order.
        case allMessages([String: [String]])
        /// `new_message` carrying the message with this nonce.
        case newMessage(nonce: String)
    }

    public var event: Event
    /// Arrival time (`KitClock`).
    public var time: Duration
    /// The receive operation in the history.
    public var operation: OperationID?

    public init(_ event: Event, time: Duration, operation: OperationID? = nil) {
        self.event = event
        self.time = time
        self.operation = operation
    }
}
