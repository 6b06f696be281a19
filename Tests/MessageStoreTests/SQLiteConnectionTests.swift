import CSQLite
import Testing
@testable import MessageStore

@Suite("SQLiteConnection")
struct SQLiteConnectionTests {
    private struct Boom: Error {}

    private func withConnection(_ body: (SQLiteConnection) throws -> Void) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let connection = try SQLiteConnection(path: directory.path())
        defer { connection.close() }
        try connection.execute("CREATE TABLE t (x TEXT NOT NULL)")
        try body(connection)
    }

    @Test func statementsAreCachedBySQLText() throws {
        try withConnection { connection throws in
            let first = try connection.statement("SELECT count(*) FROM t")
            let again = try connection.statement("SELECT count(*) FROM t")
            let other = try connection.statement("SELECT x FROM t")
            #expect(first === again)
            #expect(first !== other)
            #expect(connection.cachedStatementCount == 2)
        }
    }

    @Test func transactionCommitsWhenTheBodyReturns() throws {
        try withConnection { connection throws in
            let value = try connection.transaction {
                try connection.execute("INSERT INTO t VALUES ('kept')")
                return 42
            }
            #expect(value == 42)
            #expect(connection.isAutocommit)
            #expect(try connection.textValue("SELECT x FROM t") == "kept")
        }
    }

    @Test func transactionRollsBackWhenTheBodyThrows() throws {
        try withConnection { connection throws in
            #expect(throws: Boom.self) {
                try connection.transaction {
                    try connection.execute("INSERT INTO t VALUES ('discarded')")
                    throw Boom()
                }
            }
            #expect(connection.isAutocommit)
            #expect(try connection.int64Value("SELECT count(*) FROM t") == 0)
        }
    }

    @Test func transactionRollsBackWhenAStatementFails() throws {
        try withConnection { connection throws in
            #expect(throws: SQLiteError.self) {
                try connection.transaction {
                    try connection.execute("INSERT INTO t VALUES ('first')")
                    try connection.statement("INSERT INTO t VALUES (?1)").run([.null])
                }
            }
            #expect(try connection.int64Value("SELECT count(*) FROM t") == 0)
        }
    }

    @Test func errorsCarryExtendedCodeMessageAndSQL() throws {
        try withConnection { connection throws in
            let sql = "INSERT INTO t VALUES (NULL)"
            let error = try #require(throws: SQLiteError.self) { try connection.execute(sql) }
            #expect(error.code == 1299)  // SQLITE_CONSTRAINT_NOTNULL
            #expect(error.primaryCode == SQLITE_CONSTRAINT)
            #expect(error.message == "NOT NULL constraint failed: t.x")
            #expect(error.sql == sql)

            let syntax = try #require(throws: SQLiteError.self) { try connection.statement("SELEC 1") }
            #expect(syntax.code == SQLITE_ERROR)
            #expect(syntax.message.contains("syntax error"))
            #expect(syntax.sql == "SELEC 1")
        }
    }

    @Test func closedConnectionRefusesWork() throws {
        try withConnection { connection throws in
            connection.close()
            #expect(connection.isClosed)
            let error = try #require(throws: SQLiteError.self) { try connection.execute("SELECT 1") }
            #expect(error.code == SQLITE_MISUSE)
            #expect(throws: SQLiteError.self) { try connection.statement("SELECT 1") }
            connection.close()  // idempotent
        }
    }

    @Test func openingAnImpossiblePathFails() throws {
        let error = try #require(throws: SQLiteError.self) {
            try SQLiteConnection(path: "/nonexistent-directory-\(UInt64.random(in: 0...UInt64.max))/db.sqlite")
        }
        #expect(error.primaryCode == SQLITE_CANTOPEN)
    }

    @Test func readOnlyOpenOfAMissingFileFails() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(throws: SQLiteError.self) {
            try SQLiteConnection(path: directory.path("missing.sqlite"), flags: SQLITE_OPEN_READWRITE)
        }
    }
}
