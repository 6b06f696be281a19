import ConformanceKit
import Foundation
import ReferenceServer
#if canImport(Glibc)
import Glibc
#endif

// conform: parse the command line, pick the target (URL, --server-command, or the embedded reference
// server), run the scenarios with live progress, write the reports, exit with the run's status
// (0 pass, 1 fail, 2 inconclusive, 64 usage; see --help).

func writeStandardError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}

func usageFailure(_ message: String) -> Never {
    writeStandardError("Error: \(message)\n\(ConformOptions.usage)\n")
    exit(ExitStatus.usage.rawValue)
}

signal(SIGPIPE, SIG_IGN)
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--serve-reference" { serveReference(Array(arguments.dropFirst())) }

let options: ConformOptions
do {
    options = try ConformOptions.parse(arguments)
} catch {
    usageFailure(error.message)
}

switch options.command {
case .help:
    print(ConformOptions.helpText)
    exit(0)
case .list:
    print(ScenarioListFormatter.format(ScenarioCatalog.all), terminator: "")
    exit(0)
case .bench(let benchArguments):
    await runBench(benchArguments)
case .run:
    break
}

var expectations = ExpectationSet()
if let path = options.expectationsPath {
    guard let data = FileManager.default.contents(atPath: path) else { usageFailure("cannot read the expectations file \(path)") }
    do {
        expectations = try ExpectationSet.parse(String(decoding: data, as: UTF8.self), source: path)
        try expectations.validate(knownScenarioIDs: ScenarioCatalog.all.map(\.id), source: path)
    } catch {
        usageFailure(error.message)
    }
}
var secret: [UInt8]?
if let path = options.authSecretFile {
    switch readAuthSecret(path) {
    case .success(let bytes): secret = bytes
    case .failure(let error): usageFailure(error.reason)
    }
}
if options.serverCommand != nil && options.targetURL == nil && !options.isSocketActivated {
    usageFailure("--server-command needs the URL the server will listen on (or --socket-activation)")
}

var inheritedDescriptor: Int32?
if options.hasInheritedSocket {
    // The protocol's variables name conform: its descriptor 3 is the server's socket (`man sd_listen_fds`).
    switch SocketActivation.decideForThisProcess() {
    case .listen(let descriptor): inheritedDescriptor = descriptor
    case .notActivated: usageFailure("--inherited-socket: conform was not socket-activated (LISTEN_PID is not its pid)")
    case .invalid(let message): usageFailure("--inherited-socket: \(message)")
    }
    for name in SocketActivation.variableNames { unsetenv(name) }
}

let target: any ServerTarget
var capabilities = options.capabilities
var commandTarget: CommandTarget?
var temporaryDirectory: String?
if !options.nodes.isEmpty {
    let cluster = ClusterTarget(
        nodes: options.nodes, restartCommand: options.restartCommand, crashCommand: options.crashCommand,
        databaseRestartCommand: options.databaseRestartCommand, startTimeout: options.startTimeout)
    print("conform: \(options.nodes.count) nodes, sessions and POSTs spread over them: \(options.nodes.joined(separator: " "))")
    target = cluster
} else if let serverCommand = options.serverCommand {
    let started: CommandTarget
    if let url = options.targetURL {
        started = CommandTarget(
            command: serverCommand, baseURL: url, storageFaultCommands: options.storageFaultCommands, startTimeout: options.startTimeout)
    } else {
        do {
            started = CommandTarget(
                command: serverCommand, listeningSocket: try KitListeningSocket(), storageFaultCommands: options.storageFaultCommands,
                startTimeout: options.startTimeout)
        } catch {
            writeStandardError("Error: cannot listen for the server command: \(error)\n")
            exit(ExitStatus.inconclusive.rawValue)
        }
        print("conform: the server command serves \(started.baseURL) (socket activation: descriptor 3, LISTEN_FDS=1)")
    }
    commandTarget = started
    target = started
    capabilities.formUnion(started.capabilities)
} else if let url = options.targetURL {
    let urlTarget = URLTarget(
        baseURL: url, restartCommand: options.restartCommand, crashCommand: options.crashCommand,
        storageFaultCommands: options.storageFaultCommands, startTimeout: options.startTimeout, listeningDescriptor: inheritedDescriptor)
    target = urlTarget
} else {
    do {
        let (embedded, directory) = try EmbeddedReference.makeTarget(startTimeout: options.startTimeout, options: options)
        commandTarget = embedded
        temporaryDirectory = directory
        target = embedded
        capabilities.formUnion(embedded.capabilities)
    } catch {
        writeStandardError("Error: cannot prepare the embedded reference server: \(error)\n")
        exit(ExitStatus.inconclusive.rawValue)
    }
}
if let commandTarget {
    do {
        try await commandTarget.start()
    } catch {
        // Run anyway: every scenario comes out inconclusive and the reports say so.
        writeStandardError("Error: the server did not start: \(error)\n")
    }
}

let seed = options.seed ?? UInt64.random(in: 0...UInt64.max)
var runnerOptions = options.runnerOptions(seed: seed, expectations: expectations, secret: secret)
runnerOptions.capabilities.formUnion(capabilities)
if secret == nil, let message = await AuthenticationProbe.refusal(target: target, timeoutFactor: options.timeoutFactor) {
    writeStandardError("Error: " + AuthenticationProbe.advice(message: message) + "\n")
    await commandTarget?.stop()
    KitEventLoop.shutdown()
    if let temporaryDirectory { try? FileManager.default.removeItem(atPath: temporaryDirectory) }
    exit(ExitStatus.inconclusive.rawValue)
}
let runner = ConformanceRunner(scenarios: ScenarioCatalog.all, options: runnerOptions, target: target)
let reporter = ConsoleReporter(isVerbose: options.isVerbose)
let report = await runner.run { event in
    if let line = reporter.line(for: event) {
        print(line)
        fflush(nil)
    }
}
print(reporter.summary(report))
fflush(nil)

let status = report.exitStatus
if let path = options.junitPath {
    do {
        try JUnitReporter().render(report).write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
        writeStandardError("Error: cannot write the JUnit report \(path): \(error)\n")
    }
}
if let path = options.jsonPath {
    do {
        try JSONReporter().render(report).write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
        writeStandardError("Error: cannot write the JSON report \(path): \(error)\n")
    }
}
if let path = options.htmlPath {
    do {
        try HTMLReporter().render(report).write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
        writeStandardError("Error: cannot write the HTML report \(path): \(error)\n")
    }
}
await commandTarget?.stop()
KitEventLoop.shutdown()
if let temporaryDirectory { try? FileManager.default.removeItem(atPath: temporaryDirectory) }
exit(status.rawValue)
