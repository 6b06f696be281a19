import CLinux
import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL server of the tests' own: `initdb` into a temporary directory, listening only on a Unix
/// socket in that directory (no TCP port), started and stopped with `pg_ctl`, removed at process exit.
///
/// PostgreSQL refuses to run as root; as root, every server command runs as the `postgres` user that
/// Debian's package creates (`runuser -u postgres`). Each test takes a fresh database (`makeDatabase()`).
public final class ThrowawayPostgreSQL: Sendable {
    /// Why a server could not be had.
    public struct Unavailable: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// The directory holding the cluster (`data/`), its log and its socket.
    public let directory: String
    private let binDirectory: String
    private let databaseCounter = Mutex(0)

    /// The server of this test process, started on first use (nil with the reason when PostgreSQL is absent).
    public static let shared: Result<ThrowawayPostgreSQL, Unavailable> = {
        do {
            let server = try ThrowawayPostgreSQL()
            atexit { if case .success(let server) = ThrowawayPostgreSQL.shared { server.destroy() } }
            return .success(server)
        } catch let error as Unavailable {
            return .failure(error)
        } catch {
            return .failure(Unavailable(description: "\(error)"))
        }
    }()

    /// Whether a missing PostgreSQL fails the tests instead of skipping them (`CI=true`, or
    /// `MESSENGER_REQUIRE_POSTGRESQL=1` as `.ci/run` sets).
    public static var isRequired: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment["CI"] == "true" || environment["MESSENGER_REQUIRE_POSTGRESQL"] == "1"
    }

    /// Creates and starts a new cluster.
    public init() throws {
        guard let binDirectory = Self.findBinDirectory() else {
            throw Unavailable(description: "PostgreSQL's initdb not found (apt-get install postgresql)")
        }
        self.binDirectory = binDirectory
        var template = Array((NSTemporaryDirectory() + "/throwaway-postgres-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else { throw Unavailable(description: "mkdtemp failed: errno \(errno)") }
        directory = String(cString: created)
        if geteuid() == 0 {
            guard let user = getpwnam("postgres") else {
                throw Unavailable(description: "running as root and no postgres user to run PostgreSQL as")
            }
            chown(directory, user.pointee.pw_uid, user.pointee.pw_gid)
        }
        try run("initdb", ["-D", directory + "/data", "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"])
        try start()
    }

    /// A libpq URI for `database` over the Unix socket.
    public func url(database: String = "postgres") -> String {
        "postgresql:///\(database)?host=\(directory)&user=postgres"
    }

    /// Creates a fresh, empty database and returns its URI.
    public func makeDatabase() throws -> String {
        let name = databaseCounter.withLock { counter -> String in
            counter += 1
            return "test_\(getpid())_\(counter)"
        }
        try psql("CREATE DATABASE \(name)")
        return url(database: name)
    }

    /// Runs SQL with `psql` (as the superuser) on `database`; returns its unaligned output.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        try run("psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", directory, "-U", "postgres", "-d", database, "-c", sql])
    }

    /// Starts the server and waits until it accepts connections.
    public func start() throws {
        let options = "-c listen_addresses='' -c unix_socket_directories='\(directory)' -c max_connections=200"
        try run("pg_ctl", ["-D", directory + "/data", "-l", directory + "/log", "-o", options, "-w", "-t", "60", "start"])
    }

    /// Stops the server; `immediate` is a crash (no checkpoint), `fast` an orderly stop that cuts sessions.
    public func stop(mode: String = "fast") throws {
        try run("pg_ctl", ["-D", directory + "/data", "-m", mode, "-w", "-t", "60", "stop"])
    }

    /// The postmaster's process id (the first line of `data/postmaster.pid`).
    public func postmasterProcessID() throws -> Int32 {
        let text = try String(contentsOfFile: directory + "/data/postmaster.pid", encoding: .utf8)
        guard let line = text.split(separator: "\n").first, let pid = Int32(line.trimmingCharacters(in: .whitespaces)) else {
            throw Unavailable(description: "no process id in \(directory)/data/postmaster.pid")
        }
        return pid
    }

    /// A shell command that restarts this server (`pg_ctl restart -m fast`, as `postgres` when root), for
    /// `conform --database-restart-command`.
    public func restartCommand() -> String {
        let command = "\(binDirectory)/pg_ctl -D \(directory)/data -l \(directory)/log -m fast -w -t 60 restart > /dev/null"
        return geteuid() == 0 ? "/usr/sbin/runuser -u postgres -- /bin/sh -c '\(command)'" : command
    }

    /// Stops (ignoring a server already stopped) and removes the directory.
    public func destroy() {
        _ = try? stop(mode: "immediate")
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs one of PostgreSQL's programs, as `postgres` when root; returns its standard output.
    ///
    /// `posix_spawn` and `waitpid`, output to files: Foundation's `Process` did not return from
    /// `waitUntilExit` after `pg_ctl start` here, and the server it starts would hold a pipe open.
    @discardableResult
    private func run(_ program: String, _ arguments: [String]) throws -> String {
        let path = binDirectory + "/" + program
        let argv = geteuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", path] + arguments : [path] + arguments
        let stem = directory + "/\(program)-\(UUID().uuidString)"
        defer {
            unlink(stem + ".out")
            unlink(stem + ".err")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stem + ".out", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stem + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // Nothing else of the test process: `pg_ctl start` leaves the server running, and a server that
        // inherited the process's sockets and pipes (seen: ten sockets and a pipe of the test process in
        // every postgres process) holds them open for its whole life, so a test's close of a connection
        // never reaches its peer (KitRawConnectionTests.closeWithoutBytesIsClosed waited 60 s for an end
        // of file its server had sent by closing).
        _ = clinux_spawn_file_actions_closefrom(&actions, 3)
        var pointers = argv.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        pointers.append(nil)
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, pointers, environ)
        guard spawned == 0 else { throw Unavailable(description: "cannot run \(argv[0]): errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: stem + ".out", encoding: .utf8)) ?? ""
        let errors = (try? String(contentsOfFile: stem + ".err", encoding: .utf8)) ?? ""
        let exitCode = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        guard exitCode == 0 else {
            throw Unavailable(description: "\(program) \(arguments.joined(separator: " ")) exited \(exitCode): \(errors)")
        }
        return output
    }

    /// The directory of `initdb` and `pg_ctl`: Debian keeps them off PATH, under /usr/lib/postgresql/N/bin.
    private static func findBinDirectory() -> String? {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            let directory = "/usr/lib/postgresql/\(version)/bin"
            if FileManager.default.isExecutableFile(atPath: directory + "/initdb") { return directory }
        }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            if FileManager.default.isExecutableFile(atPath: directory + "/initdb") { return String(directory) }
        }
        return nil
    }
}

/// Runs `body` with the shared throwaway server, or with a private one (`isPrivate`, for tests that stop
/// or restart it) destroyed afterwards; without PostgreSQL, prints why and returns (or records an issue
/// when PostgreSQL is required, see `ThrowawayPostgreSQL.isRequired`).
public func withThrowawayPostgreSQL(
    isPrivate: Bool = false, test: String = #function, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: (ThrowawayPostgreSQL) async throws -> Void
) async throws {
    switch ThrowawayPostgreSQL.shared {
    case .success(let shared):
        guard isPrivate else { return try await body(shared) }
        let server = try ThrowawayPostgreSQL()
        defer { server.destroy() }
        try await body(server)
    case .failure(let reason):
        if ThrowawayPostgreSQL.isRequired {
            Issue.record("PostgreSQL is required here and unavailable: \(reason)", sourceLocation: sourceLocation)
        } else {
            print("skipped \(test): \(reason)")
        }
    }
}
