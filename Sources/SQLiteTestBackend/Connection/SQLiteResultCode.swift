import CSQLite

/// SQLite's extended result codes that the error mapping distinguishes.
///
/// `sqlite3.h` defines them as expressions (`SQLITE_CONSTRAINT | (8<<8)`), which Swift
/// does not import, so their values are spelled out here. See
/// https://www.sqlite.org/rescode.html#extrc.
enum SQLiteResultCode {
  static let constraintCheck: Int32 = SQLITE_CONSTRAINT | (1 << 8)
  static let constraintForeignKey: Int32 = SQLITE_CONSTRAINT | (3 << 8)
  static let constraintNotNull: Int32 = SQLITE_CONSTRAINT | (5 << 8)
  static let constraintPrimaryKey: Int32 = SQLITE_CONSTRAINT | (6 << 8)
  static let constraintTrigger: Int32 = SQLITE_CONSTRAINT | (7 << 8)
  static let constraintUnique: Int32 = SQLITE_CONSTRAINT | (8 << 8)
  static let constraintDatatype: Int32 = SQLITE_CONSTRAINT | (12 << 8)

  /// The primary code of an extended one (its low byte).
  @inline(__always)
  static func primary(_ code: Int32) -> Int32 { code & 0xFF }
}
