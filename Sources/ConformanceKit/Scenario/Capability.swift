/// Something a run can do to the server beyond talking to it; scenarios that need one the run lacks
/// are skipped, never passed.
public enum Capability: String, Sendable, Equatable, Hashable, Codable, CaseIterable, Comparable {
    /// Orderly restart of the server (`--restart-command`); Spec DURABLE-1.
    case restart
    /// Crash of the server process, `kill -9` (`--crash-command`); Spec DURABLE-2, DURABLE-3.
    case crash
    /// Making the server's storage fail and recover (`--storage-fault-command` with
    /// `--storage-recover-command`); Spec SEND-6.
    case storageFault = "storage-fault"

    /// The command-line option that grants this capability.
    public var option: String {
        switch self {
        case .restart: "--restart-command"
        case .crash: "--crash-command"
        case .storageFault: "--storage-fault-command"
        }
    }

    public static func < (lhs: Capability, rhs: Capability) -> Bool { lhs.rawValue < rhs.rawValue }
}
