import Dispatch
import WireCodecs
#if canImport(Glibc)
import Glibc
#endif

/// The whole life of a command-line reference server, shared by `reference-server` and the hidden
/// `conform --serve-reference`: parse the arguments, take an inherited listening socket (socket
/// activation, `SocketActivation`), start, print the address, stop on SIGINT or SIGTERM, exit. Exit codes (see `ServerCommandLine.help`): 0 stopped cleanly, 1 could not start,
/// 64 usage error.
public enum ServerMain {
    /// `configure` adjusts the parsed configuration before the start (the kit's embedded server adds hooks).
    public static func run(arguments: [String], configure: (inout ServerConfiguration) -> Void = { _ in }) -> Never {
        var configuration: ServerConfiguration
        switch ServerCommandLine.parse(arguments) {
        case .success(.help):
            print(ServerCommandLine.help)
            exit(0)
        case .success(.token(let request)):
            let secret = readSecret(request.secretFile)
            let now = Int64(time(nil))
            print(JSONWebToken.mint(
                subject: request.user, expiresAt: now + Int64(request.timeToLiveSeconds), issuedAt: now, audience: request.audience,
                secret: secret))
            exit(0)
        case .success(.run(let parsed, let secretFile)):
            configuration = parsed
            if let secretFile { configuration.authentication?.secret = readSecret(secretFile) }
        case .failure(let error):
            writeStandardError("Error: \(error.message)\n\(ServerCommandLine.usage)\n")
            exit(64)
        }
        switch SocketActivation.decideForThisProcess() {
        case .notActivated:
            break
        case .listen(let descriptor):
            configuration.listenDescriptor = descriptor
        case .invalid(let message):
            writeStandardError("Error: socket activation: \(message)\n")
            exit(1)
        }
        for name in SocketActivation.variableNames { unsetenv(name) }
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

    /// The secret in `path` (see `AuthenticationConfiguration.secret(fromFileContents:)`); exits 1 when
    /// it cannot be read or is empty. The message names the file, never its contents.
    static func readSecret(_ path: String) -> [UInt8] {
        guard let descriptor = Optional(open(path, O_RDONLY)), descriptor >= 0 else {
            writeStandardError("Error: cannot read the secret file \(path): \(String(cString: strerror(errno)))\n")
            exit(1)
        }
        defer { close(descriptor) }
        var contents: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                writeStandardError("Error: cannot read the secret file \(path): \(String(cString: strerror(errno)))\n")
                exit(1)
            }
            if count == 0 { break }
            contents.append(contentsOf: buffer[0..<count])
            if contents.count > 65_536 {
                writeStandardError("Error: the secret file \(path) is larger than 64 KiB\n")
                exit(1)
            }
        }
        guard let secret = AuthenticationConfiguration.secret(fromFileContents: contents) else {
            writeStandardError("Error: the secret file \(path) is empty\n")
            exit(1)
        }
        return secret
    }

    static func writeStandardError(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
    }
}
