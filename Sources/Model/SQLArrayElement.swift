#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A type whose Swift arrays are SQL arrays: `[Int64]`, `[String?]`, `[UUID]`,
/// `[[Int]]` bind and decode as PostgreSQL arrays (`int8[]`, `text[]`, ..., NULL
/// elements included) and as JSON text on SQLite (see
/// docs/values-and-types.md). `[UInt8]` is the exception: bytes (`bytea` / BLOB).
///
/// ```swift
/// let tags: [String] = ["a", "b"]
/// try await db.execute("UPDATE posts SET tags = \(tags) WHERE id = \(id)")
/// let read: [String]? = try await db.fetchValue("SELECT tags FROM posts WHERE id = \(id)")
/// ```
public protocol SQLArrayElement: SQLValueConvertible {
  /// The SQL value of an array of these; by default `.array` of the elements' values.
  static func sqlValue(ofArray elements: [Self]) -> SQLValue

  /// Reads an array of these; by default from `.array` (PostgreSQL) or the JSON text
  /// SQLite stores, each element decoded as `Self`.
  /// - Throws: ``SQLValueConversionError`` for another kind of value, malformed
  ///   JSON, or an element that is not a `Self`.
  static func array(from value: SQLValue) throws -> [Self]
}

extension SQLArrayElement {
  /// `.array` of the elements' values.
  public static func sqlValue(ofArray elements: [Self]) -> SQLValue { .array(elements.map(\.sqlValue)) }

  /// From `.array`, or from a JSON array in text.
  public static func array(from value: SQLValue) throws -> [Self] {
    let elements: [SQLValue]
    switch value {
    case .array(let values): elements = values
    case .text(let text):
      // JSON (SQLite), or PostgreSQL's `{...}` (maybe after `[1:2]=`) for arrays of
      // types it sends as text.
      if !text.hasPrefix("{"), let json = SQLArrayJSON.parse(text) {
        elements = try json.map { try Self.fromJSON($0) }
      } else if let literal = PostgresArrayLiteral.parse(text) {
        elements = literal
      } else {
        throw SQLValueConversionError(.malformed, expected: [Self].self, found: value)
      }
    default: throw SQLValueConversionError.mismatch([Self].self, value)
    }
    return try elements.map(Self.init(sqlValue:))
  }

  /// A JSON array's element as this type reads it: bytes sit in JSON as base64
  /// strings (``SQLValue/jsonText()``), so byte elements are decoded back; a plain
  /// TEXT value is never taken for bytes.
  private static func fromJSON(_ element: SQLValue) throws -> SQLValue {
    guard Self.self == [UInt8].self || Self.self == Data.self || Self.self == [UInt8]?.self || Self.self == Data?.self,
          case .text(let base64) = element else { return element }
    guard let data = Data(base64Encoded: base64) else {
      throw SQLValueConversionError(.malformed, expected: Self.self, found: element)
    }
    return .bytes([UInt8](data))
  }
}

extension Array: SQLValueConvertible where Element: SQLArrayElement {
  /// The array as its element type spells it (`.array`, or `.bytes` for `[UInt8]`).
  @inlinable public var sqlValue: SQLValue { Element.sqlValue(ofArray: self) }
  /// Reads an array of `Element`.
  @inlinable public init(sqlValue: SQLValue) throws { self = try Element.array(from: sqlValue) }
}

extension UInt8: SQLValueConvertible {
  /// The value as `.int`.
  @inlinable public var sqlValue: SQLValue { .int(Int64(self)) }
  /// Reads an integer that fits in `UInt8`.
  @inlinable public init(sqlValue: SQLValue) throws { self = try narrowInteger(sqlValue, as: UInt8.self) }
}

extension UInt8: SQLArrayElement {
  /// Bytes: `.bytes`.
  public static func sqlValue(ofArray elements: [UInt8]) -> SQLValue { .bytes(elements) }

  /// Reads `.bytes` only: text is never taken for bytes.
  public static func array(from value: SQLValue) throws -> [UInt8] {
    guard case .bytes(let bytes) = value else { throw SQLValueConversionError.mismatch([UInt8].self, value) }
    return bytes
  }
}

extension Int: SQLArrayElement {}
extension Int64: SQLArrayElement {}
extension Int32: SQLArrayElement {}
extension Int16: SQLArrayElement {}
extension Double: SQLArrayElement {}
extension Float: SQLArrayElement {}
extension Bool: SQLArrayElement {}
extension String: SQLArrayElement {}
extension UUID: SQLArrayElement {}
extension Date: SQLArrayElement {}
extension Decimal: SQLArrayElement {}
extension Data: SQLArrayElement {}
extension Optional: SQLArrayElement where Wrapped: SQLArrayElement {}
extension Array: SQLArrayElement where Element: SQLArrayElement {}
extension SQLValue: SQLArrayElement {}

/// Reads the JSON arrays `SQLValue.jsonText()` writes (what SQLite stores for an
/// array): null, booleans, integers (as `.int`), other numbers (as `.double`),
/// strings and nested arrays. Anything else, objects included, is nil.
enum SQLArrayJSON {
  static func parse(_ text: String) -> [SQLValue]? {
    var parser = Parser(bytes: Array(text.utf8))
    parser.skipBlanks()
    guard case .array(let elements)? = parser.value() else { return nil }
    parser.skipBlanks()
    return parser.index == parser.bytes.count ? elements : nil
  }

  private struct Parser {
    let bytes: [UInt8]
    var index = 0

    mutating func skipBlanks() {
      while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }

