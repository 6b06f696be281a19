import Dispatch
import ReferenceServer
#if canImport(Glibc)
import Glibc
#endif

// reference-server: parse the command line, start, print the address, stop on SIGINT/SIGTERM.
// Exit codes (see --help): 0 stopped cleanly, 1 could not start, 64 usage error.

func writeStandardError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}

let configuration: ServerConfiguration
switch ServerCommandLine.parse(Array(CommandLine.arguments.dropFirst())) {
case .success(.help):
    print(ServerCommandLine.help)
    exit(0)
case .success(.run(let parsed)):
    configuration = parsed
case .failure(let error):
    writeStandardError("Error: \(error.message)\n\(ServerCommandLine.usage)\n")
    exit(64)
}

// Ignore the default handlers first, so the signals reach the dispatch sources instead of killing us.
signal(SIGINT, SIG_IGN)
signal(SIGTERM, SIG_IGN)
signal(SIGPIPE, SIG_IGN)

let server: ReferenceServer
do {
    server = try ReferenceServer.start(configuration: configuration)
} catch {
    writeStandardError("Error: \(error)\n")
    exit(1)
}

print("reference-server listening on http://\(server.host):\(server.port)")
fflush(nil)  // all output streams: the address line must reach a pipe at once

/// A started signal source that stops the server. Not main-actor isolated: it runs on `queue`.
nonisolated func stopOnSignal(_ signalNumber: Int32, server: ReferenceServer, queue: DispatchQueue) -> DispatchSourceSignal {
    let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
    source.setEventHandler { server.stop() }
    source.resume()
    return source
}

let signalQueue = DispatchQueue(label: "reference-server.signals")
let signalSources = [SIGINT, SIGTERM].map { stopOnSignal($0, server: server, queue: signalQueue) }

server.waitUntilStopped()
withExtendedLifetime(signalSources) {}
exit(0)
