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
