#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Int64: SQLValueConvertible {
  /// The value as `.int`.
  @inlinable public var sqlValue: SQLValue { .int(self) }

  /// Reads `.int`; a `.double` or `.decimal` with an exact integral value is accepted
  /// too (SQLite can return REAL for integer arithmetic, PostgreSQL's `sum(bigint)` is
  /// `numeric`), anything else is an error.
  ///
  /// ```swift
  /// let total: Int64? = try await db.fetchValue("SELECT sum(qty) FROM orders")
  /// ```
  /// - Throws: ``SQLValueConversionError``: `.outOfRange` for a number with a fraction
  ///   or beyond `Int64` (never rounded), a type mismatch for other kinds.
  @inlinable
  public init(sqlValue: SQLValue) throws {
    switch sqlValue {
    case .int(let v): self = v
    case .double(let d):
      guard let exact = Int64(exactly: d) else {
        throw SQLValueConversionError(.outOfRange, expected: Int64.self, found: sqlValue)
      }
      self = exact
    case .decimal(let d):
      guard let exact = exactInt64(d) else {
        throw SQLValueConversionError(.outOfRange, expected: Int64.self, found: sqlValue)
      }
      self = exact
    default: throw SQLValueConversionError.mismatch(Int64.self, sqlValue)
    }
  }
}

/// The decimal as an `Int64` when it is a whole number that fits, else nil. Read from
/// its plain decimal text, so nothing is rounded on the way.
@usableFromInline
func exactInt64(_ decimal: Decimal) -> Int64? {
  let text = decimal.description
  guard let point = text.firstIndex(of: ".") else { return Int64(text) }
  guard text[text.index(after: point)...].allSatisfy({ $0 == "0" }) else { return nil }
  return Int64(text[..<point])
}

/// Narrower integers go through Int64 and are range-checked: never truncated.
@usableFromInline
func narrowInteger<T: FixedWidthInteger>(_ sqlValue: SQLValue, as type: T.Type) throws -> T {
  let wide: Int64
  do { wide = try Int64(sqlValue: sqlValue) } catch let error as SQLValueConversionError {
    throw SQLValueConversionError(error.reason, expected: T.self, found: sqlValue)
  }
  guard let narrow = T(exactly: wide) else {
    throw SQLValueConversionError(.outOfRange, expected: T.self, found: sqlValue)
  }
  return narrow
}

extension Int: SQLValueConvertible {
  /// The value as `.int`.
  @inlinable public var sqlValue: SQLValue { .int(Int64(self)) }
  /// Reads an integer that fits in `Int`.
  @inlinable public init(sqlValue: SQLValue) throws {
    if case .int(let v) = sqlValue, let narrow = Int(exactly: v) { self = narrow; return }
    self = try narrowInteger(sqlValue, as: Int.self)
  }
}

extension Int32: SQLValueConvertible {
  /// The value as `.int`.
  @inlinable public var sqlValue: SQLValue { .int(Int64(self)) }
  /// Reads an integer that fits in `Int32`.
  @inlinable public init(sqlValue: SQLValue) throws {
    if case .int(let v) = sqlValue, let narrow = Int32(exactly: v) { self = narrow; return }
    self = try narrowInteger(sqlValue, as: Int32.self)
  }
}

extension Int16: SQLValueConvertible {
  /// The value as `.int`.
  @inlinable public var sqlValue: SQLValue { .int(Int64(self)) }
  /// Reads an integer that fits in `Int16`.
  @inlinable public init(sqlValue: SQLValue) throws {
    self = try narrowInteger(sqlValue, as: Int16.self)
  }
}
