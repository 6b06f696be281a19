import Foundation
@testable import ConformanceKit
import ReferenceServer

/// An in-process reference server on 127.0.0.1, port 0, with a temporary database and a short ping
/// interval. The ping timeout keeps 10 s of slack: the whole test suite oversubscribes 2 cores, and a
/// test process starved past a short timeout gets its sessions closed (seen with 1.5 s and 2 s).
final class ReferenceServerFixture: Sendable {
    let server: ReferenceServer
    let directory: String

    init(
        pingInterval: Int = 300, pingTimeout: Int = 10_000, authentication: AuthenticationConfiguration? = nil, allowedOrigins: Set<String> = []
    ) throws {
        directory = NSTemporaryDirectory() + "kit-client-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        server = try ReferenceServer.start(configuration: ServerConfiguration(
            port: 0, databasePath: directory + "/messages.db", pingInterval: pingInterval, pingTimeout: pingTimeout, logLevel: .error,
            authentication: authentication, allowedOrigins: allowedOrigins))
    }

    var baseURL: String { "http://127.0.0.1:\(server.port)" }

    /// A context whose kit timeouts are 4 times the defaults (a CONNECT answer may take 20 s): these
    /// tests check behaviour, not speed, and the whole suite oversubscribes 2 cores (a process starved
    /// for more than 5 s at the suite's start once failed a connect).
    func context(_ scenarioID: String = "test/client") -> ScenarioContext {
        ScenarioContext(scenarioID: scenarioID, seed: 1, runToken: "test", timeoutFactor: 4, target: BaseURLTarget(baseURL: baseURL))
    }

    func stop() {
        server.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Binds `descriptor` (a TCP socket) to 127.0.0.1 port 0: the port the kernel chose, or nil.
func bindToLoopback(_ descriptor: Int32) -> Int? { KitListeningSocket.bindToLoopback(descriptor) }

/// A port of 127.0.0.1 that refuses connections for as long as this value lives: bound, so no other
/// socket (a port-0 listener of a test running in parallel included) can take it, but not listening,
/// so a connect to it is refused. Releasing a port and hoping it stays free is a race between tests.
final class ReservedClosedPort: Sendable {
    let port: Int
    private let descriptor: Int32

    init() {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        port = bindToLoopback(descriptor) ?? 0
    }

    deinit { close(descriptor) }
}
