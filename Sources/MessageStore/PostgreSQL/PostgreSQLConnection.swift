import CPostgreSQL

/// One libpq connection (`PGconn`), confined to one thread or serial queue.
///
/// libpq "Database Connection Control Functions" and "Command Execution Functions"
/// (https://www.postgresql.org/docs/current/libpq.html). Every statement is sent with
/// `PQexecParams`, parameters in binary format (raw bytes: NUL-safe, no escaping), results in binary
/// format (see `PostgreSQLResult`). Not `Sendable`: a `PGconn` must not be used from two threads at once.
public final class PostgreSQLConnection {
    private var handle: OpaquePointer?

    /// Connects with a libpq connection string or URI (`postgresql://user@host/db?sslmode=require`).
    ///
    /// Blocks until connected or refused; throws with `isConnectionFailure` set when refused.
    public init(url: String) throws(PostgreSQLError) {
        let handle = PQconnectdb(url)
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            let message = handle.map { Self.message(of: $0) } ?? "out of memory"
            PQfinish(handle)
            throw PostgreSQLError(message: message, isConnectionFailure: true)
        }
        // Notices (e.g. "relation already exists, skipping") would go to stderr; the store reports its own errors.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        self.handle = handle
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
        let result: OpaquePointer? = Self.withPointers(to: parameters) { values in
            PQexecParams(handle, sql, Int32(parameters.count), nil, values, lengths, formats, 1)
        }
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

    private static func message(of handle: OpaquePointer) -> String {
        trimmed(PQerrorMessage(handle).map { String(cString: $0) } ?? "unknown error")
    }

    private static func trimmed(_ text: String) -> String {
        var text = Substring(text)
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
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
