#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

/// Turns one cell of a PostgreSQL result into an ``SQLValue``, from the binary
/// format (the fast path) or the text format (simple-protocol results and types
/// without a binary decoder). See the `send`/`recv` functions in PostgreSQL's
/// `src/backend/utils/adt` for the binary layouts.
enum PostgresValueDecoding {
  /// Decodes `length` bytes at `bytes` of a value of `type`.
  @inline(__always)
  static func decode(_ bytes: UnsafeRawPointer, length: Int, type: PostgresType, binary: Bool) -> SQLValue {
    binary ? decodeBinary(bytes, length: length, type: type) : decodeText(bytes, length: length, type: type)
  }

  @inline(__always)
  static func decodeBinary(_ bytes: UnsafeRawPointer, length: Int, type: PostgresType) -> SQLValue {
    switch type {
    case .int8 where length == 8: return .int(Int64(bigEndian: bytes.loadUnaligned(as: Int64.self)))
    case .int4 where length == 4: return .int(Int64(Int32(bigEndian: bytes.loadUnaligned(as: Int32.self))))
    case .int2 where length == 2: return .int(Int64(Int16(bigEndian: bytes.loadUnaligned(as: Int16.self))))
    case .oid where length == 4: return .int(Int64(UInt32(bigEndian: bytes.loadUnaligned(as: UInt32.self))))
    case .float8 where length == 8:
      return .double(Double(bitPattern: UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self))))
    case .float4 where length == 4:
      return .double(Double(Float(bitPattern: UInt32(bigEndian: bytes.loadUnaligned(as: UInt32.self)))))
    case .bool where length == 1: return .bool(bytes.load(as: UInt8.self) != 0)
    case .text, .varchar, .bpchar, .name, .unknown, .json:
      return .text(string(bytes, length))
    case .char where length == 1:
      return .text(String(decoding: CollectionOfOne(bytes.load(as: UInt8.self)), as: UTF8.self))
    case .jsonb where length >= 1:  // version byte 1, then the JSON text
      return .text(string(bytes + 1, length - 1))
    case .bytea: return .bytes(Array(UnsafeRawBufferPointer(start: bytes, count: length)))
    case .timestamptz where length == 8, .timestamp where length == 8:
      let micros = Int64(bigEndian: bytes.loadUnaligned(as: Int64.self))
      if micros == .max { return .text("infinity") }
      if micros == .min { return .text("-infinity") }
      let (sinceReference, overflow) = micros.addingReportingOverflow(SQLTimestamp.referenceToPostgresEpochMicroseconds)
      guard !overflow else { break }  // beyond any timestamp the server sends
      return instant(microsecondsSinceReferenceDate: sinceReference)
    case .date where length == 4:
      let days = Int64(Int32(bigEndian: bytes.loadUnaligned(as: Int32.self)))
      if days == Int64(Int32.max) { return .text("infinity") }
      if days == Int64(Int32.min) { return .text("-infinity") }
      // Days since 2001 rather than 2000; a date past about 294,000 AD has no
      // microsecond count in an Int64, only its text.
      let daysSinceReference = days + SQLTimestamp.referenceToPostgresEpochMicroseconds / 86_400_000_000
      let (micros, overflow) = daysSinceReference.multipliedReportingOverflow(by: 86_400_000_000)
      guard !overflow else { return .text(SQLTimestamp.formatDate(daysSinceReferenceDate: daysSinceReference)) }
      return instant(microsecondsSinceReferenceDate: micros)
    case .uuid where length == 16:
      let b = UnsafeRawBufferPointer(start: bytes, count: 16)
      return .uuid(UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                               b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15])))
    case .numeric:
      return numericValue(binaryNumericText(bytes, length: length))
    case .array(let element) where length >= 12:
      return decodeArray(bytes, length: length, element: element)
    default:
      break
    }
    return .bytes(Array(UnsafeRawBufferPointer(start: bytes, count: length)))
  }

  /// `.timestamp` when a `Date` holds the instant to the microsecond, else its exact
  /// ISO-8601 text (which `PreciseTimestamp` reads and `Date` refuses with a typed
  /// error): a value is never rounded on its way in.
  @inline(__always)
  static func instant(microsecondsSinceReferenceDate micros: Int64) -> SQLValue {
    if let date = SQLTimestamp.exactDate(microsecondsSinceReferenceDate: micros) { return .timestamp(date) }
    return .text(SQLTimestamp.format(microsecondsSinceReferenceDate: micros))
  }

  /// `array_recv`'s layout: dimensions, a has-NULLs flag, the element type, each
  /// dimension's size and lower bound, then every element as a length (-1: NULL) and
  /// its bytes. Several dimensions become nested arrays; a malformed array is kept as
  /// bytes, never read past its end.
  static func decodeArray(_ bytes: UnsafeRawPointer, length: Int, element: PostgresType) -> SQLValue {
    func int32(at offset: Int) -> Int? {
      offset + 4 <= length ? Int(Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self))) : nil
    }
    guard let dimensions = int32(at: 0), dimensions >= 0, dimensions <= 6 else {
      return .bytes(Array(UnsafeRawBufferPointer(start: bytes, count: length)))
    }
    if dimensions == 0 { return .array([]) }
    var sizes: [Int] = []
    for dimension in 0..<dimensions {
      guard let size = int32(at: 12 + dimension * 8), size >= 0 else {
        return .bytes(Array(UnsafeRawBufferPointer(start: bytes, count: length)))
      }
      sizes.append(size)
    }
    var offset = 12 + dimensions * 8
    var elements: [SQLValue] = []
    elements.reserveCapacity(sizes.reduce(1, *))
    for _ in 0..<sizes.reduce(1, *) {
      guard let elementLength = int32(at: offset) else { return .bytes(Array(UnsafeRawBufferPointer(start: bytes, count: length))) }
      offset += 4
      if elementLength < 0 {
        elements.append(.null)
        continue
      }
      guard offset + elementLength <= length else { return .bytes(Array(UnsafeRawBufferPointer(start: bytes, count: length))) }
      elements.append(decodeBinary(bytes + offset, length: elementLength, type: element))
      offset += elementLength
    }
    // Nest the flat, row-major elements by the dimensions, innermost first.
    for size in sizes.dropFirst().reversed() where size > 0 {
      elements = stride(from: 0, to: elements.count, by: size).map { .array(Array(elements[$0..<($0 + size)])) }
    }
    return .array(elements)
  }

  static func decodeText(_ bytes: UnsafeRawPointer, length: Int, type: PostgresType) -> SQLValue {
    decodeText(string(bytes, length), type: type)
  }

  /// Decodes a value's text form.
  static func decodeText(_ text: String, type: PostgresType) -> SQLValue {
    switch type {
    case .int8, .int4, .int2, .oid:
      if let value = Int64(text) { return .int(value) }
    case .float8, .float4:
      switch text {
      case "NaN": return .double(.nan)
      case "Infinity": return .double(.infinity)
      case "-Infinity": return .double(-.infinity)
      default: if let value = Double(text) { return .double(value) }
      }
    case .bool:
      if text == "t" { return .bool(true) }
      if text == "f" { return .bool(false) }
    case .bytea:
      if let decoded = hexBytea(text) { return .bytes(decoded) }
    case .timestamptz, .timestamp, .date:
      if let micros = SQLTimestamp.parseMicrosecondsSinceReferenceDate(isoYears(text)) {
        return instant(microsecondsSinceReferenceDate: micros)
      }
    case .uuid:
      if let uuid = UUID(uuidString: text) { return .uuid(uuid) }
    case .numeric:
      return numericValue(text)
    case .array(let element):
      if let elements = textArrayElements(text, element: element) { return .array(elements) }
    default:
      break
    }
    return .text(text)
  }

  /// PostgreSQL's text for a year before 1 AD (`4713-11-24 00:00:00+00 BC`) with the
  /// ISO-8601 year instead (`-4712-11-24 00:00:00+00`: 1 BC is year 0); other text as is.
  static func isoYears(_ text: String) -> String {
    guard text.hasSuffix(" BC"), let dash = text.firstIndex(of: "-"),
          let year = Int64(text[..<dash]), year >= 1 else { return text }
    let iso = 1 - year
    let digits = String(abs(iso))
    let padded = (iso < 0 ? "-" : "") + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    return padded + text[dash...].dropLast(3)
  }

  /// An array's text form decoded element by element as `element`; nil when
  /// malformed (the caller keeps the text).
  static func textArrayElements(_ text: String, element: PostgresType) -> [SQLValue]? {
    func typed(_ value: SQLValue) -> SQLValue {
      switch value {
      case .text(let text): decodeText(text, type: element)
      case .array(let inner): .array(inner.map(typed))
      default: value
      }
    }
    return PostgresArrayLiteral.parse(text)?.map(typed)
  }

  @inline(__always)
  static func string(_ bytes: UnsafeRawPointer, _ length: Int) -> String {
    String(decoding: UnsafeRawBufferPointer(start: bytes, count: length), as: UTF8.self)
  }

  /// `.decimal` when `Decimal` holds the number exactly, else its text (NaN,
  /// infinities, more than 38 significant digits), which decodes as String only.
  static func numericValue(_ text: String) -> SQLValue {
    if let decimal = try? ExactDecimal.parse(text, found: .text(text)) { return .decimal(decimal) }
    return .text(text)
  }

  /// The text form of a binary `numeric`: int16 ndigits, int16 weight, uint16 sign,
  /// uint16 dscale, then ndigits base-10000 digits.
  static func binaryNumericText(_ bytes: UnsafeRawPointer, length: Int) -> String {
    guard length >= 8 else { return "NaN" }
    let ndigits = Int(Int16(bigEndian: bytes.loadUnaligned(as: Int16.self)))
    let weight = Int(Int16(bigEndian: bytes.loadUnaligned(fromByteOffset: 2, as: Int16.self)))
    let sign = UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt16.self))
    let dscale = Int(UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: 6, as: UInt16.self)))
    switch sign {
    case 0xC000: return "NaN"
    case 0xD000: return "Infinity"
    case 0xF000: return "-Infinity"
    default: break
    }
    guard length >= 8 + 2 * ndigits else { return "NaN" }
    func digit(_ index: Int) -> Int {
      guard index >= 0 && index < ndigits else { return 0 }
      return Int(Int16(bigEndian: bytes.loadUnaligned(fromByteOffset: 8 + 2 * index, as: Int16.self)))
    }
    func padded(_ value: Int) -> String {
      let s = String(value)
      return String(repeating: "0", count: 4 - s.count) + s
    }
    var text = sign == 0x4000 ? "-" : ""
    if weight < 0 {
      text += "0"
    } else {
      text += String(digit(0))
      if weight >= 1 { for index in 1...weight { text += padded(digit(index)) } }
    }
    if dscale > 0 {
      var fraction = ""
      var position = 1
      while fraction.count < dscale {
        fraction += padded(digit(weight + position))
        position += 1
      }
      text += "." + fraction.prefix(dscale)
    }
    return text
  }

  static func hexBytea(_ text: String) -> [UInt8]? {
    let utf8 = Array(text.utf8)
    guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x"), utf8.count % 2 == 0 else {
      return nil
    }
    func nibble(_ c: UInt8) -> UInt8? {
      switch c {
      case 48...57: c - 48
      case 97...102: c - 87
      case 65...70: c - 55
      default: nil
      }
    }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(utf8.count / 2 - 1)
    var index = 2
    while index < utf8.count {
      guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
      bytes.append(high << 4 | low)
      index += 2
    }
    return bytes
  }
}
