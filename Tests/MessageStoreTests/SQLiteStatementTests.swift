import CSQLite
import Testing
@testable import MessageStore

@Suite("SQLiteStatement")
struct SQLiteStatementTests {
    private func withConnection(_ body: (SQLiteConnection) throws -> Void) throws {
        let connection = try SQLiteConnection(path: ":memory:")
        defer { connection.close() }
        try connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, text TEXT, number INTEGER)")
        try body(connection)
    }

    @Test(arguments: ["", "plain", "ünïcødé ✓ 🙂", "embedded\u{0}nul", "long:" + String(repeating: "x", count: 20)])
    func textRoundTripsExactly(text: String) throws {
        try withConnection { connection throws in
            try connection.statement("INSERT INTO t (text) VALUES (?1)").run([.text(text)])
            let read = try connection.statement("SELECT text, text IS NULL FROM t").rows { row throws(SQLiteError) in
                (try row.text(at: 0), try row.int64(at: 1))
            }
            #expect(read.count == 1)
            #expect(read.first?.0 == text)
            #expect(read.first?.1 == 0)  // "" binds as empty text, not NULL
        }
    }

    @Test func longTextRoundTrips() throws {
        try withConnection { connection throws in
            let text = String(repeating: "0123456789", count: 100_000)
            try connection.statement("INSERT INTO t (text) VALUES (?1)").run([.text(text)])
            #expect(try connection.textValue("SELECT text FROM t") == text)
        }
    }

    @Test(arguments: [Int64.min, -1, 0, 1, Int64.max])
    func integersRoundTrip(number: Int64) throws {
        try withConnection { connection throws in
            try connection.statement("INSERT INTO t (number) VALUES (?1)").run([.integer(number)])
            #expect(try connection.int64Value("SELECT number FROM t") == number)
        }
    }

    @Test func nullBindsAndReads() throws {
        try withConnection { connection throws in
            try connection.statement("INSERT INTO t (text, number) VALUES (?1, ?2)").run([.null, .null])
            let row = try connection.statement("SELECT text, number FROM t").rows { row throws(SQLiteError) in
                (try row.isNull(at: 0), try row.isNull(at: 1), try row.text(at: 0))
            }
            #expect(row.first?.0 == true)
            #expect(row.first?.1 == true)
            #expect(row.first?.2 == "")
        }
    }

    @Test func wrongBindingCountAndIndexesAreRangeErrors() throws {
        try withConnection { connection throws in
            let insert = try connection.statement("INSERT INTO t (text) VALUES (?1)")
            #expect(insert.parameterCount == 1)
            let count = try #require(throws: SQLiteError.self) { try insert.run([.text("a"), .text("b")]) }
            #expect(count.code == SQLITE_RANGE)
            #expect(throws: SQLiteError.self) { try insert.bind(.text("a"), at: 0) }
            #expect(throws: SQLiteError.self) { try insert.bind(.text("a"), at: 2) }
            let select = try connection.statement("SELECT 1")
            #expect(try select.step())
            #expect(throws: SQLiteError.self) { try select.int64(at: 1) }
            #expect(throws: SQLiteError.self) { try select.text(at: -1) }
            select.reset()
        }
    }

    @Test func rowsResetsTheStatementSoItHoldsNoSnapshot() throws {
        try withConnection { connection throws in
            try connection.execute("INSERT INTO t (number) VALUES (1), (2), (3)")
            let select = try connection.statement("SELECT number FROM t ORDER BY id")
            #expect(try select.rows { row throws(SQLiteError) in try row.int64(at: 0) } == [1, 2, 3])
            #expect(sqlite3_stmt_busy(select.handle) == 0)
            // A cached statement runs again with fresh bindings.
            #expect(try select.rows { row throws(SQLiteError) in try row.int64(at: 0) } == [1, 2, 3])
        }
    }

    @Test func emptySQLIsRefused() throws {
        try withConnection { connection throws in
            let error = try #require(throws: SQLiteError.self) { try connection.statement("  -- nothing\n") }
            #expect(error.code == SQLITE_MISUSE)
        }
    }
}
