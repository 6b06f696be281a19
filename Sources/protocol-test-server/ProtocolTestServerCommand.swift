import Dispatch
import NetworkCore
import ReferenceServer
#if canImport(Glibc)
import Glibc
#endif

/// The command line of `protocol-test-server` (outside `main.swift`, so that nothing here is tied to
/// the main actor: the signal handlers run on a dispatch queue).
enum ProtocolTestServerCommand {
    static func run(arguments: [String]) -> Never {
        let usage = "Usage: protocol-test-server [--port N] [--host ADDRESS] [--log-level error|warning|info|debug]"
        var port = 3000
        var host = "127.0.0.1"
        var logLevel = LogLevel.warning
        var arguments = arguments[...]
        while let argument = arguments.popFirst() {
            switch argument {
            case "-h", "--help":
                print("""
                    \(usage)

                    Serves the test-server contract of the official Socket.IO protocol suites with the reference
                    server's Engine.IO and Socket.IO layers, and no messenger: /engine.io/ sends back every message,
                    /socket.io/ offers the namespaces / and /custom (auth, message-back, message-with-ack).
                    pingInterval 300 ms, pingTimeout 200 ms, maxPayload 1,000,000 bytes, connect timeout 1,000 ms,
                    CORS for any origin. --port 0 listens on any free port; the address is printed on the first line.
                    """)
                exit(0)
            case "--port":
                guard let value = arguments.popFirst().flatMap({ Int($0) }), (0...65_535).contains(value) else {
                    writeStandardError("Error: --port needs a number from 0 to 65535\n\(usage)\n")
                    exit(64)
                }
                port = value
            case "--host":
                guard let value = arguments.popFirst() else {
                    writeStandardError("Error: --host needs an address\n\(usage)\n")
                    exit(64)
                }
                host = value
            case "--log-level":
                guard let value = arguments.popFirst().flatMap(LogLevel.init(name:)) else {
                    writeStandardError("Error: --log-level needs error, warning, info or debug\n\(usage)\n")
                    exit(64)
                }
                logLevel = value
            default:
                writeStandardError("Error: unknown argument \(argument)\n\(usage)\n")
                exit(64)
            }
        }
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        let server: ProtocolTestServer
        do {
            server = try ProtocolTestServer.start(host: host, port: port, logLevel: logLevel)
        } catch {
            writeStandardError("Error: cannot listen on \(host):\(port): \(error)\n")
            exit(1)
        }
        print("protocol-test-server listening on \(server.baseURL)")
        fflush(nil)
        let stopped = DispatchSemaphore(value: 0)
        let sources = [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stopped.signal() }
            source.resume()
            return source
        }
        stopped.wait()
        server.stop()
        withExtendedLifetime(sources) {}
        exit(0)
    }

    static func writeStandardError(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
    }
}
