/// Thrown by a scenario body when it could not decide (server unreachable, kit timeout before anything
/// could be decided): the verdict is INCONCLUSIVE, which is not a pass.
public struct ScenarioInconclusive: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public var witnesses: [OperationID]

    public init(_ reason: String, witnesses: [OperationID] = []) {
        self.reason = reason
        self.witnesses = witnesses
    }

    public var description: String { reason }
}
