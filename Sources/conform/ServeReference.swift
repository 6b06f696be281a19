import ReferenceServer

/// `conform --serve-reference [reference-server options]`: the hidden subcommand that runs the
/// embedded reference server as a child process of `conform`, so the self-check can restart it and
/// crash it with a real `kill -9`. Stops on SIGTERM/SIGINT; never returns.
func serveReference(_ arguments: [String]) -> Never {
    ServerMain.run(arguments: arguments)
}
