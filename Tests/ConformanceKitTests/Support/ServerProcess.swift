import Foundation

/// A built server executable (`reference-server`, `protocol-test-server`) run as a child process, as a
/// user runs it: started with its arguments, its address read from the line it prints
/// (`… listening on http://127.0.0.1:PORT`), stopped with SIGTERM.
final class ServerProcess: Sendable {
    let process: Process
    let baseURL: String

    /// Starts `name` (built beside `conform`) and waits up to 10 s for its address line.
    init(_ name: String, arguments: [String]) throws {
        let executable = URL(fileURLWithPath: ConformProcess.executable).deletingLastPathComponent().appendingPathComponent(name).path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        var printed = Data()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !printed.contains(UInt8(ascii: "\n")) || Self.address(in: printed) == nil {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            printed += chunk
        }
        guard let address = Self.address(in: printed) else {
            process.terminate()
            throw ServerProcessError(message: "\(name) printed no address: \(String(decoding: printed, as: UTF8.self))")
        }
        baseURL = address
    }

    /// The `http://…` after "listening on " in what the server printed.
    static func address(in printed: Data) -> String? {
        let text = String(decoding: printed, as: UTF8.self)
        for line in text.split(separator: "\n") {
            guard let range = line.range(of: "listening on http://") else { continue }
            let url = line[range.lowerBound...].dropFirst("listening on ".count)
            return String(url.prefix { !$0.isWhitespace && $0 != "," })
        }
        return nil
    }

    /// SIGTERM, then waits for the exit.
    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

struct ServerProcessError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
