#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

extension SQLDialect {
  /// `value` written as a SQL literal, for the one place a value cannot be a bind
  /// parameter: a column's DEFAULT in DDL (neither PostgreSQL nor SQLite takes
  /// parameters in CREATE TABLE).
  ///
  /// Every case is spelled so that it cannot end the literal early: text is
  /// single-quoted with embedded quotes doubled; everything else is digits, hex or
  /// Wren's own fixed formats. On PostgreSQL typed values carry an explicit cast
  /// (`'...'::uuid`) so the literal means the same whatever `standard_conforming_strings`
  /// and DateStyle say.
  ///
  /// - Throws: ``MisuseError`` for what no literal of this dialect can hold: text with
  ///   a NUL character, a NaN double, a date out of range, a decimal without an exact
  ///   text form. The message names `subject` but never the value.
  func ddlLiteral(_ value: SQLValue, subject: String) throws -> String {
    switch value {
    case .null:
      return "NULL"
    case .bool(let flag):
      switch self {
      case .postgres: return flag ? "TRUE" : "FALSE"
      case .sqlite: return flag ? "1" : "0"
      }
    case .int(let integer):
      return String(integer)
    case .double(let double):
      return try doubleLiteral(double, subject: subject)
    case .text(let text):
      guard !text.utf8.contains(0) else {
        throw MisuseError("\(subject): text contains a NUL character, which a SQL literal cannot hold")
      }
      return quotedText(text)
    case .bytes(let bytes):
      let hex = bytes.map(Self.hexByte).joined()
      switch self {
      case .postgres: return "'\\x" + hex + "'::bytea"
      case .sqlite: return "X'" + hex + "'"
      }
    case .timestamp(let date):
      return try timestampLiteral(date, subject: subject)
    case .uuid(let uuid):
      return typed(quotedText(uuid.uuidString.lowercased()), postgresType: "uuid")
    case .decimal(let decimal):
      // The text must read back as the same number, as when SQLite binds a decimal.
      let text = decimal.description
      guard let parsed = try? ExactDecimal.parse(text, found: value), parsed == decimal else {
        throw MisuseError("\(subject): the decimal has no exact text form (NaN?)")
      }
      return typed(quotedText(text), postgresType: "numeric")
    case .array:
      throw MisuseError("\(subject): an array cannot be a column DEFAULT (Wren's column types are scalars)")
    }
  }

  private func doubleLiteral(_ double: Double, subject: String) throws -> String {
    if double.isNaN {
      throw MisuseError("\(subject): NaN cannot be a DEFAULT (it would not compare equal to itself anyway)")
    }
    if double.isInfinite {
      switch self {
      case .postgres: return (double < 0 ? "'-Infinity'" : "'Infinity'") + "::double precision"
      // SQLite has no infinity literal; a literal too large for a double parses as one.
      case .sqlite: return double < 0 ? "-9e999" : "9e999"
      }
    }
    // Swift prints the shortest text that reads back as the same double: digits,
    // `.`, `-` and `e+`/`e-` only.
    return String(double)
  }

  private func timestampLiteral(_ date: Date, subject: String) throws -> String {
    guard SQLTimestamp.microsecondsSinceReferenceDate(date) != nil else {
      throw MisuseError("\(subject): the date is not finite or out of range")
    }
    let text = SQLTimestamp.format(date)
    switch self {
    case .postgres:
      // PostgreSQL reads neither ISO-8601 expanded years (`+12345-...`) nor year 0000
      // (it counts 1 BC); its binary protocol carries those, a literal cannot.
      guard let first = text.utf8.first, (48...57).contains(first), !text.hasPrefix("0000") else {
        throw MisuseError("\(subject): the date is outside the years 0001-9999 a PostgreSQL literal can spell")
      }
      return quotedText(text) + "::timestamptz"
    case .sqlite:
      return quotedText(text)
    }
  }

  /// Text in single quotes, embedded quotes doubled: the SQL-standard string literal.
  ///
  /// PostgreSQL reads backslashes in such a literal as escapes when a session turns
  /// `standard_conforming_strings` off, so there text holding a backslash is written as
  /// an escape string (`E'a\\b'`), which means the same under either setting.
  private func quotedText(_ text: String) -> String {
    let quoted = "'" + text.replacing("'", with: "''") + "'"
    switch self {
    case .postgres where text.contains("\\"):
      return "E'" + text.replacing("\\", with: "\\\\").replacing("'", with: "''") + "'"
    case .postgres, .sqlite:
      return quoted
    }
  }

  /// A quoted literal with PostgreSQL's cast; SQLite stores the text as it is.
  private func typed(_ literal: String, postgresType: String) -> String {
    switch self {
    case .postgres: literal + "::" + postgresType
    case .sqlite: literal
    }
  }

  private static func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
  }
}
