import ConformanceKit
import Foundation
import MessengerBench
#if canImport(Glibc)
import Glibc
#endif

/// `conform bench [URL | --node URL …] [options]`: runs the bench workloads against URL, against the
/// nodes of one deployment (sessions and POSTs spread over them), or against the embedded
/// reference server started as a child process (its pid known, so RSS and CPU are measured), prints
/// progress and the table, writes `--json`, exits 0 correct, 1 failed, 2 inconclusive, 64 usage.
func runBench(_ arguments: [String]) async -> Never {
    let options: BenchOptions
    do {
        options = try BenchOptions.parse(arguments)
    } catch {
        writeStandardError("Error: \(error.message)\n\(BenchOptions.usage)\n")
        exit(ExitStatus.usage.rawValue)
    }
    if options.isHelp {
        print(BenchOptions.helpText)
        exit(0)
    }
    if let directory = options.compareDirectory, let path = options.htmlPath { writeComparisonPage(directory: directory, workloads: options.workloads, path: path) }
    var authentication: KitAuthentication?
    if let path = options.authSecretFile {
        switch readAuthSecret(path) {
        case .success(let secret): authentication = KitAuthentication(secret: secret, audience: options.authAudience)
        case .failure(let error):
            writeStandardError("Error: \(error.reason)\n\(BenchOptions.usage)\n")
            exit(ExitStatus.usage.rawValue)
        }
    }
    BenchProcessStats.raiseOpenFileLimit()
    var baseURL = options.targetURL ?? ""
    var serverProcessID = options.serverProcessID
    var embedded: ChildProcess?
    var listeningSocket: KitListeningSocket?
    var directory: String?
    if options.targetURL == nil && options.nodes.isEmpty {
        do {
            let started = try await EmbeddedReference.startForBench(authSecretFile: options.authSecretFile, authAudience: options.authAudience)
            embedded = started.child
            listeningSocket = started.listeningSocket
            baseURL = started.listeningSocket.baseURL
            directory = started.directory
            serverProcessID = started.child.processID
        } catch {
            writeStandardError("Error: cannot start the embedded reference server: \(error)\n")
            exit(ExitStatus.inconclusive.rawValue)
        }
    }
    let isQuiet = options.isQuiet
    let baseURLs = options.nodes.isEmpty ? [baseURL] : options.nodes
    print("conform bench: \(baseURLs.joined(separator: " "))\(serverProcessID.map { " (server pid \($0))" } ?? "")")
    fflush(nil)
    let runner = BenchRunner(options: options, baseURLs: baseURLs, serverProcessID: serverProcessID, authentication: authentication) { line in
        guard !isQuiet else { return }
        print(line)
        fflush(nil)
    }
    let report = await runner.run()
    print("")
    print(report.table())
    fflush(nil)
    if let path = options.jsonPath {
        do {
            try report.json().write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            writeStandardError("Error: cannot write the JSON results \(path): \(error)\n")
        }
    }
    if let path = options.htmlPath {
        do {
            try BenchHTMLReporter().render(report).write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            writeStandardError("Error: cannot write the HTML page \(path): \(error)\n")
        }
    }
    if let embedded { await embedded.terminate(grace: .seconds(5)) }
    withExtendedLifetime(listeningSocket) {}
    if let directory { try? FileManager.default.removeItem(atPath: directory) }
    exit(report.exitStatus.rawValue)
}

/// `conform bench --compare DIR --html FILE`: the page of `bench/compare`'s JSON results, no run.
/// Exits 0 when written, 2 without reference results, 1 when a file cannot be read or written.
func writeComparisonPage(directory: String, workloads: [BenchOptions.Workload], path: String) -> Never {
    do {
        guard let reference = try BenchHTMLReporter.merged(directory: directory, name: "reference", workloads: workloads) else {
            writeStandardError("Error: no reference-<workload>.json results in \(directory)\n")
            exit(ExitStatus.inconclusive.rawValue)
        }
        let peer = try BenchHTMLReporter.merged(directory: directory, name: "peer", workloads: workloads)
        try BenchHTMLReporter().render(reference: reference, peer: peer).write(toFile: path, atomically: true, encoding: .utf8)
        print("conform bench: wrote \(path)")
        exit(0)
    } catch {
        writeStandardError("Error: cannot write the comparison page \(path) from \(directory): \(error)\n")
        exit(ExitStatus.failure.rawValue)
    }
}
