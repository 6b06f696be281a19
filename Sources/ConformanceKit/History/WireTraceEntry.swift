/// One line of a scenario's wire log (as Autobahn keeps per case): what a session sent or received.
public struct WireTraceEntry: Sendable, Equatable, Codable {
    public enum Direction: String, Sendable, Equatable, Codable {
        case sent
        case received
        /// A remark of the client (connection opened, closed, timer fired).
        case note

        /// The arrow reports print: `→` sent, `←` received, `·` note.
        public var symbol: String {
            switch self {
            case .sent: "→"
            case .received: "←"
            case .note: "·"
            }
        }
    }

    /// Time since the run's start (`KitClock`).
    public var time: Duration
    /// The session or HTTP connection, e.g. `alice#1` or `http#3`.
    public var sessionLabel: String
    public var direction: Direction
    /// The frame or request as text (binary shown escaped by the client).
    public var text: String

    public init(time: Duration, sessionLabel: String, direction: Direction, text: String) {
        self.time = time
        self.sessionLabel = sessionLabel
        self.direction = direction
        self.text = text
    }
}
