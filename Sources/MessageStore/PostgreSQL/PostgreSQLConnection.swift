import CPostgreSQL
#if canImport(Glibc)
import Glibc
#endif

/// One libpq connection (`PGconn`), confined to one thread or serial queue.
///
/// libpq "Database Connection Control Functions", "Command Execution Functions" and "Asynchronous
/// Command Processing" (https://www.postgresql.org/docs/current/libpq.html). Every statement is sent
/// with `PQsendQueryParams` on a non-blocking connection, parameters in binary format (raw bytes:
/// NUL-safe, no escaping), results in binary format (see `PostgreSQLResult`); the answer is awaited
/// with `poll` for at most `answerTimeout`, so a server that accepted the connection and then went
/// silent cannot hold the caller without limit. Not `Sendable`: a `PGconn` must not be used from two
/// threads at once.
public final class PostgreSQLConnection {
    private var handle: OpaquePointer?
    /// The longest wait for the server's answer to one statement (sending it included); nil: no limit.
    private let answerTimeout: Duration?

    /// Connects with a libpq connection string or URI (`postgresql://user@host/db?sslmode=require`).
    ///
    /// `parameters` are libpq connection keywords (`connect_timeout`, `keepalives_idle`,
    /// `application_name`, …) given before the URL, so the URL's own settings override them. Blocks
    /// until connected or refused (`connect_timeout` bounds it); throws with `isConnectionFailure` set
    /// when refused. `answerTimeout` bounds every statement's wait for its answer: past it, the
    /// connection is closed and the statement fails with `isConnectionFailure` (its outcome unknown).
    public init(url: String, parameters: [(keyword: String, value: String)] = [], answerTimeout: Duration? = nil) throws(PostgreSQLError) {
        let keywords = parameters.map(\.keyword) + ["dbname"]
        let values = parameters.map(\.value) + [url]
        let handle = Self.withCStrings(keywords) { keywords in
            Self.withCStrings(values) { values in PQconnectdbParams(keywords, values, 1) }
        }
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            let message = handle.map { Self.message(of: $0) } ?? "out of memory"
            PQfinish(handle)
            throw PostgreSQLError(message: message, isConnectionFailure: true)
        }
        // Notices (e.g. "relation already exists, skipping") would go to stderr; the store reports its own errors.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        guard PQsetnonblocking(handle, 1) == 0 else {
            let message = Self.message(of: handle)
            PQfinish(handle)
            throw PostgreSQLError(message: "cannot make the connection non-blocking: \(message)", isConnectionFailure: true)
        }
        self.handle = handle
        self.answerTimeout = answerTimeout
    }

    deinit {
        close()
    }

    /// Closes the connection. Idempotent.
    public func close() {
        guard let handle else { return }
        self.handle = nil
        PQfinish(handle)
    }

    /// Whether the connection is open and not known to be broken.
    public var isUsable: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// The connection's socket, for `poll` (LISTEN); -1 when closed.
    public var socket: Int32 {
        guard let handle else { return -1 }
        return PQsocket(handle)
    }

    /// Runs one statement with binary `parameters` (nil is SQL NULL) and returns its result.
    ///
    /// Parameter types are inferred by the server from the statement (e.g. a column's type); send
    /// integers with `PostgreSQLResult.bigEndian(_:)`.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [[UInt8]?] = []) throws(PostgreSQLError) -> PostgreSQLResult {
        guard let handle else { throw PostgreSQLError(message: "connection closed", sql: sql, isConnectionFailure: true) }
        let lengths = parameters.map { Int32($0?.count ?? 0) }
        let formats = [Int32](repeating: 1, count: parameters.count)
        let isSent = Self.withPointers(to: parameters) { values in
            PQsendQueryParams(handle, sql, Int32(parameters.count), nil, values, lengths, formats, 1) == 1
        }
        guard isSent else {
            throw PostgreSQLError(message: Self.message(of: handle), sql: sql, isConnectionFailure: PQstatus(handle) != CONNECTION_OK)
        }
        let result = try lastResult(of: handle, sql: sql)
        guard let result else {
            throw PostgreSQLError(message: Self.message(of: handle), sql: sql, isConnectionFailure: PQstatus(handle) != CONNECTION_OK)
        }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let text = PQresultErrorMessage(result).map { String(cString: $0) } ?? ""
            PQclear(result)
            let message = Self.trimmed(text.isEmpty ? Self.message(of: handle) : text)
            throw PostgreSQLError(
                sqlState: sqlState, message: message, sql: sql, isConnectionFailure: PQstatus(handle) != CONNECTION_OK)
        }
        return PostgreSQLResult(result)
    }

    /// Reads what arrived on the socket and returns the channels' payloads notified since the last call
    /// (`PQconsumeInput` + `PQnotifies`). Throws when the connection is lost.
    public func takeNotifications() throws(PostgreSQLError) -> [String] {
        guard let handle else { throw PostgreSQLError(message: "connection closed", isConnectionFailure: true) }
        guard PQconsumeInput(handle) == 1 else {
            throw PostgreSQLError(message: Self.message(of: handle), isConnectionFailure: true)
        }
        var payloads: [String] = []
        while let notification = PQnotifies(handle) {
            payloads.append(notification.pointee.extra.map { String(cString: $0) } ?? "")
            PQfreemem(notification)
        }
        return payloads
    }

    /// Flushes the statement sent, waits (at most `answerTimeout` in all) until its results are in, and
    /// returns the last one (as `PQexecParams` does); nil when libpq produced none.
    private func lastResult(of handle: OpaquePointer, sql: String) throws(PostgreSQLError) -> OpaquePointer? {
        let deadline = answerTimeout.map { ContinuousClock.now + $0 }
        while true {
            let flushed = PQflush(handle)
            if flushed == 0 { break }
            guard flushed > 0 else { throw PostgreSQLError(message: Self.message(of: handle), sql: sql, isConnectionFailure: true) }
            try wait(for: Int16(POLLOUT | POLLIN), on: handle, until: deadline, sql: sql)
            guard PQconsumeInput(handle) == 1 else { throw PostgreSQLError(message: Self.message(of: handle), sql: sql, isConnectionFailure: true) }
        }
        var last: OpaquePointer?
        do throws(PostgreSQLError) {
            while true {
                while PQisBusy(handle) == 1 {
                    try wait(for: Int16(POLLIN), on: handle, until: deadline, sql: sql)
                    guard PQconsumeInput(handle) == 1 else {
                        throw PostgreSQLError(message: Self.message(of: handle), sql: sql, isConnectionFailure: true)
                    }
                }
                guard let next = PQgetResult(handle) else { return last }
                PQclear(last)
                last = next
            }
        } catch {
            PQclear(last)
            throw error
        }
    }

    /// Polls the socket for `events` until `deadline` (nil: no limit). Past it, closes the connection and
    /// throws: the server accepted the statement (or part of it) and said nothing since.
    private func wait(for events: Int16, on handle: OpaquePointer, until deadline: ContinuousClock.Instant?, sql: String) throws(PostgreSQLError) {
        while true {
            var timeout: Int32 = -1
            if let deadline {
                let left = deadline - ContinuousClock.now
                guard left > .zero else {
                    close()
                    throw PostgreSQLError(
                        message: "no answer from the database within \(answerTimeout.map { "\($0)" } ?? "")", sql: sql, isConnectionFailure: true)
                }
                timeout = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            }
            var descriptor = pollfd(fd: PQsocket(handle), events: events, revents: 0)
            let ready = poll(&descriptor, 1, timeout)
            if ready > 0 { return }
            if ready < 0, errno != EINTR {
                throw PostgreSQLError(message: "poll failed: errno \(errno)", sql: sql, isConnectionFailure: true)
            }
        }
    }

    private static func message(of handle: OpaquePointer) -> String {
        trimmed(PQerrorMessage(handle).map { String(cString: $0) } ?? "unknown error")
    }

    private static func trimmed(_ text: String) -> String {
        var text = Substring(text)
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }

    /// Calls `body` with a NULL-terminated C array of the strings (valid only during the call).
    private static func withCStrings<Result>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> Result) -> Result {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        return body(copies.map { UnsafePointer($0) } + [nil])
    }

    /// Calls `body` with a C array of pointers to each parameter's bytes (valid only during the call).
    private static func withPointers<Result>(
        to parameters: [[UInt8]?], _ body: ([UnsafePointer<CChar>?]) -> Result
    ) -> Result {
        var pointers: [UnsafePointer<CChar>?] = []
        pointers.reserveCapacity(parameters.count)
        var buffers: [UnsafeMutableRawBufferPointer] = []
        defer { buffers.forEach { $0.deallocate() } }
        for parameter in parameters {
            guard let parameter else {
                pointers.append(nil)
                continue
            }
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, parameter.count), alignment: 1)
            buffer.copyBytes(from: parameter)
            buffers.append(buffer)
            pointers.append(UnsafePointer(buffer.baseAddress!.assumingMemoryBound(to: CChar.self)))
        }
        return body(pointers)
    }
}

@available(*, unavailable)
extension PostgreSQLConnection: Sendable {}
