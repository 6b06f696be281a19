/// What scenarios need from the world outside the kit: where the server is, and how to restart or
/// crash it when the run has those capabilities.
///
/// The kit's client layer implements this (running `--restart-command` / `--crash-command` and waiting
/// for the server to listen again); the framework only passes it to scenario bodies.
public protocol ServerTarget: Sendable {
    /// Base URL of the server under test, e.g. `http://127.0.0.1:5000` (no trailing `/`).
    var baseURL: String { get }
    /// Every entry point of one deployment (`conform --node`); sessions and POSTs are spread over them.
    /// Default: `[baseURL]`.
    var entryPoints: [String] { get }
    /// Restarts the server in an orderly way and returns when it serves again (capability `.restart`).
    func restart() async throws
    /// Kills the server process (`kill -9`), starts it again and returns when it serves (capability `.crash`).
    func crash() async throws
    /// Restarts the deployment's database and returns when the command finished (capability
    /// `.databaseRestart`); the nodes keep running. Default: inconclusive.
    func restartDatabase() async throws
    /// Makes the server's storage fail (e.g. fills its disk) and returns once it has (capability `.storageFault`).
    func failStorage() async throws
    /// Undoes `failStorage()` (capability `.storageFault`); the server itself is left alone.
    func recoverStorage() async throws
    /// Why the server cannot be serving, when the target knows it for certain (the socket-activated
    /// server it started has exited: its held port still accepts connections, which then wait
    /// unanswered instead of being refused); nil otherwise. Default nil.
    var serverExitReason: String? { get }
}

extension ServerTarget {
    public var entryPoints: [String] { [baseURL] }

    public var serverExitReason: String? { nil }

    public func restartDatabase() async throws {
        throw ScenarioInconclusive("the run cannot restart the database (needs \(Capability.databaseRestart.option))")
    }

    public func failStorage() async throws { try await StorageFaultCommands.run(nil, isRecovery: false) }

    public func recoverStorage() async throws { try await StorageFaultCommands.run(nil, isRecovery: true) }
}

/// A target known only by its URL: it can neither restart nor crash the server.
public struct BaseURLTarget: ServerTarget {
    public var baseURL: String

    public init(baseURL: String) { self.baseURL = baseURL }

    public func restart() async throws { throw ScenarioInconclusive("the run cannot restart the server (needs \(Capability.restart.option))") }

    public func crash() async throws { throw ScenarioInconclusive("the run cannot crash the server (needs \(Capability.crash.option))") }
}
