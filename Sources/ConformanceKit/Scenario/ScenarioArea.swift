/// The part of the Spec a scenario belongs to; reports group their figures by area.
///
/// The raw value is the name `--filter`/`--exclude` accept (case-insensitive, as is the display name).
public enum ScenarioArea: String, Sendable, Equatable, Hashable, Codable, CaseIterable, Comparable {
    case transport
    case heartbeat
    case namespace
    case cors
    case http
    case send
    case join
    case delivery
    case privacy
    case exactlyOnce
    case ordering
    case durability
    case disconnect
    case robustness
    case `extension`
    case authentication
    case cluster

    /// The name reports print, e.g. `Exactly once`.
    public var displayName: String {
        switch self {
        case .transport: "Transport"
        case .heartbeat: "Heartbeat"
        case .namespace: "Namespace"
        case .cors: "CORS"
        case .http: "HTTP"
        case .send: "Send"
        case .join: "Join"
        case .delivery: "Delivery"
        case .privacy: "Privacy"
        case .exactlyOnce: "Exactly once"
        case .ordering: "Ordering"
        case .durability: "Durability"
        case .disconnect: "Disconnect"
        case .robustness: "Robustness"
        case .extension: "Extension"
        case .authentication: "Authentication"
        case .cluster: "Cluster"
        }
    }

    /// The area whose raw value or display name equals `name`, ignoring case, spaces, `-` and `_`.
    public init?(name: String) {
        let key = Self.normalized(name)
        guard let area = Self.allCases.first(where: { Self.normalized($0.rawValue) == key || Self.normalized($0.displayName) == key })
        else { return nil }
        self = area
    }

    /// Areas sort in Spec order (declaration order), which is how reports list them.
    public static func < (lhs: ScenarioArea, rhs: ScenarioArea) -> Bool { lhs.position < rhs.position }

    private var position: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    private static func normalized(_ name: String) -> String {
        String(name.lowercased().filter { $0 != " " && $0 != "-" && $0 != "_" })
    }
}
