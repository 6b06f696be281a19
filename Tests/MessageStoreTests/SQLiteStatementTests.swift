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

    @Test func runTextsInPlaceStoresExactlyWhatRunStores() throws {
        let texts = ["", "plain", "ünïcødé ✓ 🙂", "embedded\u{0}nul", "long:" + String(repeating: "x", count: 20)]
        try withConnection { connection throws in
            try connection.execute("CREATE TABLE four (a TEXT, b TEXT, c TEXT, d TEXT)")
            let insert = try connection.statement("INSERT INTO four (a, b, c, d) VALUES (?1, ?2, ?3, ?4)")
            // Every text in every position, the statement reused across runs.
            for rotation in 0..<texts.count {
                let row = (0..<4).map { texts[($0 + rotation) % texts.count] }
                try insert.run(texts: row)
            }
            let read = try connection.statement("SELECT a, b, c, d, a IS NULL FROM four ORDER BY rowid").rows { row throws(SQLiteError) in
                ([try row.text(at: 0), try row.text(at: 1), try row.text(at: 2), try row.text(at: 3)], try row.int64(at: 4))
            }
            #expect(read.map(\.0) == (0..<texts.count).map { rotation in (0..<4).map { texts[($0 + rotation) % texts.count] } })
            #expect(read.allSatisfy { $0.1 == 0 })  // "" binds as empty text, not NULL
            // Nothing stays bound once the run is over (no pointer outlives its bytes).
            let expanded = try #require(sqlite3_expanded_sql(insert.handle))
            defer { sqlite3_free(expanded) }
            #expect(String(cString: expanded) == "INSERT INTO four (a, b, c, d) VALUES (NULL, NULL, NULL, NULL)")
            #expect(sqlite3_stmt_busy(insert.handle) == 0)
            let wrong = try #require(throws: SQLiteError.self) { try insert.run(texts: ["only one"]) }
            #expect(wrong.code == SQLITE_RANGE)
            #expect(try connection.int64Value("SELECT count(*) FROM four") == Int64(texts.count))
        }
    }

    @Test func runTextsInPlaceReportsAFailedStepAndStaysUsable() throws {
        try withConnection { connection throws in
            try connection.execute("CREATE TABLE unique_text (a TEXT UNIQUE)")
            let insert = try connection.statement("INSERT INTO unique_text (a) VALUES (?1)")
            try insert.run(texts: ["same"])
            let duplicate = try #require(throws: SQLiteError.self) { try insert.run(texts: ["same"]) }
            #expect(duplicate.code & 0xFF == SQLITE_CONSTRAINT)
            try insert.run(texts: ["other"])
            #expect(try connection.int64Value("SELECT count(*) FROM unique_text") == 2)
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
