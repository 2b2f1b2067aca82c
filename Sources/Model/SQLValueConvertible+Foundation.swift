#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Data: SQLValueConvertible {
  /// The bytes as `.bytes`.
  public var sqlValue: SQLValue { .bytes([UInt8](self)) }
  /// Reads `.bytes`.
  public init(sqlValue: SQLValue) throws {
    guard case .bytes(let b) = sqlValue else { throw SQLValueConversionError.mismatch(Data.self, sqlValue) }
    self = Data(b)
  }
}

extension Date: SQLValueConvertible {
  /// The date as `.timestamp` (stored rounded to the nearest microsecond).
  public var sqlValue: SQLValue { .timestamp(self) }

  /// Reads `.timestamp`, or ISO-8601 text (as SQLite stores it, and as PostgreSQL
  /// values a `Date` cannot hold arrive). Never rounds: a `Date` holds every
  /// microsecond from 1728-10-18T11:03:28Z to 2273-03-16T12:56:32Z
  /// (``SQLTimestamp/exactDateRange``), and beyond only some; any `Date` Wren stored
  /// reads back.
  ///
  /// ```swift
  /// let due = try Date(sqlValue: .text("2026-01-01T00:00:00.000000Z"))
  /// ```
  /// - Throws: ``SQLValueConversionError``: `.inexactInstant` for an instant a `Date`
  ///   would round (decode ``PreciseTimestamp`` instead), `.malformed` for other text.
  public init(sqlValue: SQLValue) throws {
    switch sqlValue {
    case .timestamp(let d): self = d
    case .text(let s):
      guard let micros = SQLTimestamp.parseMicrosecondsSinceReferenceDate(s) else {
        throw SQLValueConversionError(.malformed, expected: Date.self, found: sqlValue)
      }
      guard let d = SQLTimestamp.exactDate(microsecondsSinceReferenceDate: micros) else {
        throw SQLValueConversionError(.inexactInstant, expected: Date.self, found: sqlValue)
      }
      self = d
    default: throw SQLValueConversionError.mismatch(Date.self, sqlValue)
    }
  }
}

extension UUID: SQLValueConvertible {
  /// The UUID as `.uuid`.
  public var sqlValue: SQLValue { .uuid(self) }
  /// Reads `.uuid`, canonical text, or 16 bytes.
  public init(sqlValue: SQLValue) throws {
    switch sqlValue {
    case .uuid(let u): self = u
    case .text(let s):
      guard let u = UUID(uuidString: s) else {
        throw SQLValueConversionError(.malformed, expected: UUID.self, found: sqlValue)
      }
      self = u
    case .bytes(let b) where b.count == 16:
      self = UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                         b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    default: throw SQLValueConversionError.mismatch(UUID.self, sqlValue)
    }
  }
}

extension Decimal: SQLValueConvertible {
  /// The number as `.decimal`.
  public var sqlValue: SQLValue { .decimal(self) }
  /// Reads `.decimal`, exact decimal text, or an integer. Text with more significant
  /// digits than `Decimal` holds is an out-of-range error, never rounded.
  public init(sqlValue: SQLValue) throws {
    switch sqlValue {
    case .decimal(let d): self = d
    case .int(let i): self = Decimal(i)
    case .text(let s):
      self = try ExactDecimal.parse(s, found: sqlValue)
    default: throw SQLValueConversionError.mismatch(Decimal.self, sqlValue)
    }
  }
}
