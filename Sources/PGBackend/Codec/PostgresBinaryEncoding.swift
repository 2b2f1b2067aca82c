#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import QueryBuilder

/// Why a value has no binary form for a parameter's type.
enum PostgresEncodingFailure: Error {
  /// No binary form of this kind of value for the type (the caller may send text).
  case mismatch(kind: String)
  /// The value does not fit the type (an integer too wide, a date out of range).
  case outOfRange
  /// A `date` parameter got a timestamp that is not at midnight UTC.
  case notMidnight
  /// Text with a NUL byte, which PostgreSQL text cannot hold.
  case nul
  /// The failure of one element of an array (0-based).
  indirect case element(Int, PostgresEncodingFailure)
}

extension PostgresEncodingFailure {
  /// The error for a value of `subject` ("parameter $2", "COPY row 4, column qty")
  /// that cannot be sent as `type`, naming the array element where there is one,
  /// never the value.
  func databaseError(subject: String, type: PostgresType, mismatchHint: String? = nil, sql: String? = nil) -> DatabaseError {
    var subject = subject
    var failure = self, type = type
    while case .element(let index, let inner) = failure {
      subject = "element \(index + 1) of " + subject
      if case .array(let element) = type { type = element }
      failure = inner
    }
    switch failure {
    case .mismatch(let kind):
      return DatabaseError(code: .datatypeMismatch, message: "\(subject) is \(type.name) but a \(kind) value was bound",
                           hint: mismatchHint, sql: sql)
    case .outOfRange:
      return DatabaseError(code: .numericValueOutOfRange, message: "\(subject): value out of range for type \(type.name)",
                           sql: sql)
    case .notMidnight:
      return DatabaseError(code: .datatypeMismatch,
                           message: "\(subject) is date but the bound Date is not at midnight UTC; its time would be lost",
                           sql: sql)
    case .nul:
      return DatabaseError(code: .characterNotInRepertoire,
                           message: "\(subject) contains a NUL byte, which PostgreSQL text cannot store",
                           hint: "store binary data as bytea ([UInt8] or Data)", sql: sql)
    case .element:
      return DatabaseError(code: .internalError, message: "\(subject): unexpected nested failure", sql: sql)
    }
  }
}

/// PostgreSQL's binary wire formats (each type's `typsend`), for bind parameters and
/// array elements: big-endian integers and floats, microseconds since 2000 for
/// timestamps, base-10000 digits for numeric, and a header plus length-prefixed
/// elements for arrays. See https://www.postgresql.org/docs/current/protocol-overview.html#PROTOCOL-FORMAT-CODES
/// and `src/backend/utils/adt/*.c` (`int8send`, `numeric_send`, `array_send`, ...).
enum PostgresBinaryEncoding {
  /// Appends `value` in `type`'s binary format to `buffer`. Nothing is rounded or cut:
  /// narrower integers are range-checked, a `date` takes only midnight UTC.
  /// - Throws: ``PostgresEncodingFailure``; `.mismatch` when the value has no binary
  ///   form for `type` (`buffer` is then unchanged).
  static func append(_ value: SQLValue, as type: PostgresType, to buffer: inout [UInt8]) throws(PostgresEncodingFailure) {
    switch (value, type) {
    case (.int(let i), .int8): put(i, &buffer)
    case (.int(let i), .int4):
      guard let narrow = Int32(exactly: i) else { throw .outOfRange }
      put(narrow, &buffer)
    case (.int(let i), .int2):
      guard let narrow = Int16(exactly: i) else { throw .outOfRange }
      put(narrow, &buffer)
    case (.int(let i), .oid):
      guard let narrow = UInt32(exactly: i) else { throw .outOfRange }
      put(narrow, &buffer)
    case (.int(let i), .float8):
      guard let exact = Double(exactly: i) else { throw .outOfRange }
      put(exact.bitPattern, &buffer)
    case (.int(let i), .float4):
      guard let exact = Float(exactly: i) else { throw .outOfRange }
      put(exact.bitPattern, &buffer)
    case (.int(let i), .numeric): try appendNumeric(String(i), to: &buffer)
    case (.double(let d), .float8): put(d.bitPattern, &buffer)
    case (.double(let d), .float4):
      guard let exact = d.isNaN ? Float.nan : Float(exactly: d) else { throw .outOfRange }
      put(exact.bitPattern, &buffer)
    case (.double(let d), .numeric):
      try appendNumeric(d.isNaN ? "NaN" : d.isInfinite ? (d < 0 ? "-Infinity" : "Infinity") : String(d), to: &buffer)
    case (.double(let d), .int8), (.double(let d), .int4), (.double(let d), .int2):
      // An integral double into an integer parameter is exact; anything else would round.
      guard let exact = Int64(exactly: d) else { throw .outOfRange }
      try append(.int(exact), as: type, to: &buffer)
    case (.decimal(let d), .numeric): try appendNumeric(d.description, to: &buffer)
    case (.bool(let b), .bool): buffer.append(b ? 1 : 0)
    case (.int(let i), .bool) where i == 0 || i == 1: buffer.append(UInt8(i))
    case (.text(let s), _) where type.isTextLike || type == .json:
      guard !s.utf8.contains(0) else { throw .nul }
      buffer.append(contentsOf: s.utf8)
    case (.text(let s), .jsonb):
      guard !s.utf8.contains(0) else { throw .nul }
      buffer.append(1)  // jsonb binary format version
      buffer.append(contentsOf: s.utf8)
    case (.bytes(let b), .bytea): buffer.append(contentsOf: b)
    case (.timestamp(let date), .timestamptz), (.timestamp(let date), .timestamp):
      put(try postgresMicroseconds(date), &buffer)
    case (.text(let text), .timestamptz), (.text(let text), .timestamp):
      // UTC text as Wren writes it (a PreciseTimestamp a Date cannot hold) goes in
      // binary, exact, years past 9999 and BC included, which the server's text
      // input cannot spell. Other text is the server's to parse (session time zone).
      guard text.utf8.last == UInt8(ascii: "Z"),
            let micros = SQLTimestamp.parseMicrosecondsSinceReferenceDate(text) else {
        throw .mismatch(kind: value.kindName)
      }
      put(try postgresMicroseconds(sinceReferenceDate: micros), &buffer)
    case (.timestamp(let date), .date):
      let micros = try postgresMicroseconds(date)
      guard micros % 86_400_000_000 == 0 else { throw .notMidnight }
      guard let days = Int32(exactly: micros / 86_400_000_000) else { throw .outOfRange }
      put(days, &buffer)
    case (.uuid(let u), .uuid): withUnsafeBytes(of: u.uuid) { buffer.append(contentsOf: $0) }
    case (.uuid(let u), _) where type.isTextLike: buffer.append(contentsOf: u.uuidString.lowercased().utf8)
    case (.array(let elements), .array(let elementType)):
      try appendArray(elements, of: elementType, to: &buffer)
    default:
      throw .mismatch(kind: value.kindName)
    }
  }

