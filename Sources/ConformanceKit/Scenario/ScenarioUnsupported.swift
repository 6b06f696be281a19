/// Thrown by a scenario body when the server lacks an optional feature it checks (Spec EXT-1): the
/// verdict is UNSUPPORTED, not FAIL.
public struct ScenarioUnsupported: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) { self.reason = reason }

    public var description: String { reason }
}
