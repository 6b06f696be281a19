/// The correctness accounting of a bench workload: every message sent, its answer, and every
/// `new_message` each session saw, so that a lost, duplicated or misdelivered message fails the run
/// whatever the speed (Spec DELIVER-1, DELIVER-2; Jepsen-style lost/duplicated counts).
///
/// Users are numbered `0..<userCount`, each with `sessionsPerUser` session slots; messages are
/// numbered in send order (their sequence number is carried in the content). Storage is dense
/// (one byte per message and slot), so a fan-out run of a million deliveries stays cheap.
public struct BenchLedger: Sendable {
    /// What the server answered to a message's send.
    public enum Answer: UInt8, Sendable {
        /// No answer yet (or never: the run ended first).
        case none = 0
        /// 201 / a success ack: the message must be delivered to every session of its receiver.
        case accepted
        /// A refusal: the message must not be delivered.
        case rejected
    }

    /// How one observed delivery was classified.
    public enum Delivery: Sendable, Equatable {
        /// The first `new_message` for this message on this session, as expected.
        case first
        /// This session already saw the message.
        case duplicate
        /// The session is bound to another user than the message's receiver.
        case misdelivered
        /// The sequence number was never sent (or the content was not the bench's).
        case unknown
    }

    /// The totals a report shows.
    public struct Tally: Sendable, Equatable, Codable {
        public var sent = 0
        public var accepted = 0
        public var rejected = 0
        /// Sent but unanswered when the tally was taken (indeterminate, as Jepsen's `info`).
        public var unanswered = 0
        /// Accepted messages times the receiver's sessions.
        public var expectedDeliveries = 0
        /// First deliveries of accepted or unanswered messages on the right sessions.
        public var delivered = 0
        /// Expected deliveries that never came.
        public var lost = 0
        /// Deliveries beyond the first on one session.
        public var duplicated = 0
        /// Deliveries to a session of another user.
        public var misdelivered = 0
        /// Deliveries of messages the server refused.
        public var deliveredRejected = 0
        /// Deliveries the bench cannot attribute (unknown sequence number, wrong sender or content).
        public var unknown = 0

        public init() {}

        /// Whether anything went wrong that fails the run.
        public var isCorrect: Bool { lost == 0 && duplicated == 0 && misdelivered == 0 && deliveredRejected == 0 && unknown == 0 }

        /// Adds another tally's counts (the rounds of the soak workload).
        public mutating func add(_ other: Tally) {
            sent += other.sent
            accepted += other.accepted
            rejected += other.rejected
            unanswered += other.unanswered
            expectedDeliveries += other.expectedDeliveries
            delivered += other.delivered
            lost += other.lost
            duplicated += other.duplicated
            misdelivered += other.misdelivered
            deliveredRejected += other.deliveredRejected
            unknown += other.unknown
        }
    }

    public let userCount: Int
    public let sessionsPerUser: Int
    private(set) var receivers: [Int32] = []
    private(set) var answers: [Answer] = []
    /// `deliveries[sequence * sessionsPerUser + slot]`, saturating at 255.
    private var deliveries: [UInt8] = []
    private var duplicated = 0
    private var misdelivered = 0
    private var unknown = 0
    private var firstDeliveries = 0

    public init(userCount: Int, sessionsPerUser: Int) {
        self.userCount = max(0, userCount)
        self.sessionsPerUser = max(1, sessionsPerUser)
    }

    /// Messages sent so far.
    public var sentCount: Int { receivers.count }

    /// Records a message about to be sent to `receiver`; returns its sequence number.
    public mutating func recordSend(receiver: Int) -> Int {
        receivers.append(Int32(truncatingIfNeeded: receiver))
        answers.append(.none)
        deliveries.append(contentsOf: repeatElement(0, count: sessionsPerUser))
        return receivers.count - 1
    }

    /// Records the server's answer to message `sequence`; later answers to the same message are ignored.
    public mutating func recordAnswer(_ sequence: Int, isAccepted: Bool) {
        guard answers.indices.contains(sequence), answers[sequence] == .none else { return }
        answers[sequence] = isAccepted ? .accepted : .rejected
    }

    /// The answer recorded for `sequence`.
    public func answer(_ sequence: Int) -> Answer {
        answers.indices.contains(sequence) ? answers[sequence] : .none
    }

    /// The receiver of message `sequence`, if it was sent.
    public func receiver(of sequence: Int) -> Int? {
        receivers.indices.contains(sequence) ? Int(receivers[sequence]) : nil
    }

    /// Records that the session in `slot` of `user` received message `sequence`.
    @discardableResult
    public mutating func recordDelivery(_ sequence: Int, user: Int, slot: Int) -> Delivery {
        guard receivers.indices.contains(sequence), (0..<sessionsPerUser).contains(slot) else {
            unknown += 1
            return .unknown
        }
        guard Int(receivers[sequence]) == user else {
            misdelivered += 1
            return .misdelivered
        }
        let index = sequence * sessionsPerUser + slot
        let previous = deliveries[index]
        if previous < .max { deliveries[index] = previous + 1 }
        if previous == 0 {
            firstDeliveries += 1
            return .first
        }
        duplicated += 1
        return .duplicate
    }

    /// Records a delivery the bench could not attribute (not its content, wrong sender).
    public mutating func recordUnknownDelivery() { unknown += 1 }

    /// First deliveries so far (cheap; for progress lines).
    public var deliveredCount: Int { firstDeliveries }

    /// Whether every accepted message reached every session of its receiver (cheap enough to poll
    /// while draining: it stops at the first gap).
    public var isComplete: Bool {
        for sequence in answers.indices where answers[sequence] == .accepted {
            let base = sequence * sessionsPerUser
            for slot in 0..<sessionsPerUser where deliveries[base + slot] == 0 { return false }
        }
        return true
    }

    /// The totals, walking every message.
    public func tally() -> Tally {
        var tally = Tally()
        tally.sent = receivers.count
        tally.duplicated = duplicated
        tally.misdelivered = misdelivered
        tally.unknown = unknown
        for sequence in receivers.indices {
            let base = sequence * sessionsPerUser
            switch answers[sequence] {
            case .accepted:
                tally.accepted += 1
                tally.expectedDeliveries += sessionsPerUser
                for slot in 0..<sessionsPerUser {
                    if deliveries[base + slot] == 0 { tally.lost += 1 } else { tally.delivered += 1 }
                }
            case .rejected:
                tally.rejected += 1
                for slot in 0..<sessionsPerUser where deliveries[base + slot] > 0 { tally.deliveredRejected += 1 }
            case .none:
                tally.unanswered += 1
                for slot in 0..<sessionsPerUser where deliveries[base + slot] > 0 { tally.delivered += 1 }
            }
        }
        return tally
    }
}
