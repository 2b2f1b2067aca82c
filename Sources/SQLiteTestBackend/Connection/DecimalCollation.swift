import CSQLite

/// `WREN_DECIMAL`: orders decimal text (how Wren stores `Decimal` on SQLite) by its
/// numeric value, exactly, so that ORDER BY, `<`, BETWEEN, MIN and MAX on a Decimal
/// column agree with PostgreSQL's `numeric`: "-5" < "9" < "10" (as text, "10" < "9").
///
/// Registered on every connection; DDL declares Decimal columns `TEXT COLLATE
/// WREN_DECIMAL`. (Another SQLite client opening the file must register a collation
/// of that name to compare those columns.) Text that is not a plain decimal sorts
/// after every number, bytewise among itself.
/// See https://www.sqlite.org/c3ref/create_collation.html.
enum DecimalCollation {
  /// The collation's name in DDL.
  static let name = "WREN_DECIMAL"

  /// Registers the collation on a connection.
  /// - Returns: SQLite's result code.
  static func register(on db: OpaquePointer) -> Int32 {
    sqlite3_create_collation_v2(db, name, SQLITE_UTF8, nil, { _, lengthA, a, lengthB, b in
      DecimalCollation.compare(UnsafeRawBufferPointer(start: a, count: Int(lengthA)),
                               UnsafeRawBufferPointer(start: b, count: Int(lengthB)))
    }, nil)
  }

  /// -1, 0 or 1 as `a` is numerically less than, equal to or greater than `b`.
  static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int32 {
    switch (Parts(a), Parts(b)) {
    case let (x?, y?):
      if x.isNegative != y.isNegative { return x.isNegative ? -1 : 1 }
      let magnitude = compareMagnitude(x, y)
      return x.isNegative ? -magnitude : magnitude
    case (nil, _?): return 1
    case (_?, nil): return -1
    case (nil, nil): return bytewise(a[...], b[...])
    }
  }

  /// A plain decimal split into sign, integer digits without leading zeros, and
  /// fraction digits without trailing zeros.
  private struct Parts {
    var isNegative: Bool
    var integer: Slice<UnsafeRawBufferPointer>
    var fraction: Slice<UnsafeRawBufferPointer>

    init?(_ bytes: UnsafeRawBufferPointer) {
      var index = 0
      var negative = false
      if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
        negative = bytes[index] == UInt8(ascii: "-")
        index += 1
      }
      let integerStart = index
      while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
      var integer = bytes[integerStart..<index]
      var fraction = bytes[index..<index]
      if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
        index += 1
        let fractionStart = index
        while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
        fraction = bytes[fractionStart..<index]
      }
      guard index == bytes.count, !(integer.isEmpty && fraction.isEmpty) else { return nil }
      while let first = integer.first, first == UInt8(ascii: "0") { integer = integer.dropFirst() }
      while let last = fraction.last, last == UInt8(ascii: "0") { fraction = fraction.dropLast() }
      // Zero has no sign.
      isNegative = negative && !(integer.isEmpty && fraction.isEmpty)
      self.integer = integer
      self.fraction = fraction
    }
  }

  private static func compareMagnitude(_ x: Parts, _ y: Parts) -> Int32 {
    if x.integer.count != y.integer.count { return x.integer.count < y.integer.count ? -1 : 1 }
    let integers = bytewise(x.integer, y.integer)
    if integers != 0 { return integers }
    // Trailing zeros are gone, so a fraction that is a prefix of another is smaller.
    return bytewise(x.fraction, y.fraction)
  }

  private static func bytewise(_ a: Slice<UnsafeRawBufferPointer>, _ b: Slice<UnsafeRawBufferPointer>) -> Int32 {
    for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
    return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
  }
}
