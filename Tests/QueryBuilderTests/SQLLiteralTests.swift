import Model
import QueryBuilder
import Testing

@Suite struct SQLLiteralTests {
  @Test func stringLiteralInterpolationIsABindNotText() {
    let sql: SQL = "SELECT * FROM t WHERE name = \("O'Brien'; DROP TABLE t; --")"
    #expect(sql.render(.postgres) == RenderedSQL(text: "SELECT * FROM t WHERE name = $1", binds: [.text("O'Brien'; DROP TABLE t; --")]))
  }
}
