import Testing
@testable import ConformanceKit
@testable import MessengerBench

@Suite struct BenchOptionsTests {
    @Test func defaultsRunEveryWorkloadAgainstTheEmbeddedServer() throws {
        let options = try BenchOptions.parse([])
        #expect(options == BenchOptions())
        #expect(options.targetURL == nil)
        #expect(options.workloads == [.fanout, .latency, .capacity, .history, .socket])
        #expect(options.duration == .seconds(5))
        #expect(options.rate == 1_000)
        #expect(options.capacitySessions == 10_000)
        #expect(options.historyMessages == 10_000)
        #expect(options.diskFloorDirectory == nil)
        #expect(options.soakDuration == .seconds(60))
        #expect(options.soakRound == .seconds(5))
    }

    @Test func soakRunsOnlyWhenNamed() throws {
        #expect(!BenchOptions.Workload.standard.contains(.soak))
        let options = try BenchOptions.parse(["--workloads", "soak", "--soak-duration", "1800", "--soak-round", "10"])
        #expect(options.workloads == [.soak])
        #expect(options.soakDuration == .seconds(1_800))
        #expect(options.soakRound == .seconds(10))
    }

    @Test func everyOptionIsParsed() throws {
        let options = try BenchOptions.parse([
            "http://127.0.0.1:5000/", "--workloads", "latency, fanout,latency", "--users=7", "--sessions-per-user", "3",
            "--connections", "4", "--pipeline", "2", "--duration", "1.5", "--rate", "500", "--latency-duration", "2",
            "--latency-users", "9", "--disk-floor", "/var/lib/messenger", "--capacity", "100", "--connect-concurrency", "10", "--history", "50",
            "--history-joins", "2", "--content-bytes", "64", "--drain-timeout", "3", "--connect-timeout", "4",
            "--server-pid", "1234", "--seed", "0x10", "--json", "out.json", "-q",
            "--auth-secret-file", "/etc/messenger/secret", "--auth-audience", "chat",
        ])
        #expect(options.targetURL == "http://127.0.0.1:5000")
        #expect(options.workloads == [.latency, .fanout])
        #expect(options.users == 7)
        #expect(options.sessionsPerUser == 3)
        #expect(options.connections == 4)
        #expect(options.pipelineDepth == 2)
        #expect(options.duration == .milliseconds(1_500))
        #expect(options.rate == 500)
        #expect(options.latencyDuration == .seconds(2))
        #expect(options.latencyUsers == 9)
        #expect(options.diskFloorDirectory == "/var/lib/messenger")
        #expect(options.capacitySessions == 100)
        #expect(options.connectConcurrency == 10)
        #expect(options.historyMessages == 50)
        #expect(options.historyJoins == 2)
        #expect(options.contentBytes == 64)
        #expect(options.drainTimeout == .seconds(3))
        #expect(options.connectTimeout == .seconds(4))
        #expect(options.serverProcessID == 1234)
        #expect(options.seed == 16)
        #expect(options.jsonPath == "out.json")
        #expect(options.isQuiet)
        #expect(options.authSecretFile == "/etc/messenger/secret")
        #expect(options.authAudience == "chat")
    }

    @Test func helpStopsParsing() throws {
        #expect(try BenchOptions.parse(["--help", "--nonsense"]).isHelp)
        #expect(try BenchOptions.parse(["-h"]).isHelp)
    }

    @Test(arguments: [
        (["--workloads", "fanout,warp"], "unknown workload 'warp'"),
        (["--workloads", ""], "unknown workload ''"),
        (["--users", "0"], "--users needs a whole number"),
        (["--duration", "-1"], "--duration needs a positive number"),
        (["--content-bytes", "8"], "--content-bytes needs a whole number"),
        (["--rate"], "--rate needs a value"),
        (["--frobnicate"], "unknown bench option '--frobnicate'"),
        (["ftp://x"], "the URL must start with http://"),
        (["http://a:1", "http://b:2"], "unexpected argument"),
        (["-q=1"], "unknown bench option"),
        (["--quiet=yes"], "--quiet takes no value"),
        (["http://a:1", "--node", "http://b:2"], "--node only, or one URL"),
        (["--node", "http://a:1", "--server-pid", "5"], "--server-pid measures one process"),
        (["--node", "ftp://a"], "the URL must start with http://"),
        (["--auth-audience", "chat"], "--auth-audience needs --auth-secret-file"),
    ])
    func badArgumentsAreUsageErrors(arguments: [String], message: String) {
        #expect {
            _ = try BenchOptions.parse(arguments)
        } throws: { error in
            guard let error = error as? ConformUsageError else { return false }
            return error.message.contains(message)
        }
    }

    @Test func nodesAreRepeatedEntryPoints() throws {
        let options = try BenchOptions.parse(["--node", "http://127.0.0.1:1/", "--node", "http://127.0.0.1:2", "--workloads", "fanout"])
        #expect(options.nodes == ["http://127.0.0.1:1", "http://127.0.0.1:2"])
        #expect(options.targetURL == nil)
        #expect(options.workloads == [.fanout])
    }

    @Test func conformHandsBenchArgumentsOver() throws {
        let options = try ConformOptions.parse(["bench", "--users", "3"])
        #expect(options.command == .bench(arguments: ["--users", "3"]))
    }
}
