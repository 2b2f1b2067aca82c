import Model
import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason), .timeLimit(.minutes(1)))
struct SmokeTests {
  @Test func selectsBoundValuesBackWithTheirTypes() async throws {
    try await PostgresTestServer.withConnection(schema: "smoke") { conn in
      let row = try #require(try await conn.fetchOne("SELECT \(Int64(42))::int8 AS a, \("héllo")::text AS b, \(true)::bool AS c"))
      #expect(try row["a", as: Int64.self] == 42)
      #expect(try row["b", as: String.self] == "héllo")
      #expect(try row["c", as: Bool.self] == true)
      let n = try await conn.execute("CREATE TABLE t(id int4 primary key, name text); INSERT INTO t VALUES (1, 'x'), (2, 'y')")
      #expect(n == 2)
      #expect(try await conn.fetchValue("SELECT count(*) FROM t WHERE id >= \(1)", as: Int.self) == 2)
    }
  }
}