    mutating func value() -> SQLValue? {
      skipBlanks()
      guard index < bytes.count else { return nil }
      switch bytes[index] {
      case UInt8(ascii: "["): return array()
      case UInt8(ascii: "\""): return string().map(SQLValue.text)
      case UInt8(ascii: "n"): return literal("null", .null)
      case UInt8(ascii: "t"): return literal("true", .bool(true))
      case UInt8(ascii: "f"): return literal("false", .bool(false))
      default: return number()
      }
    }

    private mutating func literal(_ word: String, _ value: SQLValue) -> SQLValue? {
      let word = Array(word.utf8)
      guard index + word.count <= bytes.count, bytes[index..<(index + word.count)].elementsEqual(word) else { return nil }
      index += word.count
      return value
    }

    private mutating func array() -> SQLValue? {
      index += 1
      var elements: [SQLValue] = []
      skipBlanks()
      if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
        index += 1
        return .array(elements)
      }
      while true {
        guard let element = value() else { return nil }
        elements.append(element)
        skipBlanks()
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "]") {
          index += 1
          return .array(elements)
        }
        guard bytes[index] == UInt8(ascii: ",") else { return nil }
        index += 1
      }
    }

    private mutating func string() -> String? {
      index += 1
      var scalars = String.UnicodeScalarView()
      var start = index
      func flush(_ end: Int) { scalars.append(contentsOf: String(decoding: bytes[start..<end], as: UTF8.self).unicodeScalars) }
      while index < bytes.count {
        let byte = bytes[index]
        if byte == UInt8(ascii: "\"") {
          flush(index)
          index += 1
          return String(scalars)
        }
        guard byte == UInt8(ascii: "\\") else {
          index += 1
          continue
        }
        flush(index)
        guard index + 1 < bytes.count else { return nil }
        let escaped = bytes[index + 1]
        index += 2
        switch escaped {
        case UInt8(ascii: "\""): scalars.append("\"")
        case UInt8(ascii: "\\"): scalars.append("\\")
        case UInt8(ascii: "/"): scalars.append("/")
        case UInt8(ascii: "b"): scalars.append("\u{08}")
        case UInt8(ascii: "f"): scalars.append("\u{0C}")
        case UInt8(ascii: "n"): scalars.append("\n")
        case UInt8(ascii: "r"): scalars.append("\r")
        case UInt8(ascii: "t"): scalars.append("\t")
        case UInt8(ascii: "u"):
          guard var code = hex4() else { return nil }
          if (0xD800..<0xDC00).contains(code) {  // a surrogate pair
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { return nil }
            index += 2
            guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          }
          guard let scalar = Unicode.Scalar(code) else { return nil }
          scalars.append(scalar)
        default: return nil
        }
        start = index
      }
      return nil
    }

    private mutating func hex4() -> UInt32? {
      guard index + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16) else {
        return nil
      }
      index += 4
      return code
    }

    private mutating func number() -> SQLValue? {
      let start = index
      var integral = true
      while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) {
        if !"+-0123456789".utf8.contains(bytes[index]) || (bytes[index] == UInt8(ascii: "+")) { integral = false }
        index += 1
      }
      let text = String(decoding: bytes[start..<index], as: UTF8.self)
      if integral, let integer = Int64(text) { return .int(integer) }
      return Double(text).map(SQLValue.double)
    }
  }
}

/// PostgreSQL's text form of an array, `{1,NULL,"a \"b\""}` (nested braces for several
/// dimensions, an optional `[1:2]=` bounds prefix): its elements as `.text`, `.null`
/// and nested `.array`. What arrays of server types without a binary form (enums,
/// `inet`, ...) arrive as; each element is then read from its text.
///
/// Reading it lives here because ``SQLArrayElement/array(from:)`` reads such text;
/// PGBackend reads it too and writes it (`PostgresArrayLiteral.format`).
package enum PostgresArrayLiteral {
  /// The elements, or nil when `text` is not an array literal.
  package static func parse(_ text: String) -> [SQLValue]? {
    let bytes = Array(text.utf8)
    var index = 0
    if bytes.first == UInt8(ascii: "[") {  // explicit bounds: the array starts after "="
      guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else { return nil }
      index = equals + 1
    }
    guard let elements = parseArray(bytes, &index), index == bytes.count else { return nil }
    return elements
  }

  private static func parseArray(_ bytes: [UInt8], _ index: inout Int) -> [SQLValue]? {
    guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
    index += 1
    var elements: [SQLValue] = []
    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
      index += 1
      return elements
    }
    while index < bytes.count {
      switch bytes[index] {
      case UInt8(ascii: "{"):
        guard let inner = parseArray(bytes, &index) else { return nil }
        elements.append(.array(inner))
      case UInt8(ascii: "\""):
        index += 1
        var unescaped: [UInt8] = []
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
          if bytes[index] == UInt8(ascii: "\\") { index += 1 }
          guard index < bytes.count else { return nil }
          unescaped.append(bytes[index])
          index += 1
        }
        guard index < bytes.count else { return nil }
        index += 1
        elements.append(.text(String(decoding: unescaped, as: UTF8.self)))
      default:
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: ","), bytes[index] != UInt8(ascii: "}") { index += 1 }
        let token = String(decoding: bytes[start..<index], as: UTF8.self)
        elements.append(token == "NULL" ? .null : .text(token))
      }
      guard index < bytes.count else { return nil }
      if bytes[index] == UInt8(ascii: "}") {
        index += 1
        return elements
      }
      guard bytes[index] == UInt8(ascii: ",") else { return nil }
      index += 1
    }
    return nil
  }
}
