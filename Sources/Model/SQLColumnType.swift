/// The storage type of a column, as DDL declares it (see
/// docs/values-and-types.md). Each dialect spells it its own way.
public enum SQLColumnType: String, Sendable, Hashable, CaseIterable {
  /// 16-bit integer (`int2` / INTEGER).
  case int16
  /// 32-bit integer (`int4` / INTEGER).
  case int32
  /// 64-bit integer (`int8` / INTEGER).
  case int64
  /// 32-bit float (`float4` / REAL).
  case float
  /// 64-bit float (`float8` / REAL).
  case double
  /// Boolean (`bool` / INTEGER 0/1).
  case bool
  /// Text (`text` / TEXT).
  case text
  /// Bytes (`bytea` / BLOB).
  case bytes
  /// Point in time (`timestamptz` / ISO-8601 TEXT).
  case timestamp
  /// UUID (`uuid` / TEXT).
  case uuid
  /// Exact decimal (`numeric` / TEXT).
  case decimal
  /// JSON (`jsonb` / TEXT), for ``JSON`` values.
  case json
}

/// A type that can be stored in a column: it converts to and from ``SQLValue`` and
/// knows its column type. Optional makes a column nullable; RawRepresentable enums
/// take their raw value's type.
///
/// ```swift
/// enum Status: String, SQLColumnValue { case active, banned }
/// ```
public protocol SQLColumnValue: SQLValueConvertible {
  /// The column type DDL declares for this Swift type.
  static var sqlColumnType: SQLColumnType { get }
  /// Whether the column accepts NULL (true only for Optional).
  static var isSQLNullable: Bool { get }
}

extension SQLColumnValue {
  /// Non-optional types are NOT NULL.
  public static var isSQLNullable: Bool { false }
}

extension SQLColumnValue where Self: RawRepresentable, RawValue: SQLColumnValue {
  /// An enum is stored as its raw value.
  public static var sqlColumnType: SQLColumnType { RawValue.sqlColumnType }
}

extension Optional: SQLColumnValue where Wrapped: SQLColumnValue {
  /// The wrapped type's column type.
  public static var sqlColumnType: SQLColumnType { Wrapped.sqlColumnType }
  /// Optional columns accept NULL.
  public static var isSQLNullable: Bool { true }
}

extension Int: SQLColumnValue { /// `int64`.
  public static var sqlColumnType: SQLColumnType { .int64 } }
extension Int64: SQLColumnValue { /// `int64`.
  public static var sqlColumnType: SQLColumnType { .int64 } }
extension Int32: SQLColumnValue { /// `int32`.
  public static var sqlColumnType: SQLColumnType { .int32 } }
extension Int16: SQLColumnValue { /// `int16`.
  public static var sqlColumnType: SQLColumnType { .int16 } }
extension Double: SQLColumnValue { /// `double`.
  public static var sqlColumnType: SQLColumnType { .double } }
extension Float: SQLColumnValue { /// `float`.
  public static var sqlColumnType: SQLColumnType { .float } }
extension Bool: SQLColumnValue { /// `bool`.
  public static var sqlColumnType: SQLColumnType { .bool } }
extension String: SQLColumnValue { /// `text`.
  public static var sqlColumnType: SQLColumnType { .text } }
extension Array: SQLColumnValue where Element == UInt8 { /// `bytes`.
  public static var sqlColumnType: SQLColumnType { .bytes } }
