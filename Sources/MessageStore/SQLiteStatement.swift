import CSQLite

/// A value bound to a statement parameter.
public enum SQLiteValue: Sendable, Equatable {
    case integer(Int64)
    case text(String)
    case null
}

/// A prepared statement: bind, step, read columns; finalized when released.
///
/// SQLite "Prepared Statement Object" (https://sqlite.org/c3ref/stmt.html). Confined to the thread
/// or serial queue of the `SQLiteConnection` that prepared it, like the connection itself.
public final class SQLiteStatement {
    /// The SQL text this statement was prepared from.
    public let sql: String
    let handle: OpaquePointer
    private let database: OpaquePointer

    init(database: OpaquePointer, sql: String) throws(SQLiteError) {
        var handle: OpaquePointer?
        let code = sqlite3_prepare_v3(database, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        guard code == SQLITE_OK else {
            sqlite3_finalize(handle)
            throw SQLiteError(database: database, code: code, sql: sql)
        }
        guard let handle else {
            // Empty SQL (only whitespace or comments) prepares to no statement at all.
            throw SQLiteError(code: SQLITE_MISUSE, message: "no statement in SQL text", sql: sql)
        }
        self.sql = sql
        self.handle = handle
        self.database = database
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Number of parameters (`?`, `?NNN`) the statement takes.
    public var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

    /// Resets the statement so it can run again and releases its read snapshot; keeps bindings.
    public func reset() {
        // The return value repeats the error of the last step, already reported by `step()`.
        sqlite3_reset(handle)
    }

    /// Binds `value` to the 1-based parameter `index`.
    public func bind(_ value: SQLiteValue, at index: Int) throws(SQLiteError) {
        guard index >= 1, index <= parameterCount else {
            throw SQLiteError(code: SQLITE_RANGE, message: "parameter index \(index) out of range 1...\(parameterCount)", sql: sql)
        }
        let position = Int32(index)
        let code: Int32
        switch value {
        case .integer(let integer):
            code = sqlite3_bind_int64(handle, position, integer)
        case .text(let text):
            // The String's own UTF-8 storage, copied by SQLite before this call returns.
            var text = text
            code = text.withUTF8 { bindText($0, at: position, isCopied: true) }
        case .null:
            code = sqlite3_bind_null(handle, position)
        }
        guard code == SQLITE_OK else { throw SQLiteError(database: database, code: code, sql: sql) }
    }

    /// Resets the statement and binds `values` to parameters 1, 2, …, replacing every old binding.
    ///
    /// The count must match `parameterCount`, so every parameter is bound anew; the bindings are not
    /// cleared first, which lets SQLite reuse each parameter's buffer from one run to the next.
    public func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        reset()
        guard values.count == parameterCount else {
            throw SQLiteError(
                code: SQLITE_RANGE,
                message: "statement takes \(parameterCount) parameters, \(values.count) given", sql: sql)
        }
        for (offset, value) in values.enumerated() {
            try bind(value, at: offset + 1)
        }
    }

    /// Runs one step: `true` when a row is available to read, `false` when the statement is done.
    public func step() throws(SQLiteError) -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = SQLiteError(database: database, code: code, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Binds `values`, steps until done, then resets. For statements that return no rows.
    public func run(_ values: [SQLiteValue] = []) throws(SQLiteError) {
        try bind(values)
        defer { reset() }
        while try step() {}
    }

    /// Binds `texts` to parameters 1, 2, … without copying them, steps until done, then resets.
    ///
    /// The same as `run(texts.map(SQLiteValue.text))`, minus one copy per text: each String's UTF-8
    /// storage is bound in place with `SQLITE_STATIC` inside nested `withUTF8` scopes, the statement runs
    /// inside the innermost one, and the bindings are cleared before any scope ends, so SQLite never
    /// holds a pointer past the bytes' lifetime. (The writer's insert, once per message.)
    public func run(texts: [String]) throws(SQLiteError) {
        reset()
        guard texts.count == parameterCount else {
            throw SQLiteError(
                code: SQLITE_RANGE,
                message: "statement takes \(parameterCount) parameters, \(texts.count) given", sql: sql)
        }
        defer { reset() }
        try bindInPlaceAndRun(texts, from: 0)
    }

    private func bindInPlaceAndRun(_ texts: [String], from index: Int) throws(SQLiteError) {
        guard index < texts.count else {
            defer { sqlite3_clear_bindings(handle) }
            while try step() {}
            return
        }
        var text = texts[index]
        let outcome: Result<Void, SQLiteError> = text.withUTF8 { bytes in
            let code = bindText(bytes, at: Int32(index + 1), isCopied: false)
            guard code == SQLITE_OK else {
                let error = SQLiteError(database: database, code: code, sql: sql)
                sqlite3_clear_bindings(handle)
                return .failure(error)
            }
            do throws(SQLiteError) {
                try bindInPlaceAndRun(texts, from: index + 1)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try outcome.get()
    }

    /// Binds UTF-8 bytes as text with an explicit length, so embedded NUL characters survive; empty
    /// bytes bind as zero-length text, not NULL. `isCopied`: SQLite copies the bytes before returning
    /// (`SQLITE_TRANSIENT`), else it reads them in place until they are unbound (`SQLITE_STATIC`).
    private func bindText(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int32, isCopied: Bool) -> Int32 {
        bytes.withMemoryRebound(to: CChar.self) { characters in
            guard let start = characters.baseAddress, !characters.isEmpty else {
                return sqlite3_bind_text64(handle, position, "", 0, SQLiteStatement.transient, UInt8(SQLITE_UTF8))
            }
            // A nil destructor is SQLITE_STATIC.
            return sqlite3_bind_text64(
                handle, position, start, UInt64(characters.count), isCopied ? SQLiteStatement.transient : nil, UInt8(SQLITE_UTF8))
        }
    }

    /// Binds `values`, reads every row with `row`, then resets (releasing the read snapshot).
    public func rows<Row>(_ values: [SQLiteValue] = [], _ row: (SQLiteStatement) throws(SQLiteError) -> Row) throws(SQLiteError) -> [Row] {
        try bind(values)
        defer { reset() }
        var result: [Row] = []
        while try step() {
            result.append(try row(self))
        }
        return result
    }

    /// Number of columns in a result row.
    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    /// Whether column `index` (0-based) of the current row is NULL.
    public func isNull(at index: Int) throws(SQLiteError) -> Bool {
        try checkColumn(index)
        return sqlite3_column_type(handle, Int32(index)) == SQLITE_NULL
    }

    /// The integer in column `index` (0-based) of the current row.
    public func int64(at index: Int) throws(SQLiteError) -> Int64 {
        try checkColumn(index)
        return sqlite3_column_int64(handle, Int32(index))
    }

    /// The text in column `index` (0-based) of the current row; NULL reads as "".
    public func text(at index: Int) throws(SQLiteError) -> String {
        try checkColumn(index)
        let column = Int32(index)
        guard let bytes = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    private func checkColumn(_ index: Int) throws(SQLiteError) {
        guard index >= 0, index < columnCount else {
            throw SQLiteError(code: SQLITE_RANGE, message: "column index \(index) out of range 0..<\(columnCount)", sql: sql)
        }
    }

    /// `SQLITE_TRANSIENT`: a C macro (a destructor of -1) that Swift does not import.
    private static var transient: sqlite3_destructor_type {
        unsafeBitCast(-1 as Int, to: sqlite3_destructor_type.self)
    }
}

@available(*, unavailable)
extension SQLiteStatement: Sendable {}
