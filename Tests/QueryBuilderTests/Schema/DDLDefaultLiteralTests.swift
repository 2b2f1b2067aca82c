#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import QueryBuilder
import Testing

/// DEFAULT values are the one place DDL holds values, and DDL takes no binds: each kind
/// is written as a literal that cannot end early, per dialect.
@Suite struct DDLDefaultLiteralTests {
  /// `CREATE TABLE "t" ("c" <type> DEFAULT <literal>)` for both dialects.
  private func expectDefault(_ value: SQLValue, type: SQLColumnType, in dialect: SQLDialect,
                             postgres: String, sqlite: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    try expectDDL(CreateTable(DDLFixtures.withDefault(value, type: type)), in: dialect, postgres: [
      #"CREATE TABLE "t" ("c" "# + dialect.columnType(type) + " DEFAULT " + postgres + ")",
    ], sqlite: [
      #"CREATE TABLE "t" ("c" "# + dialect.columnType(type) + " DEFAULT " + sqlite + ")",
    ], sourceLocation: sourceLocation)
  }

  @Test(arguments: SQLDialect.allCases)
  func quotesAreDoubled(_ dialect: SQLDialect) throws {
    try expectDefault(.text("it's ''quoted'' '); DROP TABLE t; --"), type: .text, in: dialect,
                      postgres: "'it''s ''''quoted'''' ''); DROP TABLE t; --'",
                      sqlite: "'it''s ''''quoted'''' ''); DROP TABLE t; --'")
  }

  /// PostgreSQL reads a backslash as an escape when `standard_conforming_strings` is off;
  /// an escape string means the same either way. SQLite has no escapes.
  @Test(arguments: SQLDialect.allCases)
  func backslashes(_ dialect: SQLDialect) throws {
    try expectDefault(.text(#"C:\dir\' x"#), type: .text, in: dialect,
                      postgres: #"E'C:\\dir\\'' x'"#, sqlite: #"'C:\dir\'' x'"#)
  }

  @Test(arguments: SQLDialect.allCases)
  func emptyTextAndBytes(_ dialect: SQLDialect) throws {
    try expectDefault(.text(""), type: .text, in: dialect, postgres: "''", sqlite: "''")
    try expectDefault(.bytes([]), type: .bytes, in: dialect, postgres: #"'\x'::bytea"#, sqlite: "X''")
  }

  @Test(arguments: SQLDialect.allCases)
  func nonFiniteDoubles(_ dialect: SQLDialect) throws {
    try expectDefault(.double(.infinity), type: .double, in: dialect,
                      postgres: "'Infinity'::double precision", sqlite: "9e999")
    try expectDefault(.double(-.infinity), type: .float, in: dialect,
                      postgres: "'-Infinity'::double precision", sqlite: "-9e999")
  }

  @Test(arguments: SQLDialect.allCases)
  func numbers(_ dialect: SQLDialect) throws {
    try expectDefault(.int(Int64.max), type: .int64, in: dialect, postgres: "9223372036854775807", sqlite: "9223372036854775807")
    try expectDefault(.int(3), type: .double, in: dialect, postgres: "3", sqlite: "3")
    try expectDefault(.int(-2), type: .decimal, in: dialect, postgres: "-2", sqlite: "-2")
    try expectDefault(.double(-0.1), type: .double, in: dialect, postgres: "-0.1", sqlite: "-0.1")
    try expectDefault(.double(1.7976931348623157e308), type: .double, in: dialect,
                      postgres: "1.7976931348623157e+308", sqlite: "1.7976931348623157e+308")
    try expectDefault(.decimal(Decimal(sign: .minus, exponent: -3, significand: 1)), type: .decimal, in: dialect,
                      postgres: "'-0.001'::numeric", sqlite: "'-0.001'")
  }

  /// Years PostgreSQL's text input does not read are refused there; SQLite stores the
  /// ISO-8601 expanded form Wren reads back.
  @Test(arguments: SQLDialect.allCases)
  func timestampsOutsideYears1To9999(_ dialect: SQLDialect) throws {
    let farFuture = Date(timeIntervalSince1970: 253_402_300_800)  // 10000-01-01T00:00:00Z
    let table = CreateTable(DDLFixtures.withDefault(.timestamp(farFuture), type: .timestamp))
    switch dialect {
    case .postgres: misuse(table, in: dialect)
    case .sqlite: try expectDefault(.timestamp(farFuture), type: .timestamp, in: dialect,
                                    postgres: "", sqlite: "'+010000-01-01T00:00:00.000000Z'")
    }
  }

  @Test(arguments: SQLDialect.allCases)
  func unwritableValuesAreMisuseErrors(_ dialect: SQLDialect) throws {
    let nul = misuse(CreateTable(DDLFixtures.withDefault(.text("a\u{0}b"), type: .text)), in: dialect)
    #expect(nul?.message.contains(#"column "t"."c""#) == true)
    #expect(nul?.message.contains("NUL") == true)
    misuse(CreateTable(DDLFixtures.withDefault(.double(.nan), type: .double)), in: dialect)
    misuse(CreateTable(DDLFixtures.withDefault(.decimal(.nan), type: .decimal)), in: dialect)
    misuse(CreateTable(DDLFixtures.withDefault(.timestamp(Date(timeIntervalSinceReferenceDate: .infinity)),
                                               type: .timestamp)), in: dialect)
  }

  /// A message never shows the value (it may be sensitive), only where it was.
  @Test func messagesNameTheColumnNotTheValue() {
    let error = misuse(CreateTable(DDLFixtures.withDefault(.text("secret\u{0}"), type: .text)), in: .postgres)
    #expect(error?.message.contains("secret") == false)
  }
}
