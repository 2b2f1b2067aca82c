#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An instant as a whole number of microseconds since 2001-01-01 UTC: every
/// microsecond PostgreSQL's `timestamptz` holds (4713 BC to 294276 AD), exactly.
///
/// A `Date` is a `Double` of seconds and holds every microsecond only from
/// 1728-10-18T11:03:28Z to 2273-03-16T12:56:32Z (``SQLTimestamp/exactDateRange``);
/// decoding an instant outside that a `Date` would round is an error
/// (``SQLValueConversionError/Reason/inexactInstant``). Use this type for a column
/// whose every microsecond matters, or whose years reach that far.
///
/// The count starts at 2001-01-01, as `Date` and ``SQLTimestamp`` count, because an
/// `Int64` of microseconds since 1970 ends in 294247 AD, before PostgreSQL's range does.
///
/// ```swift
/// let end = PreciseTimestamp("9999-12-31T23:59:59.999999Z")  // a Date would read 10000-01-01
/// try await db.execute("INSERT INTO spans (ends_at) VALUES (\(end))")
/// let read: PreciseTimestamp? = try await db.fetchValue("SELECT ends_at FROM spans")
/// ```
public struct PreciseTimestamp: Sendable, Hashable, Comparable {
  /// Microseconds since 2001-01-01T00:00:00Z (negative before).
  public var microsecondsSinceReferenceDate: Int64

  /// The instant `microseconds` after 2001-01-01T00:00:00Z.
  ///
  /// ```swift
  /// PreciseTimestamp(microsecondsSinceReferenceDate: 1).description  // "2001-01-01T00:00:00.000001Z"
  /// ```
  public init(microsecondsSinceReferenceDate microseconds: Int64) {
    self.microsecondsSinceReferenceDate = microseconds
  }

  /// The microsecond nearest to `date`, as Wren stores a `Date`; nil when the date
  /// is not finite or more than about 285,000 years from 2001.
  ///
  /// ```swift
  /// let now = PreciseTimestamp(Date())
  /// ```
  public init?(_ date: Date) {
    guard let micros = SQLTimestamp.microsecondsSinceReferenceDate(date) else { return nil }
    self.microsecondsSinceReferenceDate = micros
  }

  /// Whether `lhs` is earlier than `rhs`.
  public static func < (lhs: PreciseTimestamp, rhs: PreciseTimestamp) -> Bool {
    lhs.microsecondsSinceReferenceDate < rhs.microsecondsSinceReferenceDate
  }
}

extension PreciseTimestamp: LosslessStringConvertible {
  /// Reads ISO-8601 / SQL timestamp text as ``SQLTimestamp`` does (`Z` or an offset;
  /// no zone is UTC; up to six fraction digits; expanded years such as `+010000` and
  /// `-004712` for 4713 BC); nil for anything else.
  ///
  /// ```swift
  /// let instant = PreciseTimestamp("2500-06-15 12:34:56.789012+00")
  /// ```
  public init?(_ description: String) {
    guard let micros = SQLTimestamp.parseMicrosecondsSinceReferenceDate(description) else { return nil }
    self.microsecondsSinceReferenceDate = micros
  }

  /// ISO-8601 text in UTC with six fraction digits, `2500-06-15T12:34:56.789012Z`.
  public var description: String {
    SQLTimestamp.format(microsecondsSinceReferenceDate: microsecondsSinceReferenceDate)
  }
}

extension Date {
  /// The `Date` of exactly this instant, or nil when a `Date` would round it to
  /// another microsecond (possible outside 1728-10-18 to 2273-03-16 UTC).
  ///
  /// ```swift
  /// let date = Date(exactly: timestamp) ?? fallback
  /// ```
  public init?(exactly timestamp: PreciseTimestamp) {
    guard let date = SQLTimestamp.exactDate(microsecondsSinceReferenceDate: timestamp.microsecondsSinceReferenceDate)
    else { return nil }
    self = date
  }
}
