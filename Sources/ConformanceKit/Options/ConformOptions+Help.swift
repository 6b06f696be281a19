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
          --start-timeout SECONDS  Wait at most this long for the server to listen (default 10).
          --restart-command CMD    Restart the server in an orderly way; enables durability scenarios.
          --crash-command CMD      Kill the server (kill -9) and start it again; enables crash scenarios.
          --storage-fault-command CMD    Make the server's storage fail (e.g. fill its disk); with
          --storage-recover-command CMD  its undoing, enables the storage fault scenario (SEND-6).

        Timing and reproduction:
          --timeout SECONDS        Per-scenario overall timeout (default 60); past it, inconclusive.
          --timeout-factor F       Multiply every timeout of the kit by F (slow machines, CI).
          --seed N                 Seed of the scenarios' random choices (printed by every run).
          --concurrency N          Scenarios run at once (default 4); exclusive ones always run alone.

        Output:
          --junit FILE             Write a JUnit XML report.
          --json FILE              Write a JSON report (docs/conform-report.schema.json).
          -v, --verbose            Print scenario starts and full wire traces.
          -h, --help               Print this help and exit.

        Exit status:
          0   every required check passed (MUST; SHOULD too with --strict)
          1   a required check failed, or a scenario listed as failing in --expect passed
          2   inconclusive: some required scenario could not be decided, and none failed
          64  usage error (bad option, bad value, bad expectations file)
        """
}
