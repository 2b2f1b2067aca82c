/// Why an ``SQLValue`` could not become the requested Swift type.
///
/// Carries kinds and type names only, never the value, so it is safe to log.
public struct SQLValueConversionError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What went wrong.
  public enum Reason: Sendable, Hashable {
    /// The value is of another kind (text where an integer was expected, say).
    case typeMismatch
    /// The value is of the right kind but does not fit (an Int64 into an Int16).
    case outOfRange
    /// The value is NULL and the Swift type is not optional.
    case unexpectedNull
    /// The value is text that does not parse as the type (a malformed UUID, say).
    case malformed
    /// The value is an instant the type cannot hold to the microsecond: a `Date` holds
    /// every microsecond only within ``SQLTimestamp/exactDateRange`` (1728-10-18 to
    /// 2273-03-16 UTC). Decode it as ``PreciseTimestamp``, which holds them all.
    case inexactInstant
  }

  /// What went wrong.
  public var reason: Reason
  /// The Swift type that was asked for.
  public var expectedType: String
  /// The kind of value found (``SQLValue/kindName``).
  public var valueKind: String

  /// Makes an error for `value` failing to become `type`.
  public init(_ reason: Reason, expected type: Any.Type, found value: SQLValue) {
    self.reason = reason
    self.expectedType = String(describing: type)
    self.valueKind = value.kindName
  }

  /// A type mismatch, or `.unexpectedNull` when the value is NULL.
  @inlinable
  public static func mismatch(_ type: Any.Type, _ value: SQLValue) -> SQLValueConversionError {
    SQLValueConversionError(value.isNull ? .unexpectedNull : .typeMismatch, expected: type, found: value)
  }

  /// A readable sentence without the value.
  public var description: String {
    switch reason {
    case .typeMismatch: "cannot decode \(expectedType) from a \(valueKind) value"
    case .outOfRange: "\(valueKind) value is out of range for \(expectedType)"
    case .unexpectedNull: "NULL found where a non-optional \(expectedType) was expected"
    case .malformed: "\(valueKind) value is not a valid \(expectedType)"
    case .inexactInstant: Self.inexactInstantSentence(expectedType)
    }
  }

  /// Why an instant did not decode, and what to decode it as instead.
  static func inexactInstantSentence(_ expectedType: String) -> String {
    "the stored instant cannot be held to the microsecond by \(expectedType), which is exact only "
      + "from 1728-10-18T11:03:28Z to 2273-03-16T12:56:32Z; decode it as PreciseTimestamp"
  }
}
