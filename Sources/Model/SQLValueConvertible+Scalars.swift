extension Double: SQLValueConvertible {
  /// The value as `.double`.
  @inlinable public var sqlValue: SQLValue { .double(self) }
  /// Reads `.double`, or an `.int` that a Double represents exactly.
  @inlinable public init(sqlValue: SQLValue) throws {
    switch sqlValue {
    case .double(let d): self = d
    case .int(let i):
      guard let exact = Double(exactly: i) else {
        throw SQLValueConversionError(.outOfRange, expected: Double.self, found: sqlValue)
      }
      self = exact
    default: throw SQLValueConversionError.mismatch(Double.self, sqlValue)
    }
  }
}

extension Float: SQLValueConvertible {
  /// The value as `.double` (every Float is exactly a Double).
  @inlinable public var sqlValue: SQLValue { .double(Double(self)) }
  /// Reads a number that a Float represents exactly (NaN and infinities included);
  /// anything that would be rounded is an out-of-range error.
  @inlinable public init(sqlValue: SQLValue) throws {
    let wide: Double
    do { wide = try Double(sqlValue: sqlValue) } catch let error as SQLValueConversionError {
      throw SQLValueConversionError(error.reason, expected: Float.self, found: sqlValue)  // name Float, not Double
    }
    if wide.isNaN { self = .nan; return }
    guard let exact = Float(exactly: wide) else {
      throw SQLValueConversionError(.outOfRange, expected: Float.self, found: sqlValue)
    }
    self = exact
  }
}

extension Bool: SQLValueConvertible {
  /// The value as `.bool`.
  @inlinable public var sqlValue: SQLValue { .bool(self) }
  /// Reads `.bool`, or the integers 0 and 1 (SQLite's representation).
  @inlinable public init(sqlValue: SQLValue) throws {
    switch sqlValue {
    case .bool(let b): self = b
    case .int(0): self = false
    case .int(1): self = true
    case .int: throw SQLValueConversionError(.outOfRange, expected: Bool.self, found: sqlValue)
    default: throw SQLValueConversionError.mismatch(Bool.self, sqlValue)
    }
  }
}

extension String: SQLValueConvertible {
  /// The value as `.text`.
  @inlinable public var sqlValue: SQLValue { .text(self) }
  /// Reads `.text` only: numbers are not silently turned into text.
  @inlinable public init(sqlValue: SQLValue) throws {
    guard case .text(let s) = sqlValue else { throw SQLValueConversionError.mismatch(String.self, sqlValue) }
    self = s
  }
}

extension Optional: SQLValueConvertible where Wrapped: SQLValueConvertible {
  /// The wrapped value's SQL, or `.null`.
  @inlinable public var sqlValue: SQLValue {
    switch self {
    case .none: .null
    case .some(let wrapped): wrapped.sqlValue
    }
  }
  /// `nil` for NULL, else the wrapped type's decoding.
  @inlinable public init(sqlValue: SQLValue) throws {
    if case .null = sqlValue { self = .none } else { self = .some(try Wrapped(sqlValue: sqlValue)) }
  }
}

extension SQLValueConvertible where Self: RawRepresentable, RawValue: SQLValueConvertible {
  /// The raw value's SQL.
  public var sqlValue: SQLValue { rawValue.sqlValue }
  /// Decodes the raw value, then the case; an unknown raw value is `.malformed`.
  public init(sqlValue: SQLValue) throws {
    let raw: RawValue
    do { raw = try RawValue(sqlValue: sqlValue) } catch let error as SQLValueConversionError {
      throw SQLValueConversionError(error.reason, expected: Self.self, found: sqlValue)  // name the enum
    }
    guard let value = Self(rawValue: raw) else {
      throw SQLValueConversionError(.malformed, expected: Self.self, found: sqlValue)
    }
    self = value
  }
}
