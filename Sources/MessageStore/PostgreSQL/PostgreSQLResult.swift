import CPostgreSQL

/// The rows of one statement (`PGresult`), in binary format; cleared when released.
///
/// Binary formats (PostgreSQL "Binary I/O"): `bigint` is 8 bytes big-endian, `bytea` and `text` are
/// their raw bytes.
public final class PostgreSQLResult {
    private let handle: OpaquePointer

    init(_ handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        PQclear(handle)
    }

    /// Number of rows.
    public var rowCount: Int { Int(PQntuples(handle)) }

    /// Whether the value at `row`, `column` is SQL NULL.
    public func isNull(row: Int, column: Int) -> Bool {
        PQgetisnull(handle, Int32(row), Int32(column)) == 1
    }

    /// The raw bytes of a value (empty for NULL).
    public func bytes(row: Int, column: Int) -> [UInt8] {
        let length = Int(PQgetlength(handle, Int32(row), Int32(column)))
        guard length > 0, let value = PQgetvalue(handle, Int32(row), Int32(column)) else { return [] }
        return value.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }

    /// A `bytea` or `text` value decoded as UTF-8 (invalid sequences repaired).
    public func string(row: Int, column: Int) -> String {
        String(decoding: bytes(row: row, column: column), as: UTF8.self)
    }

    /// A `bigint` value; nil for NULL or a value of another width.
    public func int64(row: Int, column: Int) -> Int64? {
        let bytes = bytes(row: row, column: column)
        guard bytes.count == 8 else { return nil }
        return bytes.reduce(0) { ($0 << 8) | Int64($1) }
    }

    /// `value` as a binary `bigint` parameter.
    public static func bigEndian(_ value: Int64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
    }
}

@available(*, unavailable)
extension PostgreSQLResult: Sendable {}
