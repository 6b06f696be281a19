import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// The whole life of a command-line reference server, shared by `reference-server` and the hidden
/// `conform --serve-reference`: parse the arguments, start, print the address, stop on SIGINT or
/// SIGTERM, exit. Exit codes (see `ServerCommandLine.help`): 0 stopped cleanly, 1 could not start,
/// 64 usage error.
public enum ServerMain {
    /// `configure` adjusts the parsed configuration before the start (the kit's embedded server adds hooks).
    public static func run(arguments: [String], configure: (inout ServerConfiguration) -> Void = { _ in }) -> Never {
        var configuration: ServerConfiguration
        switch ServerCommandLine.parse(arguments) {
        case .success(.help):
            print(ServerCommandLine.help)
            exit(0)
        case .success(.run(let parsed)):
            configuration = parsed
        case .failure(let error):
            writeStandardError("Error: \(error.message)\n\(ServerCommandLine.usage)\n")
            exit(64)
        }
        configure(&configuration)
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
        print("reference-server listening on \(server.baseURL)")
        fflush(nil)  // all output streams: the address line must reach a pipe at once
        let queue = DispatchQueue(label: "reference-server.signals")
        let sources = [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { server.stop() }
            source.resume()
            return source
        }
        server.waitUntilStopped()
        withExtendedLifetime(sources) {}
        server.logger.sink.flush(timeout: .seconds(2))
        exit(0)
    }

    static func writeStandardError(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
    }
}
