#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One SQL value as Wren moves it between Swift and a database.
///
/// Backends bind each case in their own representation (see
/// docs/values-and-types.md): on PostgreSQL `.timestamp` is a `timestamptz`, on SQLite it
/// is ISO-8601 text. Decoding accepts both forms, so the same Swift type reads back
/// from either backend.
///
/// ```swift
/// let v: SQLValue = 42.sqlValue      // .int(42)
/// ```
public enum SQLValue: Sendable, Hashable {
  /// SQL NULL.
  case null
  /// A boolean (`bool` on PostgreSQL, INTEGER 0/1 on SQLite).
  case bool(Bool)
  /// A 64-bit integer; narrower integer columns decode into it too.
  case int(Int64)
  /// A binary floating-point number.
  case double(Double)
  /// UTF-8 text.
  case text(String)
  /// Raw bytes (`bytea` / BLOB).
  case bytes([UInt8])
  /// A point in time, microsecond precision on both backends.
  case timestamp(Date)
  /// A UUID (`uuid` on PostgreSQL, canonical lowercase text on SQLite).
  case uuid(UUID)
  /// An exact decimal number (`numeric` on PostgreSQL, text on SQLite).
  case decimal(Decimal)
  /// A one-dimensional array of values (a PostgreSQL array such as `bigint[]`, JSON
  /// text on SQLite); elements may be NULL.
  case array([SQLValue])

  /// The kind of value, as named in error messages (never the value itself).
  public var kindName: String {
    switch self {
    case .null: "NULL"
    case .bool: "boolean"
    case .int: "integer"
    case .double: "double"
    case .text: "text"
    case .bytes: "bytes"
    case .timestamp: "timestamp"
    case .uuid: "uuid"
    case .decimal: "decimal"
    case .array: "array"
    }
  }

  /// Whether this is SQL NULL.
  @inlinable
  public var isNull: Bool {
    if case .null = self { return true }
    return false
  }
}

extension SQLValue: CustomStringConvertible {
  /// A readable rendering for logs and tests: text quoted, bytes in hex.
  public var description: String {
    switch self {
    case .null: return "NULL"
    case .bool(let b): return b ? "true" : "false"
    case .int(let i): return String(i)
    case .double(let d): return String(d)
    case .text(let s): return "'" + s.replacing("'", with: "''") + "'"
    case .bytes(let b): return "x'" + b.map { byteHex($0) }.joined() + "'"
    case .timestamp(let d): return "'" + SQLTimestamp.format(d) + "'"
    case .uuid(let u): return "'" + u.uuidString.lowercased() + "'"
    case .decimal(let d): return d.description
    case .array(let elements): return "[" + elements.map(\.description).joined(separator: ", ") + "]"
    }
  }
}

private func byteHex(_ byte: UInt8) -> String {
  let digits: [Character] = Array("0123456789abcdef")
  return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
}
