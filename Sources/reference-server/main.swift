import ReferenceServer

// reference-server: parse the command line, start, print the address, stop on SIGINT/SIGTERM.
// Exit codes (see --help): 0 stopped cleanly, 1 could not start, 64 usage error.
ServerMain.run(arguments: Array(CommandLine.arguments.dropFirst()))
