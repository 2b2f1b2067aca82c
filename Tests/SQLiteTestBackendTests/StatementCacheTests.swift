import Model
import QueryBuilder
@testable import SQLiteTestBackend
import Testing

/// The per-connection prepared-statement cache: reuse, eviction, and staying correct
/// when the schema changes under a cached statement.
@Suite struct StatementCacheTests {
  @Test func sameSQLTextReusesOnePreparedStatement() async throws {
    let db = try SQLiteDatabase.inMemory()
    for value in 0..<10 {
      _ = try await db.fetchOne("SELECT \(value) + 1")
    }
    #expect(db.connection.cachedStatementCount == 1)
  }

  @Test func cachedStatementSharesItsColumnListAcrossRuns() async throws {
    let db = try SQLiteDatabase.inMemory()
    let first = try #require(try await db.fetchOne("SELECT \(1) AS a"))
    let second = try #require(try await db.fetchOne("SELECT \(2) AS a"))
    #expect(first.columns === second.columns)
    #expect(try second.decode(Int.self, at: 0) == 2)
  }

  @Test func leastRecentlyUsedStatementIsEvictedAtCapacity() async throws {
    let db = try SQLiteDatabase.inMemory(statementCacheCapacity: 2)
    _ = try await db.fetchOne("SELECT 1")
    _ = try await db.fetchOne("SELECT 2")
    _ = try await db.fetchOne("SELECT 1")   // 1 is now the most recent
    _ = try await db.fetchOne("SELECT 3")   // evicts 2
    #expect(db.connection.cachedStatementCount == 2)
    #expect(db.connection.cache.statement(for: "SELECT 1") != nil)
    #expect(db.connection.cache.statement(for: "SELECT 2") == nil)
    #expect(db.connection.cache.statement(for: "SELECT 3") != nil)
  }

  @Test func zeroCapacityCachesNothingAndStillWorks() async throws {
    let db = try SQLiteDatabase.inMemory(statementCacheCapacity: 0)
    try await db.execute("CREATE TABLE t(x)")
    for value in 0..<3 { try await db.execute("INSERT INTO t VALUES (\(value))") }
    let rows = try await db.fetchAll("SELECT x FROM t ORDER BY x")
    #expect(try rows.map { try $0.decode(Int.self, at: 0) } == [0, 1, 2])
    #expect(db.connection.cachedStatementCount == 0)
  }

  @Test func scriptsAreNotCached() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE a(x); CREATE TABLE b(x)")
    #expect(db.connection.cachedStatementCount == 0)
  }

  @Test func cachedSelectStarSeesColumnsAddedLater() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE t(a INTEGER); INSERT INTO t VALUES (1)")
    let before = try #require(try await db.fetchOne("SELECT * FROM t"))
    #expect(before.columns.names == ["a"])
    try await db.execute("ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'x'")
    let after = try #require(try await db.fetchOne("SELECT * FROM t"))
    #expect(after.columns.names == ["a", "b"])
    #expect(after.columns.typeNames == ["INTEGER", "TEXT"])
    #expect(Array(after.values) == [.int(1), .text("x")])
    let all = try await db.fetchAll("SELECT * FROM t")
    #expect(all.first?.columns.names == ["a", "b"])
  }

  @Test func cachedStatementSeesARenamedColumn() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE t(old_name INTEGER); INSERT INTO t VALUES (1)")
    #expect(try await db.fetchOne("SELECT * FROM t")?.columns.names == ["old_name"])
    try await db.execute("ALTER TABLE t RENAME COLUMN old_name TO new_name")
    #expect(try await db.fetchOne("SELECT * FROM t")?.columns.names == ["new_name"])
  }

  @Test func failedBindLeavesNoEarlierValueBoundToTheCachedStatement() async throws {
    let db = try SQLiteDatabase.inMemory()
    _ = try await db.fetchOne("SELECT \("warm the cache"), \(0.0)")
    await #expect(throws: DatabaseError.self) { _ = try await db.fetchOne("SELECT \("secret"), \(Double.nan)") }
    let statement = try #require(db.connection.cache.statement(for: "SELECT ?1, ?2"))
    #expect(statement.expandedSQL == "SELECT NULL, NULL")
  }

  @Test func bindingsDoNotLeakIntoTheNextRunOfACachedStatement() async throws {
    let db = try SQLiteDatabase.inMemory()
    _ = try await db.fetchOne("SELECT \("first")")
    // Same text, but a placeholder with no bind is caught before it could reuse "first".
    #expect(try #require(db.connection.cache.statement(for: "SELECT ?1")).expandedSQL == "SELECT NULL")
    await #expect(throws: MisuseError.self) { _ = try await db.fetchOne(SQL(unsafeRaw: "SELECT ?1")) }
    let value: String? = try await db.fetchValue("SELECT \("second")")
    #expect(value == "second")
  }
}
