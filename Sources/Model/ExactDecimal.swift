#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

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
