/// One classification the delivery checker made, with the operations that witness it.
public struct DeliveryFinding: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
        /// Arrived exactly once on an expected session.
        case delivered
        /// Accepted (201) but never arrived on a session of its receiver: Spec DELIVER-1, ONCE-1.
        case lost
        /// Arrived more than once on one session (its join's `all_messages` plus `new_message` events): DELIVER-1, ONCE-1, JOIN-3.
        case duplicated
        /// Arrived before a message of the same pair that was POSTed after the previous one's 201: ORDER-1, ORDER-2.
        case reordered
        /// Reached a session of a user other than the receiver (or the sender, in `all_messages`), or an unjoined session: DELIVER-2, DELIVER-3, JOIN-4.
        case leaked
        /// Arrived as `new_message` later than the bound after its 201: DELIVER-4.
        case late
        /// Its POST had no answer and it never arrived: it may or may not exist; never counted as lost.
        case indeterminate
        /// Appeared although it was refused or never sent: SEND-3, SEND-4.
        case phantom
        /// Answered 201 before the session emitted `join`, yet missing from that join's `all_messages`: ONCE-3.
        case missingFromHistory
        /// A `new_message` arrived before the join's `all_messages`: ONCE-2.
        case precededHistory
        /// Something arrived after the session was closed: DISCONNECT-1, DISCONNECT-3.
        case afterClose
        /// Two sessions of one receiver saw `new_message` events in different orders: ORDER-3.
        case crossSessionOrder
        /// A session's `new_message` order disagrees with a later `all_messages`: ORDER-4.
        case historyDisagreement

        /// Whether this finding breaks the Spec (all but `delivered` and `indeterminate`).
        public var isViolation: Bool { self != .delivered && self != .indeterminate }

        /// The Spec requirements this kind of finding bears on.
        public var requirements: [String] {
            switch self {
            case .delivered, .indeterminate: []
            case .lost: ["DELIVER-1", "ONCE-1"]
            case .duplicated: ["DELIVER-1", "ONCE-1", "JOIN-3"]
            case .reordered: ["ORDER-1", "ORDER-2"]
            case .leaked: ["DELIVER-2", "DELIVER-3", "JOIN-4"]
            case .late: ["DELIVER-4"]
            case .phantom: ["SEND-3", "SEND-4"]
            case .missingFromHistory: ["ONCE-3"]
            case .precededHistory: ["ONCE-2"]
            case .afterClose: ["DISCONNECT-1", "DISCONNECT-3"]
            case .crossSessionOrder: ["ORDER-3"]
            case .historyDisagreement: ["ORDER-4"]
            }
        }
    }

    public var kind: Kind
    /// The session it concerns.
    public var session: String
    /// The message it concerns, if one.
    public var nonce: String?
    /// What exactly was seen, for the report's Actual text.
    public var detail: String
    public var witnesses: [OperationID]

    public init(kind: Kind, session: String, nonce: String?, detail: String, witnesses: [OperationID]) {
        self.kind = kind
        self.session = session
        self.nonce = nonce
        self.detail = detail
        self.witnesses = witnesses
    }

    /// `lost on alice#1: nonce-… (accepted by op#3, never arrived)`.
    public var description: String {
        let subject = nonce.map { ": \($0)" } ?? ""
        let witnessText = witnesses.isEmpty ? "" : " [\(witnesses.map(\.description).joined(separator: ", "))]"
        return "\(kind.rawValue) on \(session)\(subject) (\(detail))\(witnessText)"
    }
}
