/// A Swift type that converts to and from an ``SQLValue``.
///
/// Wren ships conformances for the integer and floating-point types, `Bool`, `String`,
/// `Data`, `[UInt8]`, `Date`, ``PreciseTimestamp``, `UUID`, `Decimal`, `Optional` and `RawRepresentable`
/// enums (declare the conformance; the implementation comes from the raw value):
///
/// ```swift
/// enum Status: String, SQLValueConvertible { case active, banned }
/// ```
public protocol SQLValueConvertible: Sendable {
  /// The value as SQL.
  var sqlValue: SQLValue { get }

  /// Decodes a value read from a database.
  /// - Throws: ``SQLValueConversionError`` when the value has another kind, is out
  ///   of range for this type, or is NULL for a non-optional type.
  init(sqlValue: SQLValue) throws
}

extension SQLValue: SQLValueConvertible {
  /// The value itself.
  public var sqlValue: SQLValue { self }
  /// The value itself.
  public init(sqlValue: SQLValue) { self = sqlValue }
}
