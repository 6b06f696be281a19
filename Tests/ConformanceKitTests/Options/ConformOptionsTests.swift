import Testing
@testable import ConformanceKit

@Suite struct ConformOptionsTests {
    @Test func defaults() throws {
        let options = try ConformOptions.parse([])
        #expect(options == ConformOptions())
        #expect(options.command == .run)
        #expect(options.targetURL == nil)
        #expect(options.concurrency == 4)
        #expect(options.scenarioTimeout == .seconds(60))
        #expect(options.capabilities.isEmpty)
    }

    @Test func everyOptionIsParsed() throws {
        let options = try ConformOptions.parse([
            "--server-command", "python app.py", "--start-timeout", "2.5", "--filter", "join", "--filter=ORDER-1",
            "--exclude", "durability/", "--strict", "--timeout", "30", "--timeout-factor", "1.5", "--seed", "0x10",
            "--concurrency", "8", "--junit", "out.xml", "--json=out.json", "--html", "out.html", "--expect", "ci.expect",
            "--restart-command", "systemctl restart x", "--crash-command", "pkill -9 x", "--verbose", "http://127.0.0.1:5000/",
        ])
        #expect(options.command == .run)
        #expect(options.serverCommand == "python app.py")
        #expect(options.startTimeout == .milliseconds(2_500))
        #expect(options.filters == ["join", "ORDER-1"])
        #expect(options.excludes == ["durability/"])
        #expect(options.isStrict)
        #expect(options.scenarioTimeout == .seconds(30))
        #expect(options.timeoutFactor == 1.5)
        #expect(options.seed == 16)
        #expect(options.concurrency == 8)
        #expect(options.junitPath == "out.xml")
        #expect(options.jsonPath == "out.json")
        #expect(options.htmlPath == "out.html")
        #expect(options.expectationsPath == "ci.expect")
        #expect(options.restartCommand == "systemctl restart x")
        #expect(options.crashCommand == "pkill -9 x")
        #expect(options.isVerbose)
        #expect(options.targetURL == "http://127.0.0.1:5000")
        #expect(options.capabilities == [.restart, .crash])
        let runner = options.runnerOptions(seed: 16)
        #expect(runner.filters == ["join", "ORDER-1"])
        #expect(runner.capabilities == [.restart, .crash])
        #expect(runner.effectiveScenarioTimeout == .seconds(45))
    }

    @Test func commands() throws {
        #expect(try ConformOptions.parse(["--list", "--filter", "join"]).command == .list)
        #expect(try ConformOptions.parse(["-h"]).command == .help)
        #expect(throws: ConformUsageError.self, "an error before --help is still an error") { try ConformOptions.parse(["--seed", "x", "--help"]) }
        #expect(try ConformOptions.parse(["http://h:1", "--help", "--bogus"]).command == .help)
        #expect(try ConformOptions.parse(["bench", "http://h:1", "--rate", "5"]).command == .bench(arguments: ["http://h:1", "--rate", "5"]))
        #expect(try ConformOptions.parse(["--", "http://h:1"]).targetURL == "http://h:1")
        #expect(try ConformOptions.parse(["--seed", "18446744073709551615"]).seed == UInt64.max)
    }

    @Test(arguments: [
        (["--bogus"], "unknown option '--bogus'"),
        (["--seed"], "--seed needs a value"),
        (["--seed", "-1"], "--seed needs a whole number from 0 to 18446744073709551615, decimal or 0x-hexadecimal (got '-1')"),
        (["--seed", "18446744073709551616"], "--seed needs a whole number from 0 to 18446744073709551615, decimal or 0x-hexadecimal (got '18446744073709551616')"),
        (["--concurrency", "0"], "--concurrency needs a whole number from 1 to 1024 (got '0')"),
        (["--timeout", "nan"], "--timeout needs a positive number up to 86400 (got 'nan')"),
        (["--timeout-factor", "0"], "--timeout-factor needs a positive number up to 1000 (got '0')"),
        (["--strict=yes"], "--strict takes no value"),
        (["--filter", ""], "--filter needs a non-empty value"),
        (["ftp://x"], "the URL must start with http:// and name a host, e.g. http://127.0.0.1:5000 (got 'ftp://x')"),
        (["http://a:1", "http://b:2"], "unexpected argument 'http://b:2' (the URL is already http://a:1)"),
    ])
    func usageErrors(arguments: [String], message: String) {
        let error = #expect(throws: ConformUsageError.self) { try ConformOptions.parse(arguments) }
        #expect(error?.message == message)
    }

