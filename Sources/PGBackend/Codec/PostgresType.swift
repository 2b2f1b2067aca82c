/// The PostgreSQL types Wren encodes and decodes natively, by type OID
/// (see `pg_type`, https://www.postgresql.org/docs/current/catalog-pg-type.html).
/// Other types travel as text.
indirect enum PostgresType: Sendable, Equatable {
  case bool, bytea, char, name, int8, int2, int4, text, oid, json, float4, float8
  case unknown, bpchar, varchar, date, timestamp, timestamptz, numeric, uuid, jsonb
  /// A one-dimensional array of one of the types above (`int8[]`, `text[]`, ...):
  /// bound in binary from ``SQLValue/array(_:)``.
  case array(PostgresType)
  /// Any other type: values cross as text.
  case other(UInt32)

  /// The array types Wren binds, by array OID, with their element types.
  private static let arrayElements: [UInt32: PostgresType] = [
    1000: .bool, 1001: .bytea, 1002: .char, 1003: .name, 1016: .int8, 1005: .int2, 1007: .int4,
    1009: .text, 1028: .oid, 199: .json, 1021: .float4, 1022: .float8, 1014: .bpchar,
    1015: .varchar, 1182: .date, 1115: .timestamp, 1185: .timestamptz, 1231: .numeric,
    2951: .uuid, 3807: .jsonb,
  ]

  init(oid: UInt32) {
    if let element = Self.arrayElements[oid] {
      self = .array(element)
      return
    }
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
    case .array(let element): element.name + "[]"
    case .other(let oid): "oid \(oid)"
    }
  }

  /// The type's OID (`pg_type.oid`).
  var oid: UInt32 {
    switch self {
    case .bool: 16
    case .bytea: 17
    case .char: 18
    case .name: 19
    case .int8: 20
    case .int2: 21
    case .int4: 23
    case .text: 25
    case .oid: 26
    case .json: 114
    case .float4: 700
    case .float8: 701
    case .unknown: 705
    case .bpchar: 1042
    case .varchar: 1043
    case .date: 1082
    case .timestamp: 1114
    case .timestamptz: 1184
    case .numeric: 1700
    case .uuid: 2950
    case .jsonb: 3802
    case .array(let element): Self.arrayElements.first { $0.value == element }?.key ?? 0
    case .other(let oid): oid
    }
  }

  /// Whether Wren reads this type's binary format; a result with any other column
  /// is fetched in text format.
  var hasBinaryDecoder: Bool {
    switch self {
    case .other: false
    case .array(let element): element.hasBinaryDecoder
    default: true
    }
  }

  /// Whether values of this type are text to Swift.
  var isTextLike: Bool {
    switch self {
    case .text, .varchar, .bpchar, .name, .unknown, .char: true
    default: false
    }
  }
}
