import Dispatch
import ReferenceServer
#if canImport(Glibc)
import Glibc
#endif

/// `conform --serve-reference [reference-server options]`: the hidden subcommand that runs the
/// embedded reference server as a child process of `conform`, so the self-check can restart it and
/// crash it with a real `kill -9`. Stops on SIGTERM/SIGINT; never returns.
func serveReference(_ arguments: [String]) -> Never {
    let configuration: ServerConfiguration
    switch ServerCommandLine.parse(arguments) {
    case .success(.run(let parsed)): configuration = parsed
    case .success(.help):
        print(ServerCommandLine.help)
        exit(0)
    case .failure(let error):
        writeStandardError("Error: \(error.message)\n\(ServerCommandLine.usage)\n")
        exit(64)
    }
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
    let queue = DispatchQueue(label: "conform.serve-reference.signals")
    let sources = [SIGINT, SIGTERM].map { number in
        let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
        source.setEventHandler { server.stop() }
        source.resume()
        return source
    }
    server.waitUntilStopped()
    withExtendedLifetime(sources) {}
    exit(0)
}
