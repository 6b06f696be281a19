/// Something a run can do to the server beyond talking to it; scenarios that need one the run lacks
/// are skipped, never passed.
public enum Capability: String, Sendable, Equatable, Hashable, Codable, CaseIterable, Comparable {
    /// Orderly restart of the server (`--restart-command`); Spec DURABLE-1.
    case restart
    /// Crash of the server process, `kill -9` (`--crash-command`); Spec DURABLE-2, DURABLE-3.
    case crash
    /// Tokens for a server that requires authentication (`--auth-secret-file`); Spec AUTH-1..8.
    case authentication
    /// An origin on the server's allow-list (`--allowed-origin`); Spec ORIGIN-1, ORIGIN-2.
    case originAllowList
    /// Several entry points of one deployment (`--node` at least twice); Spec CLUSTER-1..5.
    case cluster
    /// Restart of the deployment's database (`--database-restart-command`); Spec CLUSTER-4.
    case databaseRestart
    /// Making the server's storage fail and recover (`--storage-fault-command` with
    /// `--storage-recover-command`); Spec SEND-6.
    case storageFault = "storage-fault"

    /// The command-line option that grants this capability.
    public var option: String {
        switch self {
        case .restart: "--restart-command"
        case .crash: "--crash-command"
        case .authentication: "--auth-secret-file"
        case .originAllowList: "--allowed-origin"
        case .cluster: "--node ×2 or more"
        case .databaseRestart: "--database-restart-command"
        case .storageFault: "--storage-fault-command"
        }
    }

    public static func < (lhs: Capability, rhs: Capability) -> Bool { lhs.rawValue < rhs.rawValue }
}
