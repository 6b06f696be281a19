import Foundation

/// Runs one of the package's Python scripts as a child process with its output captured, on a GCD
/// thread so that the cooperative pool stays free for the async tests beside it.
enum PythonScript {
    /// The script's exit status and its stdout and stderr together; the script is terminated after
    /// `timeout` (its status then says so). A `niceness` above 0 runs it (and its children) at a lower
    /// CPU priority, through nice(1).
    static func run(python: String, directory: String, name: String, arguments: [String], timeout: Duration = .seconds(600),
                    niceness: Int = 0) async throws -> (status: Int32, output: String)
    {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    try runBlocking(python: python, directory: directory, name: name, arguments: arguments, timeout: timeout, niceness: niceness)
                })
            }
        }
    }

    private static func runBlocking(python: String, directory: String, name: String, arguments: [String], timeout: Duration,
                                    niceness: Int) throws -> (status: Int32, output: String)
    {
        let process = Process()
        let folder = SpecFiles.packageRoot.appendingPathComponent(directory)
        let command = [python, folder.appendingPathComponent(name).path] + arguments
        if niceness > 0 {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/nice")
            process.arguments = ["-n", String(niceness)] + command
        } else {
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = Array(command.dropFirst())
        }
        process.currentDirectoryURL = folder
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let seconds = Double(timeout.components.seconds)
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [process] in
            if process.isRunning { process.terminate() }
        }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