    /// `--socket-activation`: conform binds the port and hands it to `--server-command`; `--inherited-socket`:
    /// conform hands the socket it inherited to the restart and crash commands of a server at a URL.
    @Test func socketActivationOptions() throws {
        let activated = try ConformOptions.parse(["--server-command", "exec ./server", "--socket-activation"])
        #expect(activated.isSocketActivated && activated.targetURL == nil)
        let inherited = try ConformOptions.parse(["--inherited-socket", "--crash-command", "x", "http://127.0.0.1:5"])
        #expect(inherited.hasInheritedSocket && inherited.targetURL == "http://127.0.0.1:5")
        for arguments in [["--socket-activation"], ["--server-command", "x", "--socket-activation", "http://127.0.0.1:5"]] {
            let error = #expect(throws: ConformUsageError.self) { try ConformOptions.parse(arguments) }
            #expect(error?.message.hasPrefix("--socket-activation needs --server-command and no URL") == true)
        }
        for arguments in [["--inherited-socket"], ["--inherited-socket", "--server-command", "x", "http://127.0.0.1:5"]] {
            let error = #expect(throws: ConformUsageError.self) { try ConformOptions.parse(arguments) }
            #expect(error?.message.hasPrefix("--inherited-socket needs the server's URL") == true)
        }
        #expect(ConformOptions.helpText.contains("--socket-activation") && ConformOptions.helpText.contains("--inherited-socket"))
    }

    @Test func clusterOptionsGrantTheClusterCapabilities() throws {
        let one = try ConformOptions.parse(["--node", "http://127.0.0.1:1"])
        #expect(!one.capabilities.contains(.cluster), "one entry point is no cluster")
        let options = try ConformOptions.parse([
            "--node", "http://127.0.0.1:1", "--node", "http://127.0.0.1:2", "--database-restart-command", "pg_ctl restart",
        ])
        #expect(options.databaseRestartCommand == "pg_ctl restart")
        #expect(options.capabilities == [.cluster, .databaseRestart])
        #expect(throws: ConformUsageError.self) { try ConformOptions.parse(["http://127.0.0.1:3", "--database-restart-command", "x"]) }
        #expect(ConformOptions.helpText.contains("--database-restart-command"))
    }

    @Test func helpDocumentsExitCodesAndEveryOption() {
        let help = ConformOptions.helpText
        for code in ["  0   ", "  1   ", "  2   ", "  64  "] { #expect(help.contains(code), "\(code)") }
        for option in ["--server-command", "--start-timeout", "--list", "--filter", "--exclude", "--strict", "--timeout ", "--timeout-factor",
                       "--seed", "--concurrency", "--junit", "--json", "--html", "--expect", "--restart-command", "--crash-command", "--verbose", "--help"] {
            #expect(help.contains(option), "\(option)")
        }
        #expect(help.contains(ConformOptions.usage))
    }

    @Test func authenticationOptions() throws {
        let options = try ConformOptions.parse([
            "--auth-secret-file", "/run/secret", "--auth-audience", "chat", "--auth-leeway", "2", "--allowed-origin", "https://a.example",
            "http://127.0.0.1:3000",
        ])
        #expect(options.authSecretFile == "/run/secret")
        #expect(options.authAudience == "chat")
        #expect(options.authLeewaySeconds == 2)
        #expect(options.allowedOrigin == "https://a.example")
        // The secret comes from the file (read by the CLI), never from the command line.
        let runner = options.runnerOptions(seed: 1, secret: Array("s".utf8))
        #expect(runner.authentication == KitAuthentication(secret: Array("s".utf8), audience: "chat", leewaySeconds: 2))
        #expect(runner.allowedOrigin == "https://a.example")
        #expect(runner.capabilities == [.authentication, .originAllowList])
        let plain = try ConformOptions.parse([]).runnerOptions(seed: 1)
        #expect(plain.authentication == nil && plain.capabilities.isEmpty)
        #expect(ConformOptions.helpText.contains("--auth-secret-file PATH"))
    }

    @Test(arguments: [["--auth-leeway", "61"], ["--auth-leeway", "-1"], ["--auth-audience", "chat"], ["--auth-secret-file", ""], ["--allowed-origin"]])
    func badAuthenticationOptions(arguments: [String]) {
        #expect(throws: ConformUsageError.self) { try ConformOptions.parse(arguments) }
    }
}
