import Model
import QueryBuilder
import SQLiteTestBackend
import Testing

/// Decimal columns (`TEXT COLLATE WREN_DECIMAL`) compare by value, as PostgreSQL's
/// numeric does, not as text.
@Suite struct DecimalCollationTests {
  func values(_ db: SQLiteDatabase, _ sql: SQL) async throws -> [String] {
    try await db.fetchAll(sql).map { try $0.decode(String.self, at: 0) }
  }

  @Test func decimalColumnsSortByValue() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE t (d TEXT COLLATE WREN_DECIMAL)")
    for text in ["10", "9", "-5", "-10.5", "0.001", "-0", "9.50", "123456789012345678901234567890.1", "0.01"] {
      try await db.execute("INSERT INTO t VALUES (\(text))")
    }
    #expect(try await values(db, "SELECT d FROM t ORDER BY d") ==
      ["-10.5", "-5", "-0", "0.001", "0.01", "9", "9.50", "10", "123456789012345678901234567890.1"])
  }

  @Test func comparisonsAndAggregatesUseTheValue() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE t (d TEXT COLLATE WREN_DECIMAL)")
    for text in ["10", "9", "-5", "100"] { try await db.execute("INSERT INTO t VALUES (\(text))") }
    #expect(try await values(db, "SELECT d FROM t WHERE d < \("50") ORDER BY d") == ["-5", "9", "10"])
    #expect(try await values(db, "SELECT d FROM t WHERE d BETWEEN \("-6") AND \("9.5") ORDER BY d") == ["-5", "9"])
    #expect(try await values(db, "SELECT max(d) FROM t") == ["100"])
    #expect(try await values(db, "SELECT d FROM t WHERE d = \("10.000")") == ["10"])
  }

  @Test func textThatIsNotANumberSortsAfterNumbers() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE t (d TEXT COLLATE WREN_DECIMAL)")
    for text in ["b", "NaN", "2", "a", "1e5"] { try await db.execute("INSERT INTO t VALUES (\(text))") }
    #expect(try await values(db, "SELECT d FROM t ORDER BY d") == ["2", "1e5", "NaN", "a", "b"])
  }
}
