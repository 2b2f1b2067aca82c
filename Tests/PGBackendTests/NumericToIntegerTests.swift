import Model
import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// `sum(bigint)` is `numeric` on PostgreSQL: a whole number that fits decodes as an
/// integer exactly; a fraction or a sum beyond `Int64` is an error naming the column.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason), .timeLimit(.minutes(1)))
struct NumericToIntegerTests {
  @Test func aSumOfBigintsDecodesAsInt64Exactly() async throws {
    try await PostgresTestServer.withConnection(schema: "numeric_sum") { conn in
      try await conn.execute("CREATE TABLE t (x bigint)")
      try await conn.execute("INSERT INTO t VALUES (\(Int64.max - 10)), (\(7)), (\(-8))")
      let row = try #require(try await conn.fetchOne("SELECT sum(x) AS total FROM t"))
      #expect(try row["total", as: Int64.self] == Int64.max - 11)
      #expect(try await conn.fetchValue("SELECT sum(x) AS total FROM t", as: Int64.self) == Int64.max - 11)
      #expect(try await conn.fetchValue("SELECT sum(x) FROM t WHERE x < 10", as: Int.self) == -1)
      #expect(try await conn.fetchValue("SELECT sum(x) FROM t WHERE x < 10", as: Int32.self) == -1)
      #expect(try await conn.fetchValue("SELECT sum(x) FROM t WHERE false", as: Int64.self) == nil)
    }
  }

  @Test func aSumBeyondInt64IsAnOutOfRangeErrorNamingTheColumn() async throws {
    try await PostgresTestServer.withConnection(schema: "numeric_sum_overflow") { conn in
      try await conn.execute("CREATE TABLE t (x bigint)")
      try await conn.execute("INSERT INTO t VALUES (\(Int64.max)), (\(Int64.max))")
      let error = await #expect(throws: RowDecodingError.self) {
        try await conn.fetchValue("SELECT sum(x) AS total FROM t", as: Int64.self)
      }
      #expect(error?.column == "total")
      #expect(error?.reason == .outOfRange)
      let row = try #require(try await conn.fetchOne("SELECT sum(x) AS total FROM t"))
      let rowError = #expect(throws: RowDecodingError.self) { _ = try row["total", as: Int64.self] }
      #expect(rowError?.description == "column \"total\": numeric value is out of range for Int64")
    }
  }

  @Test(arguments: ["1.5", "-0.5", "0.000001"])
  func aFractionalNumericIsAnOutOfRangeErrorNamingTheColumn(_ literal: String) async throws {
    try await PostgresTestServer.withConnection(schema: "numeric_fraction_\(literal.filter(\.isNumber))") { conn in
      let error = await #expect(throws: RowDecodingError.self) {
        try await conn.fetchValue("SELECT \(unsafeRaw: literal)::numeric AS total", as: Int64.self)
      }
      #expect(error?.column == "total")
      #expect(error?.reason == .outOfRange)
    }
  }

  @Test func anIntegralNumericWithAScaleDecodesExactly() async throws {
    try await PostgresTestServer.withConnection(schema: "numeric_scaled") { (conn) async throws in
      #expect(try await conn.fetchValue("SELECT 120.000::numeric(10,3)", as: Int64.self) == 120)
      #expect(try await conn.fetchValue("SELECT avg(x) FROM (VALUES (2), (4)) v(x)", as: Int.self) == 3)
    }
  }
}
