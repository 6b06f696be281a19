import Foundation
import Testing

/// A flood of idle connections past the descriptor limit (RLIMIT_NOFILE lowered to 256 for a
/// `reference-server` process with `ulimit -n`): with the high-water mark and the reserve descriptor a
/// new client is answered within a second or two; without them (`--descriptor-high-water 0`) it waits
/// in the backlog until the idle timeout reaps the flood (60 s).
@Suite(.serialized) struct DescriptorExhaustionTests {
    /// A `reference-server` process with its stderr collected.
    final class ServerProcess {
        let process = Process()
        let errorPipe = Pipe()
        let port: Int

        init(descriptorLimit: Int, arguments: [String]) throws {
            let database = FileManager.default.temporaryDirectory.appendingPathComponent("fd-\(UUID().uuidString).db").path
            let command = "ulimit -n \(descriptorLimit) && exec '\(PythonInteropTests.serverBinary)' --port 0 --db '\(database)' --log-level warning "
                + arguments.joined(separator: " ")
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command]
            let outputPipe = Pipe()
            process.standardOutput = outputPipe
            process.standardError = errorPipe
            try process.run()
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = outputPipe.fileHandleForReading.availableData
                guard !chunk.isEmpty else { throw TestClientError("the server exited before listening") }
                line += chunk
            }
            let text = String(decoding: line, as: UTF8.self)
            guard let port = text.split(separator: ":").last.flatMap({ Int($0.prefix { $0.isNumber }) }) else {
                throw TestClientError("no port in '\(text)'")
            }
            self.port = port
        }

        /// Stops the server and returns what it wrote to stderr.
        func stop() -> String {
            process.terminate()
            process.waitUntilExit()
            return String(decoding: errorPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
    }

    /// Opens `count` connections that send nothing, then times a new client's GET /healthz.
    static func flood(_ server: ServerProcess, count: Int) throws -> (connections: [RawConnection], answer: String?, seconds: Double) {
        var flood: [RawConnection] = []
        for _ in 0..<count { flood.append(try RawConnection(port: server.port)) }
        Thread.sleep(forTimeInterval: 0.5)
        let started = ContinuousClock.now
        let client = try RawConnection(port: server.port)
        try client.send(TestHTTPClient.request("GET", "/healthz"))
        let bytes = client.receive(timeout: .seconds(3))
        let elapsed = started.duration(to: .now).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        let answer = bytes.flatMap { $0.isEmpty ? nil : String(decoding: $0.prefix(12), as: UTF8.self) }
        return (flood, answer, seconds)
    }

    @Test func aNewClientIsAnsweredDuringAFloodToTheDescriptorLimit() throws {
        guard FileManager.default.isExecutableFile(atPath: PythonInteropTests.serverBinary) else {
            Issue.record("reference-server not built at \(PythonInteropTests.serverBinary)")
            return
        }
        let server = try ServerProcess(descriptorLimit: 256, arguments: [])
        let (connections, answer, seconds) = try Self.flood(server, count: 600)
        let log = server.stop()
        withExtendedLifetime(connections) {}
        print("descriptor flood (limit 256, 600 idle connections): a new client got '\(answer ?? "nothing")' after \(String(format: "%.3f", seconds)) s")
        print(log.split(separator: "\n").filter { $0.contains("descriptor") || $0.contains("accept") }.prefix(6).joined(separator: "\n"))
        #expect(answer == "HTTP/1.1 200" || answer == "HTTP/1.1 503", "answer: \(answer ?? "none")")
        #expect(seconds < 2)
        // One line per episode, not one per failed accept.
        let acceptLines = log.split(separator: "\n").filter { $0.contains("accept4") }.count
        #expect(acceptLines <= 10, "\(acceptLines) accept4 lines:\n\(log.suffix(2000))")
    }

    /// The behaviour before: nothing is freed, the new client waits in the backlog.
    @Test func withoutTheHighWaterMarkANewClientWaits() throws {
        guard FileManager.default.isExecutableFile(atPath: PythonInteropTests.serverBinary) else { return }
        let server = try ServerProcess(descriptorLimit: 256, arguments: ["--descriptor-high-water", "0"])
        let (connections, answer, seconds) = try Self.flood(server, count: 600)
        let log = server.stop()
        withExtendedLifetime(connections) {}
        print("descriptor flood without the high-water mark: a new client got '\(answer ?? "nothing")' after \(String(format: "%.3f", seconds)) s")
        #expect(answer == nil)
        #expect(log.split(separator: "\n").filter { $0.contains("accept4") }.count <= 10)
    }
}
