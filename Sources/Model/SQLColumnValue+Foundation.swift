#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Data: SQLColumnValue {
  /// `bytes`.
  public static var sqlColumnType: SQLColumnType { .bytes }
}

extension Date: SQLColumnValue {
  /// `timestamp`.
  public static var sqlColumnType: SQLColumnType { .timestamp }
}

extension UUID: SQLColumnValue {
  /// `uuid`.
  public static var sqlColumnType: SQLColumnType { .uuid }
}

extension Decimal: SQLColumnValue {
  /// `decimal`.
  public static var sqlColumnType: SQLColumnType { .decimal }
}
