/// The PostgreSQL types Wren encodes and decodes natively, by type OID
/// (see `pg_type`, https://www.postgresql.org/docs/current/catalog-pg-type.html).
/// Other types travel as text.
enum PostgresType: Sendable, Equatable {
  case bool, bytea, char, name, int8, int2, int4, text, oid, json, float4, float8
  case unknown, bpchar, varchar, date, timestamp, timestamptz, numeric, uuid, jsonb
  /// Any other type: values cross as text.
  case other(UInt32)

  init(oid: UInt32) {
    switch oid {
    case 16: self = .bool
    case 17: self = .bytea
    case 18: self = .char
    case 19: self = .name
    case 20: self = .int8
    case 21: self = .int2
    case 23: self = .int4
    case 25: self = .text
    case 26: self = .oid
    case 114: self = .json
    case 700: self = .float4
    case 701: self = .float8
    case 705: self = .unknown
    case 1042: self = .bpchar
    case 1043: self = .varchar
    case 1082: self = .date
    case 1114: self = .timestamp
    case 1184: self = .timestamptz
    case 1700: self = .numeric
    case 2950: self = .uuid
    case 3802: self = .jsonb
    default: self = .other(oid)
    }
  }

  /// The type's name as `pg_type.typname` spells it (for errors and `RowColumns`).
  var name: String {
    switch self {
    case .bool: "bool"
    case .bytea: "bytea"
    case .char: "char"
    case .name: "name"
    case .int8: "int8"
    case .int2: "int2"
    case .int4: "int4"
    case .text: "text"
    case .oid: "oid"
    case .json: "json"
    case .float4: "float4"
    case .float8: "float8"
    case .unknown: "unknown"
    case .bpchar: "bpchar"
    case .varchar: "varchar"
    case .date: "date"
    case .timestamp: "timestamp"
    case .timestamptz: "timestamptz"
    case .numeric: "numeric"
    case .uuid: "uuid"
    case .jsonb: "jsonb"
    case .other(let oid): "oid \(oid)"
    }
  }

  /// Whether Wren reads this type's binary format; a result with any other column
  /// is fetched in text format.
  var hasBinaryDecoder: Bool {
    if case .other = self { return false }
    return true
  }

  /// Whether values of this type are text to Swift.
  var isTextLike: Bool {
    switch self {
    case .text, .varchar, .bpchar, .name, .unknown, .char: true
    default: false
    }
  }
}
