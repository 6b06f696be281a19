// protocol-test-server: the server the official Socket.IO protocol suites test (README "Official
// protocol suites"). Exit codes: 0 stopped by SIGINT/SIGTERM, 1 could not start, 64 usage error.
ProtocolTestServerCommand.run(arguments: Array(CommandLine.arguments.dropFirst()))
