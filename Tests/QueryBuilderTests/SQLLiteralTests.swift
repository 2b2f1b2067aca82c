#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import QueryBuilder
import Testing

/// A string-backed enum, as users declare them.
enum Role: String, SQLValueConvertible {
  case admin, member
}

/// Checks `sql` rendered for `dialect` against the text both dialects should produce,
/// written side by side, and the binds (the same for both).
func expectRendering(
  _ sql: SQL, in dialect: SQLDialect, postgres: String, sqlite: String, binds: [SQLValue],
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let expected = switch dialect {
  case .postgres: postgres
  case .sqlite: sqlite
  }
  #expect(sql.render(dialect) == RenderedSQL(text: expected, binds: binds), sourceLocation: sourceLocation)
}

@Suite struct SQLLiteralTests {
  @Test func stringLiteralInterpolationIsABindNotText() {
    let sql: SQL = "SELECT * FROM t WHERE name = \("O'Brien'; DROP TABLE t; --")"
    #expect(sql.render(.postgres) == RenderedSQL(text: "SELECT * FROM t WHERE name = $1", binds: [.text("O'Brien'; DROP TABLE t; --")]))
  }

  // MARK: Literal text

  @Test func literalWithoutInterpolationsIsTextWithNoBinds() {
    let sql: SQL = "SELECT 1"
    #expect(sql.segments == [.text("SELECT 1")])
    #expect(sql.binds.isEmpty)
    #expect(sql.render(.sqlite) == RenderedSQL(text: "SELECT 1", binds: []))
  }

  @Test func emptySQLHasNoSegments() {
    #expect(SQL().isEmpty)
    #expect(SQL(unsafeRaw: "").isEmpty)
    #expect(("" as SQL).isEmpty)
    #expect(!SQL(unsafeRaw: " ").isEmpty)
  }

  // MARK: Every interpolated value is a bind

  @Test(arguments: SQLDialect.allCases)
  func interpolatedValuesOfEveryTypeBecomeBinds(_ dialect: SQLDialect) throws {
    let date = Date(timeIntervalSince1970: 1_700_000_000)
    let uuid = try #require(UUID(uuidString: "3F2504E0-4F89-41D3-9A0C-0305E82C3301"))
    let decimal = Decimal(sign: .minus, exponent: -2, significand: 12345)
    let missing: Int? = nil
    let present: String? = "p"
    let sql: SQL = """
      VALUES (\(1), \(Int64(2)), \(Int32(3)), \(Int16(4)), \(1.5), \(Float(2.5)), \(true), \
      \("s"), \(Data([1, 2])), \([UInt8]([3])), \(date), \(uuid), \(decimal), \(missing), \
      \(present), \(Role.admin), \(SQLValue.null))
      """
    expectRendering(
      sql, in: dialect,
      postgres: "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
      sqlite: "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
      binds: [.int(1), .int(2), .int(3), .int(4), .double(1.5), .double(2.5), .bool(true),
              .text("s"), .bytes([1, 2]), .bytes([3]), .timestamp(date), .uuid(uuid), .decimal(decimal),
              .null, .text("p"), .text("admin"), .null])
  }

  @Test func aStringLiteralInterpolatedIsAValueNotSQL() {
    // `\("x")` could be read as an SQL fragment; it must stay a value.
    let sql: SQL = "SELECT \("x")"
    #expect(sql.segments == [.text("SELECT "), .bind(.text("x"))])
  }

  @Test func aStringVariableInterpolatedIsABind() {
    let name = "Robert'); DROP TABLE students;--"
    let sql: SQL = "SELECT * FROM students WHERE name = \(name)"
    #expect(sql.binds == [.text(name)])
    #expect(!sql.description.contains("DROP"))
  }

  static let injectionAttempts = [
    "'; DROP TABLE users; --",
    "1 OR 1=1",
    "' OR '1'='1",
    "\"; DROP TABLE users; --",
    "$1",
    "?1",
    "x\u{0}y",
    "\\'; SELECT pg_sleep(10); --",
    "admin'/*",
  ]

  @Test(arguments: SQLDialect.allCases, injectionAttempts)
  func injectionAttemptsAsValuesRenderAsBinds(_ dialect: SQLDialect, _ attack: String) throws {
    let sql: SQL = "SELECT * FROM users WHERE name = \(attack) AND id = \(7)"
    expectRendering(
      sql, in: dialect,
      postgres: "SELECT * FROM users WHERE name = $1 AND id = $2",
      sqlite: "SELECT * FROM users WHERE name = ?1 AND id = ?2",
      binds: [.text(attack), .int(7)])
    try sql.render(dialect).validate(for: dialect)  // a NUL inside a bind is not SQL text
  }