  /// `array_send`: dimensions (0 for an empty array), a has-NULLs flag, the element
  /// OID, then each dimension's length and lower bound 1, then each element (row-major)
  /// as a length (-1 for NULL) and its bytes. Nested arrays are dimensions and must
  /// be rectangular, as PostgreSQL's arrays are.
  private static func appendArray(_ elements: [SQLValue], of elementType: PostgresType,
                                  to buffer: inout [UInt8]) throws(PostgresEncodingFailure) {
    var sizes = [elements.count]
    var flat = elements
    while let first = flat.first, case .array(let inner) = first, !inner.isEmpty {
      var next: [SQLValue] = []
      next.reserveCapacity(flat.count * inner.count)
      for element in flat {
        guard case .array(let row) = element, row.count == inner.count else { throw .mismatch(kind: "ragged array") }
        next += row
      }
      sizes.append(inner.count)
      flat = next
    }
    guard sizes.count <= 6 else { throw .outOfRange }
    put(Int32(flat.isEmpty ? 0 : sizes.count), &buffer)
    put(Int32(flat.contains(where: \.isNull) ? 1 : 0), &buffer)
    put(elementType.oid, &buffer)
    guard !flat.isEmpty else { return }
    for size in sizes {
      guard let count = Int32(exactly: size) else { throw .outOfRange }
      put(count, &buffer)
      put(Int32(1), &buffer)
    }
    let elements = flat
    for (index, element) in elements.enumerated() {
      if element.isNull {
        put(Int32(-1), &buffer)
        continue
      }
      let lengthAt = buffer.count
      put(Int32(0), &buffer)  // patched below
      do {
        try append(element, as: elementType, to: &buffer)
      } catch {
        throw .element(index, error)
      }
      guard let length = Int32(exactly: buffer.count - lengthAt - 4) else { throw .outOfRange }
      withUnsafeBytes(of: length.bigEndian) { bytes in
        for offset in 0..<4 { buffer[lengthAt + offset] = bytes[offset] }
      }
    }
  }

  /// Microseconds since 2000-01-01 UTC, PostgreSQL's timestamp representation.
  static func postgresMicroseconds(_ date: Date) throws(PostgresEncodingFailure) -> Int64 {
    guard let micros = SQLTimestamp.microsecondsSinceReferenceDate(date) else { throw .outOfRange }
    return try postgresMicroseconds(sinceReferenceDate: micros)
  }

  /// Microseconds since 2000-01-01 UTC for a count since 2001-01-01.
  static func postgresMicroseconds(sinceReferenceDate micros: Int64) throws(PostgresEncodingFailure) -> Int64 {
    let (result, overflow) = micros.subtractingReportingOverflow(SQLTimestamp.referenceToPostgresEpochMicroseconds)
    // Int64.min and .max are PostgreSQL's -infinity and infinity, not instants.
    guard !overflow, result != .max, result != .min else { throw .outOfRange }
    return result
  }

