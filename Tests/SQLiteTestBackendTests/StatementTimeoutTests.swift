import Model
import QueryBuilder
import SQLiteTestBackend
import Testing

/// `timeout:` on a statement: SQLite stops it past the deadline with `.queryCanceled`,
/// and the database goes on.
@Suite struct StatementTimeoutTests {
  /// Counts far enough to take many seconds.
  static let slow: SQL = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM (SELECT i FROM n LIMIT 1000000000)"

  @Test func aSlowStatementPastItsTimeoutIsCanceled() async throws {
    let db = try SQLiteDatabase.inMemory()
    let start = ContinuousClock.now
    let error = await #expect(throws: DatabaseError.self) { _ = try await db.fetchAll(Self.slow, timeout: .milliseconds(100)) }
    #expect(error?.code == .queryCanceled)
    #expect(ContinuousClock.now - start < .seconds(2))
    await #expect(throws: DatabaseError.self) { _ = try await db.fetchOne(Self.slow, timeout: .milliseconds(50)) }
    await #expect(throws: DatabaseError.self) { try await db.execute("CREATE TABLE t AS \(Self.slow)", timeout: .milliseconds(50)) }
    // The deadline was for that statement only.
    #expect(try await db.fetchValue("SELECT 1", as: Int.self) == 1)
    try await db.execute("CREATE TABLE t (n INTEGER)", timeout: .seconds(5))
  }

  @Test func aTimeoutInsideABlockAppliesToTheBlocksStatement() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE t (n INTEGER)")
    try await db.atomic {
      try await db.execute("INSERT INTO t VALUES (1)", timeout: .seconds(5))
      let error = await #expect(throws: DatabaseError.self) { _ = try await db.fetchAll(Self.slow, timeout: .milliseconds(50)) }
      #expect(error?.code == .queryCanceled)
    }
    #expect(try await db.fetchValue("SELECT count(*) FROM t", as: Int.self) == 1)
  }
}