  // MARK: Identifiers

  @Test(arguments: SQLDialect.allCases)
  func identifierIsQuoted(_ dialect: SQLDialect) {
    let sql: SQL = "SELECT * FROM \(identifier: "users")"
    expectRendering(sql, in: dialect, postgres: #"SELECT * FROM "users""#, sqlite: #"SELECT * FROM "users""#, binds: [])
  }

  @Test(arguments: [
    ("users", #""users""#),
    (#"a"b"#, #""a""b""#),
    (#"""#, #""""""#),
    ("Mixed Case", #""Mixed Case""#),
    ("", #""""#),
    (#"x"; DROP TABLE t; --"#, #""x""; DROP TABLE t; --""#),
  ])
  func identifierDoublesEmbeddedQuotes(_ name: String, _ quoted: String) {
    let sql: SQL = "\(identifier: name)"
    for dialect in SQLDialect.allCases {
      #expect(sql.render(dialect).text == quoted)
      #expect(dialect.quoteIdentifier(name) == quoted)
    }
  }

  @Test(arguments: SQLDialect.allCases)
  func multiPartIdentifierIsQuotedPartByPart(_ dialect: SQLDialect) {
    let sql: SQL = "SELECT \(identifier: "t", "c") FROM \(identifier: "s", "t") JOIN \(identifier: "a.b")"
    expectRendering(
      sql, in: dialect,
      postgres: #"SELECT "t"."c" FROM "s"."t" JOIN "a.b""#,
      sqlite: #"SELECT "t"."c" FROM "s"."t" JOIN "a.b""#,
      binds: [])
  }

  @Test func identifierIsASegmentNotText() {
    let sql: SQL = "\(identifier: "s", "t")"
    #expect(sql.segments == [.identifier(["s", "t"])])
    #expect(sql.binds.isEmpty)
  }

  // MARK: Raw text

  @Test(arguments: SQLDialect.allCases)
  func unsafeRawIsSplicedAsWritten(_ dialect: SQLDialect) {
    let direction = "DESC"
    let sql: SQL = "SELECT * FROM t ORDER BY id \(unsafeRaw: direction) LIMIT \(10)"
    expectRendering(
      sql, in: dialect,
      postgres: "SELECT * FROM t ORDER BY id DESC LIMIT $1",
      sqlite: "SELECT * FROM t ORDER BY id DESC LIMIT ?1",
      binds: [.int(10)])
  }

  @Test func adjacentTextIsMergedIntoOneSegment() {
    let sql: SQL = "SELECT \(unsafeRaw: "1")"
    #expect(sql.segments == [.text("SELECT 1")])
  }

  // MARK: Nesting and numbering

  @Test(arguments: SQLDialect.allCases)
  func nestedFragmentsKeepTheirBindsAndAreNumberedInOrder(_ dialect: SQLDialect) {
    let age: SQL = "age > \(18)"
    let name: SQL = "name = \("Ann") OR name = \("Bob")"
    let filter: SQL = "\(age) AND (\(name))"
    let sql: SQL = "SELECT \(identifier: "id") FROM t WHERE kind = \(1) AND \(filter) LIMIT \(5)"
    expectRendering(
      sql, in: dialect,
      postgres: #"SELECT "id" FROM t WHERE kind = $1 AND age > $2 AND (name = $3 OR name = $4) LIMIT $5"#,
      sqlite: #"SELECT "id" FROM t WHERE kind = ?1 AND age > ?2 AND (name = ?3 OR name = ?4) LIMIT ?5"#,
      binds: [.int(1), .int(18), .text("Ann"), .text("Bob"), .int(5)])
  }

  @Test(arguments: SQLDialect.allCases)
  func theSameFragmentUsedTwiceBindsTwice(_ dialect: SQLDialect) {
    let pair: SQL = "(\(1), \("a"))"
    let sql: SQL = "VALUES \(pair), \(pair)"
    expectRendering(
      sql, in: dialect,
      postgres: "VALUES ($1, $2), ($3, $4)",
      sqlite: "VALUES (?1, ?2), (?3, ?4)",
      binds: [.int(1), .text("a"), .int(1), .text("a")])
  }

  @Test(arguments: SQLDialect.allCases)
  func placeholdersPastNineUseAllTheirDigits(_ dialect: SQLDialect) {
    let values = SQL.joined((1...12).map { "\($0)" }, separator: ",")
    expectRendering(
      values, in: dialect,
      postgres: "$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12",
      sqlite: "?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12",
      binds: (1...12).map { .int(Int64($0)) })
  }

  @Test(arguments: SQLDialect.allCases)
  func plusAndAppendConcatenate(_ dialect: SQLDialect) {
    var sql: SQL = "SELECT * FROM t WHERE a = \(1)"
    sql.append(" AND b = \(2)")
    sql.append(unsafeRaw: " AND ")
    sql.append(identifier: "s", "c")
    sql.append(unsafeRaw: " = ")
    sql.append(bind: .text("z"))
    let full = sql + " LIMIT \(3)"
    expectRendering(
      full, in: dialect,
      postgres: #"SELECT * FROM t WHERE a = $1 AND b = $2 AND "s"."c" = $3 LIMIT $4"#,
      sqlite: #"SELECT * FROM t WHERE a = ?1 AND b = ?2 AND "s"."c" = ?3 LIMIT ?4"#,
      binds: [.int(1), .int(2), .text("z"), .int(3)])
  }

  // MARK: Joining

  @Test(arguments: SQLDialect.allCases)
  func joinedPutsTheSeparatorBetweenFragmentsOnly(_ dialect: SQLDialect) {
    let columns: [SQL] = ["\(identifier: "a") = \(1)", "\(identifier: "b") = \("x")", "c = DEFAULT"]
    expectRendering(
      "UPDATE t SET \(SQL.joined(columns, separator: ", "))", in: dialect,
      postgres: #"UPDATE t SET "a" = $1, "b" = $2, c = DEFAULT"#,
      sqlite: #"UPDATE t SET "a" = ?1, "b" = ?2, c = DEFAULT"#,
      binds: [.int(1), .text("x")])
  }

  @Test func joinedOfNoneOrOneFragment() {
    #expect(SQL.joined([], separator: ", ").isEmpty)
    let one: SQL = "x = \(1)"
    #expect(SQL.joined([one], separator: ", ").render(.postgres) == RenderedSQL(text: "x = $1", binds: [.int(1)]))
  }

  @Test func joinedSeparatorIsTextNotABind() {
    let sql = SQL.joined(["\(1)", "\(2)"], separator: " OR ")
    #expect(sql.binds == [.int(1), .int(2)])
    #expect(sql.segments == [.bind(.int(1)), .text(" OR "), .bind(.int(2))])
  }

  // MARK: Placeholders per dialect

  @Test(arguments: SQLDialect.allCases)
  func placeholderStyleFollowsTheDialect(_ dialect: SQLDialect) {
    let expected = switch dialect {
    case .postgres: ["$1", "$2", "$10", "$65535"]
    case .sqlite: ["?1", "?2", "?10", "?65535"]
    }
    #expect([1, 2, 10, 65_535].map(dialect.placeholder) == expected)
  }

  @Test func dialectsAreOnlyPostgresAndSQLite() {
    #expect(SQLDialect.allCases == [.postgres, .sqlite])
  }

  // MARK: Printing never shows values

  @Test func descriptionShowsPlaceholdersNotValues() {
    let secret = "hunter2-secret"
    let sql: SQL = "UPDATE users SET password = \(secret) WHERE id = \(42)"
    #expect(sql.description == "UPDATE users SET password = $1 WHERE id = $2")
    #expect(String(describing: sql) == "UPDATE users SET password = $1 WHERE id = $2")
    #expect(!"\(sql)".contains(secret))
    let rendered = sql.render(.sqlite)
    #expect(rendered.description == "UPDATE users SET password = ?1 WHERE id = ?2")
    #expect(!String(describing: rendered).contains(secret))
  }

  @Test func renderedDebugDescriptionShowsTheBinds() {
    let sql: SQL = "UPDATE users SET password = \("hunter2") WHERE id = \(42)"
    let debug = sql.render(.postgres).debugDescription
    #expect(debug.hasPrefix("UPDATE users SET password = $1 WHERE id = $2"))
    #expect(debug.contains("'hunter2'"))
    #expect(debug.contains("42"))
    #expect(String(reflecting: sql.render(.postgres)) == debug)
  }
}
