import Model
import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// The per-connection prepared-statement cache, observed from the server's side
/// through `pg_prepared_statements` (which a session sees only for itself).
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason), .timeLimit(.minutes(1)))
struct StatementCacheTests {
  @Test func theSameSQLIsPreparedOnceAndReused() async throws {
    try await PostgresTestServer.withConnection(schema: "cache_reuse") { conn async throws in
      let sql: SQL = "SELECT \(Int64(41))::int8 + 1 AS answer"
      for value in [Int64(41), 1, -1] {
        #expect(try await conn.fetchValue("SELECT \(value)::int8 + 1 AS answer", as: Int64.self) == value + 1)
      }
      #expect(try await Self.serverStatements(on: conn) == [sql.render(.postgres).text])
    }
  }

  @Test func capacityZeroLeavesNoNamedStatementOnTheServer() async throws {
    let options = PostgresConnectionOptions(statementCacheCapacity: 0)
    try await PostgresTestServer.withConnection(schema: "cache_disabled", options: options) { conn in
      for round in 0..<3 {
        for index in 0..<5 {
          let row = try #require(try await conn.fetchOne("SELECT \(Int64(index))::int8 AS n, \("x")::text AS s\(unsafeRaw: String(index))"))
          #expect(try row["n", as: Int64.self] == Int64(index), "round \(round)")
        }
      }
      #expect(try await conn.fetchValue("SELECT count(*) FROM pg_prepared_statements", as: Int.self) == 0)
    }
  }

  @Test func aFullCacheDeallocatesWhatItEvictsBeforePreparingMore() async throws {
    let options = PostgresConnectionOptions(statementCacheCapacity: 2)
    try await PostgresTestServer.withConnection(schema: "cache_eviction", options: options) { conn in
      let statements = (1...5).map { index -> SQL in "SELECT \(Int64(index))::int8 AS s\(unsafeRaw: String(index))" }
      for (index, sql) in statements.enumerated() {
        let value = try await conn.fetchValue(sql, as: Int64.self)
        #expect(value == Int64(index + 1))
      }
      // The listing query takes a slot too: s4 was evicted (and deallocated) for it.
      #expect(try await Self.serverStatements(on: conn, includingListing: true)
        == [statements[4].render(.postgres).text, Self.listing.render(.postgres).text].sorted())
      // An evicted statement prepares again and still answers.
      #expect(try await conn.fetchValue(statements[0], as: Int64.self) == 1)
      #expect(try await conn.fetchValue("SELECT count(*) FROM pg_prepared_statements", as: Int.self) == 2)
    }
  }

  @Test func aSchemaChangeThatChangesTheResultIsRepreparedTransparently() async throws {
    try await PostgresTestServer.withConnection(schema: "cache_schema_change") { conn in
      try await conn.execute("CREATE TABLE t (a int8); INSERT INTO t VALUES (1)")
      let before = try await conn.fetchAll("SELECT * FROM t")
      #expect(before.first?.columns.names == ["a"])

      try await conn.execute("ALTER TABLE t ADD COLUMN c int4 DEFAULT 7")
      let added = try #require(try await conn.fetchAll("SELECT * FROM t").first)
      #expect(added.columns.names == ["a", "c"])
      #expect(try added["c", as: Int.self] == 7)

      try await conn.execute("ALTER TABLE t ALTER COLUMN a TYPE text")
      let retyped = try #require(try await conn.fetchAll("SELECT * FROM t").first)
      #expect(try retyped["a", as: String.self] == "1")

      // The stale statements were deallocated, not left behind under their old names.
      #expect(try await Self.serverStatements(on: conn) == ["SELECT * FROM t"])
    }
  }

  /// The statements are gone from the server; the cache must not use them, neither
  /// outside a transaction nor inside one (where a failed statement would abort it).
  @Test(arguments: ["DEALLOCATE ALL", "DISCARD ALL"])
  func statementsDroppedByTheUserArePreparedAgainTransparently(_ command: String) async throws {
    let options = PostgresConnectionOptions(statementCacheCapacity: 2)
    try await PostgresTestServer.withConnection(schema: "cache_\(command.lowercased().replacing(" ", with: "_"))",
                                                options: options) { conn in
      let statements = (1...3).map { index -> SQL in "SELECT \(Int64(index))::int8 AS s\(unsafeRaw: String(index))" }
      for sql in statements { _ = try await conn.fetchAll(sql) }

      try await conn.execute(SQL(unsafeRaw: command))
      #expect(try await conn.fetchValue(statements[2], as: Int64.self) == 3)

      try await conn.execute(SQL(unsafeRaw: command))
      try await conn.execute("BEGIN")
      for (index, sql) in statements.enumerated().reversed() {  // more than the cache holds
        #expect(try await conn.fetchValue(sql, as: Int64.self) == Int64(index + 1))
      }
      try await conn.execute("COMMIT")
      #expect(try await conn.fetchValue("SELECT count(*) FROM pg_prepared_statements", as: Int.self) == 2)
    }
  }

  /// However a cancel interrupts preparing, no statement is left on the server that
  /// the cache does not know of.
  @Test func cancellingWhilePreparingLeavesNoStrayStatement() async throws {
    try await PostgresTestServer.withConnection(schema: "cache_cancel_prepare") { conn in
      let statements = (0..<40).map { index -> SQL in "SELECT \(Int64(index))::int8 AS c\(unsafeRaw: String(index))" }
      for (index, sql) in statements.enumerated() {
        let task = Task { try await conn.fetchAll(sql) }
        try await Task.sleep(for: .microseconds(index * 53 % 1_500))
        task.cancel()
        _ = await task.result
      }
      for (index, sql) in statements.enumerated() {
        #expect(try await conn.fetchValue(sql, as: Int64.self) == Int64(index))
      }
      let onServer = try await Self.serverStatements(on: conn)
      #expect(onServer.count == statements.count)
      #expect(Set(onServer) == Set(statements.map { $0.render(.postgres).text }))
    }
  }

  static let listing: SQL = "SELECT statement FROM pg_prepared_statements ORDER BY statement"

  /// The texts of the session's named prepared statements, sorted; the listing query's
  /// own statement is left out unless asked for.
  static func serverStatements(on conn: PostgresConnection, includingListing: Bool = false) async throws -> [String] {
    let texts = try await conn.fetchAll(listing).map { try $0[0, as: String.self] }
    return includingListing ? texts : texts.filter { $0 != listing.render(.postgres).text }
  }
}
