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
