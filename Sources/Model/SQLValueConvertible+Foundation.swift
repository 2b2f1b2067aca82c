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

/// Parses decimal text into a `Decimal` without rounding.
public enum ExactDecimal {
  /// Parses `-123.4500`, `1e-7`-free plain decimal notation (as PostgreSQL prints
  /// numeric and Wren stores it on SQLite).
  /// - Throws: ``SQLValueConversionError`` (`.malformed` or `.outOfRange`).
  public static func parse(_ text: String, found: SQLValue) throws -> Decimal {
    var negative = false
    var digits: [UInt8] = []
    var scale = 0
    var seenPoint = false
    var index = text.utf8.startIndex
    let utf8 = text.utf8
    if index < utf8.endIndex, utf8[index] == UInt8(ascii: "-") || utf8[index] == UInt8(ascii: "+") {
      negative = utf8[index] == UInt8(ascii: "-")
      index = utf8.index(after: index)
    }
    while index < utf8.endIndex {
      let byte = utf8[index]
      if byte == UInt8(ascii: "."), !seenPoint {
        seenPoint = true
      } else if (48...57).contains(byte) {
        digits.append(byte - 48)
        if seenPoint { scale += 1 }
      } else {
        throw SQLValueConversionError(.malformed, expected: Decimal.self, found: found)
      }
      index = utf8.index(after: index)
    }
    guard !digits.isEmpty else { throw SQLValueConversionError(.malformed, expected: Decimal.self, found: found) }
    // Drop leading zeros; Decimal's mantissa holds 38 significant digits.
    while digits.count > 1, digits[0] == 0 { digits.removeFirst() }
    // Trailing zeros are not significant for the value; before the point they become
    // a positive exponent (scale < 0), so 10^41 is one digit, not 42.
    while digits.count > 1, digits[digits.count - 1] == 0 {
      digits.removeLast()
      scale -= 1
    }
    guard digits.count <= 38, (-127...127).contains(scale) else {
      throw SQLValueConversionError(.outOfRange, expected: Decimal.self, found: found)
    }
    var result = Decimal(0)
    for d in digits { result = result * 10 + Decimal(Int(d)) }
    if scale != 0 {
      result = Decimal(sign: .plus, exponent: -scale, significand: result)
    }
    return negative && result != 0 ? -result : result
  }
}
