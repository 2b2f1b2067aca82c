/// A value in a row could not be decoded as the requested Swift type.
///
/// ```swift
/// do { _ = try row["age", as: Int.self] }
/// catch let error as RowDecodingError { print(error.column, error.expectedType, error.sqlType) }
/// ```
public struct RowDecodingError: Error, Sendable, CustomStringConvertible {
  /// The column's name (or its index, as text, when asked for by a missing index).
  public var column: String
  /// The column's position, or nil when no such column exists.
  public var index: Int?
  /// The Swift type that was asked for.
  public var expectedType: String
  /// The SQL type of the value found (declared type or value kind); nil when the
  /// column is missing.
  public var sqlType: String?
  /// Why the conversion failed, when the column exists.
  public var reason: SQLValueConversionError.Reason?
  /// The columns the row does have, when the column was missing.
  public var availableColumns: [String]

  /// An error for a value that did not convert.
  public init(column: String, index: Int, expectedType: Any.Type, sqlType: String, underlying: any Error) {
    self.column = column
    self.index = index
    self.expectedType = String(describing: expectedType)
    self.sqlType = sqlType
    self.reason = (underlying as? SQLValueConversionError)?.reason ?? .malformed
    self.availableColumns = []
  }

  /// An error for a column the row does not have.
  public static func missingColumn(_ name: String, expected: Any.Type, available: [String]) -> RowDecodingError {
    var error = RowDecodingError(column: name, index: 0, expectedType: expected, sqlType: "", underlying: SQLValueConversionError(.malformed, expected: expected, found: .null))
    error.index = nil
    error.sqlType = nil
    error.reason = nil
    error.availableColumns = available
    return error
  }

  /// Names the column, the Swift type and the SQL type; never the value.
  public var description: String {
    guard let sqlType, let reason else {
      return "no column \"\(column)\" in the row (columns: \(availableColumns.joined(separator: ", "))); wanted \(expectedType)"
    }
    switch reason {
    case .unexpectedNull:
      return "column \"\(column)\": NULL \(sqlType) value cannot be decoded as non-optional \(expectedType)"
    case .outOfRange:
      return "column \"\(column)\": \(sqlType) value is out of range for \(expectedType)"
    case .typeMismatch:
      return "column \"\(column)\": cannot decode \(expectedType) from a \(sqlType) value"
    case .malformed:
      return "column \"\(column)\": \(sqlType) value is not a valid \(expectedType)"
    case .inexactInstant:
      return "column \"\(column)\": " + SQLValueConversionError.inexactInstantSentence(expectedType)
    }
  }
}