  @inline(__always)
  static func put<T: FixedWidthInteger>(_ value: T, _ buffer: inout [UInt8]) {
    withUnsafeBytes(of: value.bigEndian) { buffer.append(contentsOf: $0) }
  }
}

extension PostgresBinaryEncoding {
  /// `numeric_send` from decimal text (`-12.340`, `1e-05`, `NaN`, `Infinity`): the
  /// number of base-10000 digits, the weight of the first, the sign, the display
  /// scale, then the digits. Exact: every digit of the text is kept, trailing
  /// fractional zeros included (as the display scale).
  /// - Throws: `.mismatch` for text that is not a number, `.outOfRange` beyond
  ///   numeric's limits.
  static func appendNumeric(_ text: String, to buffer: inout [UInt8]) throws(PostgresEncodingFailure) {
    let special: UInt16? = switch text {
      case "NaN": 0xC000
      case "Infinity", "+Infinity": 0xD000
      case "-Infinity": 0xF000
      default: nil
    }
    if let special {
      put(Int16(0), &buffer); put(Int16(0), &buffer); put(special, &buffer); put(UInt16(0), &buffer)
      return
    }
    guard let parsed = DecimalText(text) else { throw .mismatch(kind: "numeric text") }
    // Digits as an integer part and a fractional part, after applying the exponent.
    var integerDigits: [UInt8], fractionDigits: [UInt8]
    let pointAt = parsed.integerCount + parsed.exponent
    if pointAt <= 0 {
      integerDigits = []
      fractionDigits = Array(repeating: 0, count: -pointAt) + parsed.digits
    } else if pointAt >= parsed.digits.count {
      integerDigits = parsed.digits + Array(repeating: 0, count: pointAt - parsed.digits.count)
      fractionDigits = []
    } else {
      integerDigits = Array(parsed.digits[..<pointAt])
      fractionDigits = Array(parsed.digits[pointAt...])
    }
    let displayScale = fractionDigits.count
    guard displayScale <= 0x3FFF else { throw .outOfRange }
    // Pad to whole groups of four on both sides of the point.
    integerDigits = Array(repeating: 0, count: (4 - integerDigits.count % 4) % 4) + integerDigits
    fractionDigits += Array(repeating: 0, count: (4 - fractionDigits.count % 4) % 4)
    var groups: [Int16] = []
    groups.reserveCapacity((integerDigits.count + fractionDigits.count) / 4)
    let all = integerDigits + fractionDigits
    var index = 0
    while index < all.count {
      groups.append(Int16(all[index]) * 1000 + Int16(all[index + 1]) * 100 + Int16(all[index + 2]) * 10 + Int16(all[index + 3]))
      index += 4
    }
    var weight = integerDigits.count / 4 - 1
    // Leading zero groups lower the weight; trailing ones are implied by the scale.
    var first = 0
    while first < groups.count, groups[first] == 0 { first += 1; weight -= 1 }
    var end = groups.count
    while end > first, groups[end - 1] == 0 { end -= 1 }
    let digits = groups[first..<end]
    if digits.isEmpty { weight = 0 }
    guard let count = Int16(exactly: digits.count), let weight16 = Int16(exactly: weight) else { throw .outOfRange }
    put(count, &buffer)
    put(weight16, &buffer)
    put(UInt16(parsed.isNegative && !digits.isEmpty ? 0x4000 : 0x0000), &buffer)
    put(UInt16(displayScale), &buffer)
    for digit in digits { put(digit, &buffer) }
  }
}

/// Decimal text split into its sign, its digits, where the point falls among them
/// and an exponent: `-12.5e3` is negative, digits 1 2 5, 2 before the point, exponent 3.
private struct DecimalText {
  var isNegative = false
  var digits: [UInt8] = []
  var integerCount = 0
  var exponent = 0

  init?(_ text: String) {
    var bytes = text.utf8[...]
    if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
      isNegative = sign == UInt8(ascii: "-")
      bytes = bytes.dropFirst()
    }
    var seenPoint = false
    var sawDigit = false
    while let byte = bytes.first {
      if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
        digits.append(byte - UInt8(ascii: "0"))
        if !seenPoint { integerCount += 1 }
        sawDigit = true
      } else if byte == UInt8(ascii: "."), !seenPoint {
        seenPoint = true
      } else {
        break
      }
      bytes = bytes.dropFirst()
    }
    guard sawDigit else { return nil }
    if let marker = bytes.first, marker == UInt8(ascii: "e") || marker == UInt8(ascii: "E") {
      guard let value = Int(String(decoding: bytes.dropFirst(), as: UTF8.self)),
            abs(value) < 1_000_000 else { return nil }
      exponent = value
      bytes = bytes[bytes.endIndex...]
    }
    guard bytes.isEmpty else { return nil }
  }
}
