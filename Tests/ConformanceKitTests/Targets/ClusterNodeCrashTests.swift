import Foundation
import PostgreSQLTestServer
import Testing
@testable import ConformanceKit

/// `conform --node … --restart-command … --crash-command …` with `{node}`: two reference-server
/// processes on one PostgreSQL database, each restarted in an orderly way and killed with `kill -9`
/// (then started again) by the durability scenarios and cluster/node-crash while the other keeps running.
@Suite(.serialized) struct ClusterNodeCrashTests {
    @Test func durabilityScenariosPassWhenNodesRestartAndCrash() async throws {
        try await withThrowawayPostgreSQL { server in
            let url = try server.makeDatabase()
            let directory = NSTemporaryDirectory() + "cluster-crash-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let binary = URL(fileURLWithPath: ConformProcess.executable).deletingLastPathComponent().appendingPathComponent("reference-server").path
            // node-control start|restart|crash URL: the node of that URL's port, its pid in pid-PORT. Each
            // node's port is a socket the test holds (never released for another test to take): `start`
            // gets it as descriptor 3 (LISTEN_FDS=1) and leaves a keeper holding it, which starts the node
            // with it again whenever the node exits, as systemd does with a .socket unit and
            // Restart=always; restart and crash stop the node and wait until it is gone.
            let control = directory + "/node-control"
            try """
            #!/bin/sh
            port=${2##*:}
            pidfile=\(directory)/pid-$port
            case "$1" in
              start)
                (
                  while :; do
                    sh -c 'LISTEN_PID=$$ exec "$@"' sh \(binary) --postgres '\(url)' --ping-interval 300 --ping-timeout 10000 --log-level error >>\(directory)/node-$port.log 2>&1 &
                    echo $! > "$pidfile"
                    wait $!
                  done
                ) </dev/null >/dev/null 2>&1 &
                ;;
              # The pid read once: the keeper writes the next node's pid to the file as soon as this one is gone.
              restart) pid=$(cat "$pidfile"); kill -TERM "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done ;;
              crash) pid=$(cat "$pidfile"); kill -9 "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done ;;
            esac
            """.write(toFile: control, atomically: true, encoding: .utf8)
            chmod(control, 0o755)
            let sockets = try (0..<2).map { _ in try KitListeningSocket() }
            let nodes = sockets.map(\.baseURL)
            var keepers: [ChildProcess] = []
            defer { keepers.forEach { $0.signalGroup(SIGKILL) } }  // the keepers and their nodes
            for socket in sockets {
                let started = try ChildProcess.spawnShell("\(control) start \(socket.baseURL)", listeningDescriptor: socket.descriptor)
                keepers.append(started)
                _ = await started.waitForExit(timeout: .seconds(5))
                try await TargetReadiness.wait(baseURL: socket.baseURL, timeout: .seconds(20))
            }
            let target = ClusterTarget(
                nodes: nodes, restartCommand: "\(control) restart {node}", crashCommand: "\(control) crash {node}", startTimeout: .seconds(20))
            let runner = ConformanceRunner(
                scenarios: ScenarioCatalog.all,
                options: RunnerOptions(filters: ["durability", "cluster/node-crash"], seed: 7, capabilities: [.restart, .crash, .cluster]),
                target: target)
            let report = await runner.run()
            let ran = report.results.map { "\($0.scenario.id) \($0.verdict.label)" }
            print("cluster node restart/crash: \(ran.joined(separator: ", "))")
            #expect(report.results.contains { $0.scenario.id == "durability/crash-acknowledged" && $0.verdict == .pass })
            #expect(report.results.contains { $0.scenario.id == "durability/restart" && $0.verdict == .pass })
            // CLUSTER-5: one node killed while both take POSTs; every acknowledged message listed through both.
            #expect(report.results.contains { $0.scenario.id == "cluster/node-crash" && $0.verdict == .pass })
            for result in report.results where !result.verdict.didPass {
                Issue.record("\(result.scenario.id): \(result.verdict.label) \(result.verdict.reason ?? "") \(result.actual ?? "")")
            }
        }
    }
}
