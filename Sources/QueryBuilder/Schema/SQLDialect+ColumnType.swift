import Model

extension SQLDialect {
  /// How DDL spells a column's storage type in this dialect (see
  /// docs/values-and-types.md).
  ///
  /// ```swift
  /// SQLDialect.postgres.columnType(.timestamp)   // timestamptz
  /// SQLDialect.sqlite.columnType(.timestamp)     // TEXT
  /// ```
  ///
  /// SQLite spells only the four storage classes it has, so the declared type gives
  /// each column the affinity Wren's values are stored with: integers and booleans
  /// INTEGER, floats REAL, bytes BLOB, and timestamps, UUIDs and decimals TEXT (ISO-8601,
  /// lowercase canonical and exact text). See
  /// https://www.postgresql.org/docs/current/datatype.html and
  /// https://www.sqlite.org/datatype3.html.
  public func columnType(_ type: SQLColumnType) -> String {
    switch self {
    case .postgres:
      switch type {
      case .int16: "smallint"
      case .int32: "integer"
      case .int64: "bigint"
      case .float: "real"
      case .double: "double precision"
      case .bool: "boolean"
      case .text: "text"
      case .bytes: "bytea"
      case .timestamp: "timestamptz"
      case .uuid: "uuid"
      case .decimal: "numeric"
      case .json: "jsonb"
      }
    case .sqlite:
      switch type {
      case .int16, .int32, .int64, .bool: "INTEGER"
      case .float, .double: "REAL"
      case .text, .timestamp, .uuid, .json: "TEXT"
      // Compared by value, not as text: the SQLite backend registers WREN_DECIMAL.
      case .decimal: "TEXT COLLATE WREN_DECIMAL"
      case .bytes: "BLOB"
      }
    }
  }
}

extension SQLColumnType {
  /// Whether this is one of the integer types (the only ones a generated key can have).
  var isInteger: Bool {
    switch self {
    case .int16, .int32, .int64: true
    case .float, .double, .bool, .text, .bytes, .timestamp, .uuid, .decimal, .json: false
    }
  }
}
