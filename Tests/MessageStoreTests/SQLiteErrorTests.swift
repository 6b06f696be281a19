import CSQLite
import Testing
@testable import MessageStore

@Suite("SQLiteError")
struct SQLiteErrorTests {
    @Test func primaryCodeIsTheLowByte() {
        #expect(SQLiteError(code: 1299, message: "").primaryCode == SQLITE_CONSTRAINT)
        #expect(SQLiteError(code: SQLITE_BUSY, message: "").primaryCode == SQLITE_BUSY)
    }

    @Test func descriptionNamesCodeMessageAndSQL() {
        let error = SQLiteError(code: 1299, message: "NOT NULL constraint failed: t.x", sql: "INSERT INTO t VALUES (NULL)")
        #expect(error.description == "SQLite error 1299: NOT NULL constraint failed: t.x (SQL: INSERT INTO t VALUES (NULL))")
        #expect(SQLiteError(code: 5, message: "database is locked").description == "SQLite error 5: database is locked")
    }

    @Test func withoutAConnectionTheMessageIsTheGenericText() {
        let error = SQLiteError(database: nil, code: SQLITE_BUSY, sql: nil)
        #expect(error.code == SQLITE_BUSY)
        #expect(error.message == "database is locked")
    }
}
