#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension PreciseTimestamp: SQLColumnValue {
  /// `timestamp` (`timestamptz` / ISO-8601 TEXT), the column type of a `Date`.
  public static var sqlColumnType: SQLColumnType { .timestamp }

  /// `.timestamp` when a `Date` holds the instant exactly, else its ISO-8601 text
  /// (`+010000-01-01T00:00:00.000000Z`), which PostgreSQL receives as the exact
  /// binary `timestamptz` and SQLite stores as a `Date`'s text is stored.
  public var sqlValue: SQLValue {
    if let date = Date(exactly: self) { return .timestamp(date) }
    return .text(description)
  }

  /// Reads `.timestamp` or timestamp text, to the microsecond.
  ///
  /// ```swift
  /// let at = try row["at", as: PreciseTimestamp.self]
  /// ```
  /// - Throws: ``SQLValueConversionError``: `.malformed` for text that is not a
  ///   timestamp (PostgreSQL's `infinity` included), `.outOfRange` for a `Date` that is
  ///   not finite, a type mismatch for other kinds.
  public init(sqlValue: SQLValue) throws {
    switch sqlValue {
    case .timestamp(let date):
      guard let timestamp = PreciseTimestamp(date) else {
        throw SQLValueConversionError(.outOfRange, expected: PreciseTimestamp.self, found: sqlValue)
      }
      self = timestamp
    case .text(let text):
      guard let timestamp = PreciseTimestamp(text) else {
        throw SQLValueConversionError(.malformed, expected: PreciseTimestamp.self, found: sqlValue)
      }
      self = timestamp
    default: throw SQLValueConversionError.mismatch(PreciseTimestamp.self, sqlValue)
    }
  }
}

extension PreciseTimestamp: SQLArrayElement {}
