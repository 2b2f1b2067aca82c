extension Int64: SQLValueConvertible {
  /// The value as `.int`.
  @inlinable public var sqlValue: SQLValue { .int(self) }

  /// Reads `.int`; a `.double` with an exact integral value is accepted too (SQLite can
  /// return REAL for integer arithmetic), anything else is an error.
  @inlinable
  public init(sqlValue: SQLValue) throws {
    switch sqlValue {
    case .int(let v): self = v
    case .double(let d):
      guard let exact = Int64(exactly: d) else {
        throw SQLValueConversionError(.outOfRange, expected: Int64.self, found: sqlValue)
      }
      self = exact
    default: throw SQLValueConversionError.mismatch(Int64.self, sqlValue)
    }
  }
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
