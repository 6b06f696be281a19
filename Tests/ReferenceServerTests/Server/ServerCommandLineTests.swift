import Testing
@testable import ReferenceServer

@Suite struct ServerCommandLineTests {
    @Test func defaultsMatchTheOriginApplication() throws {
        guard case .run(let configuration, _) = try ServerCommandLine.parse([]).get() else { Issue.record("not run"); return }
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 3000)
        #expect(configuration.databasePath == "messages.db")
        #expect(configuration.postgresURL == nil)
        #expect(configuration.pingInterval == 25_000)
        #expect(configuration.pingTimeout == 20_000)
        #expect(configuration.limits.engineIOMaxPayload == 1_000_000)
        #expect(configuration.slowCommitMilliseconds == 20)
    }

    @Test func everyFlagIsApplied() throws {
        let arguments = ["--host", "0.0.0.0", "--port", "0", "--db", "/tmp/x.db", "--ping-interval", "300",
                         "--ping-timeout", "200", "--max-payload", "5000", "--slow-commit", "5", "--log-level", "debug",
                         "--max-pending-commits", "7", "--descriptor-high-water", "80", "--summary-interval", "0", "--trim-after-closes", "9",
                         "--max-connections-per-ip", "0", "--posts-per-second-per-connection", "11", "--posts-per-second-per-ip", "12",
                         "--events-per-second-per-session", "13", "--events-per-second-per-ip", "14"]
        guard case .run(let configuration, _) = try ServerCommandLine.parse(arguments).get() else { Issue.record("not run"); return }
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.port == 0)
        #expect(configuration.databasePath == "/tmp/x.db")
        #expect(configuration.pingInterval == 300)
        #expect(configuration.pingTimeout == 200)
        #expect(configuration.limits.engineIOMaxPayload == 5000)
        #expect(configuration.slowCommitMilliseconds == 5)
        #expect(configuration.logLevel == .debug)
        #expect(configuration.operating.maxPendingCommits == 7)
        #expect(configuration.operating.descriptorHighWaterPercent == 80)
        #expect(configuration.operating.summaryIntervalSeconds == 0)
        #expect(configuration.operating.trimAfterClosedConnections == 9)
        #expect(configuration.operating.maxConnectionsPerIP == 0)
        #expect(configuration.operating.postsPerSecondPerConnection == 11)
        #expect(configuration.operating.postsPerSecondPerIP == 12)
        #expect(configuration.operating.eventsPerSecondPerSession == 13)
        #expect(configuration.operating.eventsPerSecondPerIP == 14)
    }

    @Test func postgresTakesALibpqURI() throws {
        let url = "postgresql://messenger@db.example/messenger?sslmode=verify-full"
        guard case .run(let configuration, _) = try ServerCommandLine.parse(["--postgres", url]).get() else { Issue.record("not run"); return }
        #expect(configuration.postgresURL == url)
        #expect(throws: ServerCommandLine.UsageError.self) { try ServerCommandLine.parse(["--postgres"]).get() }
    }

    @Test func sidPrefixIsCheckedAndApplied() throws {
        guard case .run(let configuration, _) = try ServerCommandLine.parse(["--sid-prefix", "node-a_"]).get() else { Issue.record("not run"); return }
        #expect(configuration.sessionIDPrefix == "node-a_")
        for bad in ["", "a/b", "a b", String(repeating: "x", count: 17)] {
            #expect(throws: ServerCommandLine.UsageError.self) { try ServerCommandLine.parse(["--sid-prefix", bad]).get() }
        }
    }

    @Test(arguments: [["--port"], ["--port", "70000"], ["--port", "x"], ["--log-level", "loud"], ["--bogus"], ["--max-payload", "1"], ["--slow-commit", "-1"], ["--descriptor-high-water", "101"], ["--max-connections-per-ip", "-1"]])
    func badArgumentsAreUsageErrors(arguments: [String]) {
        #expect(throws: ServerCommandLine.UsageError.self) { try ServerCommandLine.parse(arguments).get() }
    }

    @Test func helpIsRecognised() throws {
        guard case .help = try ServerCommandLine.parse(["--help"]).get() else { Issue.record("not help"); return }
        #expect(ServerCommandLine.help.contains("Exit codes"))
        #expect(ServerCommandLine.help.contains("Socket activation") && ServerCommandLine.help.contains("LISTEN_FDS is 1"))
    }

    @Test func authenticationFlags() throws {
        let arguments = ["--auth-secret-file", "/run/secret", "--auth-audience", "chat", "--auth-leeway", "2",
                         "--allowed-origin", "https://a.example", "--allowed-origin", "https://b.example"]
        guard case .run(let configuration, let secretFile) = try ServerCommandLine.parse(arguments).get() else { Issue.record("not run"); return }
        #expect(secretFile == "/run/secret")
        #expect(configuration.authentication?.audience == "chat")
        #expect(configuration.authentication?.leewaySeconds == 2)
        #expect(configuration.authentication?.secret == [])  // filled from the file by ServerMain, never from the command line
        #expect(configuration.allowedOrigins == ["https://a.example", "https://b.example"])
    }

    @Test func authenticationIsOffByDefault() throws {
        guard case .run(let configuration, nil) = try ServerCommandLine.parse([]).get() else { Issue.record("not run"); return }
        #expect(configuration.authentication == nil)
        #expect(configuration.allowedOrigins.isEmpty)
    }

    @Test(arguments: [["--auth-leeway", "61", "--auth-secret-file", "x"], ["--auth-audience", "a"], ["--allowed-origin", ""],
                      ["token"], ["token", "--user", "alice"], ["token", "--user", "a", "--secret-file", "s", "--ttl", "soon"]])
    func badAuthenticationArguments(arguments: [String]) {
        #expect(throws: ServerCommandLine.UsageError.self) { try ServerCommandLine.parse(arguments).get() }
    }

    @Test func tokenSubcommand() throws {
        let outcome = try ServerCommandLine.parse(["token", "--user", "alice", "--ttl", "1h", "--secret-file", "/s", "--audience", "chat"]).get()
        guard case .token(let request) = outcome else { Issue.record("not token"); return }
        #expect(request == ServerCommandLine.TokenRequest(user: "alice", timeToLiveSeconds: 3_600, secretFile: "/s", audience: "chat"))
        #expect(ServerCommandLine.durationSeconds("90s") == 90)
        #expect(ServerCommandLine.durationSeconds("15m") == 900)
        #expect(ServerCommandLine.durationSeconds("2d") == 172_800)
        #expect(ServerCommandLine.durationSeconds("3600") == 3_600)
        #expect(ServerCommandLine.durationSeconds("h") == nil)
    }

    @Test func secretFileContents() {
        #expect(AuthenticationConfiguration.secret(fromFileContents: Array("s3cret\n".utf8)) == Array("s3cret".utf8))
        #expect(AuthenticationConfiguration.secret(fromFileContents: Array("s3cret\r\n".utf8)) == Array("s3cret".utf8))
        #expect(AuthenticationConfiguration.secret(fromFileContents: Array("two\nlines\n".utf8)) == Array("two\nlines".utf8))
        #expect(AuthenticationConfiguration.secret(fromFileContents: Array("\n".utf8)) == nil)
        #expect(AuthenticationConfiguration.secret(fromFileContents: []) == nil)
    }
}
