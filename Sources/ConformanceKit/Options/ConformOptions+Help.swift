/// The usage line and `--help` text of `conform`.
extension ConformOptions {
    /// Printed after `Error: …` on a usage error.
    public static let usage = "usage: conform [options] [URL]\n       conform bench [URL] [options]"

    /// `conform -h` / `--help`, printed to stdout.
    public static let helpText = """
        conform: conformance kit for the messenger protocol (Spec \(RequirementCatalog.specVersion))

        \(usage)

        Drives the server at URL (e.g. http://127.0.0.1:5000) through scenarios that encode every
        requirement of Spec/SPEC.md and reports a verdict per scenario. Without URL, checks the
        built-in reference server. `conform bench [URL]` measures throughput, latency, capacity
        and history load time instead, checking correctness as it goes (`conform bench --help`).

        Selection:
          --list                   List the scenarios (ID, level, area, requirements, title) and exit.
          --filter X               Run only scenarios matching X: a scenario ID prefix (join/), an area
                                   (ordering), or a requirement ID or its area (JOIN-3, JOIN). Repeatable.
          --exclude X              Never run scenarios matching X. Repeatable.
          --strict                 SHOULD-level failures and unsupported MUST/SHOULD scenarios fail the run.
          --expect FILE            Known failures and flaky scenarios (see docs/expectations.md).

        Server:
          --server-command CMD     Start the server with CMD (via /bin/sh) before the run, stop it after.
          --socket-activation      With --server-command and no URL: conform listens on 127.0.0.1 (port
                                   0) and hands the socket to CMD as descriptor 3 with LISTEN_FDS=1 and
                                   LISTEN_PID (systemd's protocol, man sd_listen_fds) at every start,
                                   restart and crash; CMD must exec the server. The port stays open
                                   between a crash and the restart (connections wait in the backlog).
          --start-timeout SECONDS  Wait at most this long for the server to listen (default 10).
          --restart-command CMD    Restart the server in an orderly way; enables durability scenarios.
          --crash-command CMD      Kill the server (kill -9) and start it again; enables crash scenarios.
          --inherited-socket       conform was started socket-activated (LISTEN_PID its pid, LISTEN_FDS=1)
                                   with the server's listening socket as descriptor 3: hand it on to the
                                   restart and crash commands (descriptor 3, LISTEN_FDS=1, LISTEN_PID the
                                   command's shell), as a process manager keeps the port across restarts.
          --node URL               One entry point of a clustered deployment (repeat for each node, no
                                   positional URL): every scenario's sessions and POSTs are spread over
                                   the nodes (seeded; each choice is in the wire trace). {node} in the
                                   restart and crash commands is the node's URL; each acts on the next node.
                                   Two or more enable the CLUSTER scenarios.
          --database-restart-command CMD
                                   Restart the deployment's database (with --node): enables the scenario
                                   that restarts it under load (Spec CLUSTER-4).

        Authentication and origins (Spec section 11):
          --auth-secret-file PATH  The HS256 secret the server shares with its backend (one trailing line
                                   break ignored): the kit mints a token for every user it invents, runs
                                   the whole catalogue authenticated plus the AUTH scenarios. Without it,
                                   a server that refuses CONNECT without a token ends the run at once
                                   (exit 2) with a line saying so. Without URL: the built-in reference
                                   server runs with authentication on.
          --auth-audience A        The aud the server's tokens must carry.
          --auth-leeway SECONDS    The server's clock leeway, 0 to 60 (default 5): how long past a
                                   token's exp the kit waits for the session to end.
          --allowed-origin ORIGIN  An origin on the server's allow-list: enables the ORIGIN scenarios.
          --storage-fault-command CMD    Make the server's storage fail (e.g. fill its disk); with
          --storage-recover-command CMD  its undoing, enables the storage fault scenario (SEND-6).

        Timing and reproduction:
          --timeout SECONDS        Per-scenario overall timeout (default 60, grown by twice the server's
                                   advertised pingInterval + pingTimeout); past it, inconclusive.
                                   Heartbeat waits follow the advertised timings (docs/timeouts.md).
          --timeout-factor F       Multiply every timeout of the kit by F (slow machines, CI).
          --seed N                 Seed of the scenarios' random choices (printed by every run).
          --concurrency N          Scenarios run at once (default 4); exclusive ones always run alone.

        Output:
          --junit FILE             Write a JUnit XML report.
          --json FILE              Write a JSON report (docs/conform-report.schema.json).
          --html FILE              Write the report as one self-contained HTML page (open it in a browser).
          -v, --verbose            Print scenario starts and full wire traces.
          -h, --help               Print this help and exit.

        Exit status:
          0   every required check passed (MUST; SHOULD too with --strict)
          1   a required check failed, or a scenario listed as failing in --expect passed
          2   inconclusive: some required scenario could not be decided, and none failed
          64  usage error (bad option, bad value, bad expectations file)
        """
}
