import Foundation
import Testing
@testable import ConformanceKit

/// The kit's held socket handed to the built `reference-server` as descriptor 3 (socket activation):
/// the server serves the kit's port, a kill -9 does not close it, and a wrong descriptor 3 stops the
/// server at start-up with a clear error.
@Suite(.serialized) struct KitListeningSocketTests {
    static let referenceServer = URL(fileURLWithPath: ConformProcess.executable).deletingLastPathComponent()
        .appendingPathComponent("reference-server").path

    /// A temporary directory, removed by the caller.
    static func makeDirectory() throws -> String {
        let directory = NSTemporaryDirectory() + "kit-socket-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    /// `exec reference-server` on `directory`'s database, its output in `directory`/out and /err.
    static func serverCommand(_ directory: String) -> String {
        "exec '\(referenceServer)' --db '\(directory)/m.db' --log-level info > '\(directory)/out' 2> '\(directory)/err'"
    }

    @Test func referenceServerServesTheHeldSocketAcrossAKill() async throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socket = try KitListeningSocket()
        #expect(socket.port > 0)
        let first = try ChildProcess.spawnShell(Self.serverCommand(directory), listeningDescriptor: socket.descriptor)
        try await TargetReadiness.wait(baseURL: socket.baseURL, timeout: .seconds(20), process: first)
        let printed = try String(contentsOfFile: directory + "/out", encoding: .utf8)
        #expect(printed.contains("reference-server listening on http://127.0.0.1:\(socket.port)\n"), "\(printed)")
        let log = try String(contentsOfFile: directory + "/err", encoding: .utf8)
        #expect(log.contains("listening on 127.0.0.1:\(socket.port) (inherited socket, descriptor 3)"), "\(log)")

        await first.kill9()
        // The kit still holds the socket: a handshake sent while no server runs waits in the backlog
        // (a released port would refuse it) and is answered by the next server.
        async let answered = TargetReadiness.isServing(baseURL: socket.baseURL, timeout: .seconds(20))
        try await Task.sleep(for: .milliseconds(300))
        let second = try ChildProcess.spawnShell(Self.serverCommand(directory), listeningDescriptor: socket.descriptor)
        #expect(await answered, "the handshake sent between the kill and the restart was answered")
        await second.terminate(grace: .seconds(5))
        #expect(second.exitCode == 0)
    }

    @Test func aWrongDescriptorThreeStopsTheServerWithAClearError() async throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var pipeDescriptors: [Int32] = [0, 0]
        try #require(pipe(&pipeDescriptors) == 0)
        defer { pipeDescriptors.forEach { close($0) } }
        let bound = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(bound) }
        try #require(bindToLoopback(bound) != nil)
        let held = try KitListeningSocket()
        let cases: [(command: String, descriptor: Int32?, error: String)] = [
            (Self.serverCommand(directory), pipeDescriptors[0], "Error: cannot listen: descriptor 3 is not a listening TCP socket: socket operation on non-socket"),
            (Self.serverCommand(directory), bound, "Error: cannot listen: descriptor 3 is not a listening TCP socket: not listening"),
            ("export LISTEN_FDS=2 LISTEN_PID=$$; " + Self.serverCommand(directory), nil, "Error: socket activation: LISTEN_FDS is 2"),
            // LISTEN_FDS=0 with the socket there anyway: still an error, never a bind of --port.
            (Self.serverCommand(directory).replacingOccurrences(of: "exec ", with: "LISTEN_FDS=0 exec "), held.descriptor,
             "Error: socket activation: LISTEN_FDS is 0"),
        ]
        for (command, descriptor, error) in cases {
            let child = try ChildProcess.spawnShell(command, listeningDescriptor: descriptor)
            #expect(await child.waitForExit(timeout: .seconds(20)))
            #expect(child.exitCode == 1, "\(command)")
            let written = try String(contentsOfFile: directory + "/err", encoding: .utf8)
            #expect(written.hasPrefix(error), "\(written)")
        }
    }
}
