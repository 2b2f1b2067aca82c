import Model
import QueryBuilder
import Testing

@Suite struct RenderedSQLValidationTests {
  @Test(arguments: SQLDialect.allCases)
  func ordinarySQLIsValid(_ dialect: SQLDialect) throws {
    let sql: SQL = "SELECT * FROM \(identifier: "t") WHERE a = \(1) AND b = \("x\u{0}y")"
    try sql.render(dialect).validate(for: dialect)
  }

  @Test(arguments: SQLDialect.allCases)
  func nulInRawTextIsAMisuse(_ dialect: SQLDialect) {
    let sql = SQL(unsafeRaw: "SELECT 1;\u{0} DROP TABLE t")
    let error = #expect(throws: MisuseError.self) { try sql.render(dialect).validate(for: dialect) }
    #expect(error?.message.contains("NUL") == true)
  }

  @Test(arguments: SQLDialect.allCases)
  func nulInAnIdentifierIsAMisuse(_ dialect: SQLDialect) {
    let sql: SQL = "SELECT * FROM \(identifier: "t\u{0}x")"
    #expect(throws: MisuseError.self) { try sql.render(dialect).validate(for: dialect) }
  }

  // PostgreSQL: libpq drops the connection when a described statement's parameter
  // list is over 30,000 bytes, so 7,498 is the real limit through the backend.
  @Test(arguments: [(SQLDialect.postgres, 7_498), (.sqlite, 32_766)])
  func maxBindCountIsTheDialectsLimit(_ dialect: SQLDialect, _ limit: Int) {
    #expect(dialect.maxBindCount == limit)
  }

  /// `count` binds, built the way a bulk insert would build them.
  private func statement(binding count: Int) -> SQL {
    "INSERT INTO t(v) VALUES \(SQL.joined(Array(repeating: "(\(0))", count: count), separator: ","))"
  }

  @Test(arguments: SQLDialect.allCases)
  func exactlyTheMaximumNumberOfBindsIsAllowed(_ dialect: SQLDialect) throws {
    let rendered = statement(binding: dialect.maxBindCount).render(dialect)
    #expect(rendered.binds.count == dialect.maxBindCount)
    #expect(rendered.text.hasSuffix(dialect.placeholder(dialect.maxBindCount) + ")"))
    try rendered.validate(for: dialect)
  }

  @Test(arguments: SQLDialect.allCases)
  func oneBindMoreThanTheDialectAllowsIsAMisuse(_ dialect: SQLDialect) {
    let rendered = statement(binding: dialect.maxBindCount + 1).render(dialect)
    let error = #expect(throws: MisuseError.self) { try rendered.validate(for: dialect) }
    #expect(error?.message.contains(String(dialect.maxBindCount + 1)) == true)
    #expect(error?.message.contains(String(dialect.maxBindCount)) == true)
  }

  @Test func postgresRejects7499Binds() {
    let rendered = RenderedSQL(text: "SELECT 1", binds: Array(repeating: .int(1), count: 7_499))
    #expect(throws: MisuseError("statement has 7499 bind parameters; postgres allows at most 7498")) {
      try rendered.validate(for: .postgres)
    }
  }

  @Test func misuseErrorDescriptionIsItsMessage() {
    #expect(MisuseError("no").description == "no")
  }
}
