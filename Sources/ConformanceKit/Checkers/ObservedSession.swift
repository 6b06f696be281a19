/// One session as the delivery checker sees it: the user it is bound to, when it joined and closed,
/// and what it received in arrival order.
///
/// A session rebound to another user (Spec JOIN-6) is given as one `ObservedSession` per binding.
public struct ObservedSession: Sendable, Equatable {
    /// E.g. `alice#1`; findings name sessions by it.
    public var label: String
    /// The user of its `join`; nil for a session that never joined (Spec DELIVER-3).
    public var user: String?
    /// When it emitted `join`.
    public var joinedAt: Duration?
    public var joinOperation: OperationID?
    /// When the client closed it (DISCONNECT or transport close); nothing may arrive afterwards.
    public var closedAt: Duration?
    /// Received `all_messages` and `new_message` events, in arrival order.
    public var observations: [SessionObservation]

    public init(
        label: String, user: String?, joinedAt: Duration? = nil, joinOperation: OperationID? = nil,
        closedAt: Duration? = nil, observations: [SessionObservation] = []
    ) {
        self.label = label
        self.user = user
        self.joinedAt = joinedAt
        self.joinOperation = joinOperation
        self.closedAt = closedAt
        self.observations = observations
    }
}
