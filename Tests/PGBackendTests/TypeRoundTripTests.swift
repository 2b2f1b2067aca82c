#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// Every Swift type Wren supports goes into a column of its PostgreSQL type and through
/// `SELECT $1::type`, and comes back exactly: same bits, same bytes, same instant.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason), .timeLimit(.minutes(1)))
struct TypeRoundTripTests {
  enum Mood: String, SQLValueConvertible { case happy, sad = "so sad 😢" }
  enum Priority: Int, SQLValueConvertible { case low = -1, normal = 0, urgent = 9_000_000_000 }

  static let cases: [TypeCase] = [
    TypeCase("int64", "int8", [Int64.min, -1, 0, 1, Int64.max]),
    TypeCase("int", "int8", [Int.min, -42, 0, Int.max]),
    TypeCase("int32", "int4", [Int32.min, -1, 0, Int32.max]),
    TypeCase("int16", "int2", [Int16.min, -1, 0, Int16.max]),
    TypeCase("double", "float8",
             [0.1, -0.0, 0.0, 1.0 / 3.0, .infinity, -.infinity, .nan, .greatestFiniteMagnitude,
              -.greatestFiniteMagnitude, .leastNonzeroMagnitude, .leastNormalMagnitude],
             same: sameBits),
    TypeCase("float", "float4",
             [Float(0.1), -0.0, 1.0 / 3.0, .infinity, -.infinity, .nan, .greatestFiniteMagnitude,
              .leastNonzeroMagnitude],
             same: sameBits),
    TypeCase("bool", "bool", [true, false]),
    TypeCase("string", "text",
             ["", "plain ascii", "héllo wörld", "👩‍👩‍👧‍👦🇯🇵", "e\u{301} vs \u{e9}", "a\u{300}\u{301}\u{302}",
              #"quotes ' '' " and \ backslashes \\ $1 %s ; -- /*"#, "\t\n\r\u{7f}",
              String(repeating: "ünïcødé 😀 0123456789", count: 38_000)],  // ~1 MB
             same: { $0.utf8.elementsEqual($1.utf8) }),  // byte-exact, not just canonically equal
    TypeCase("bytes", "bytea", [[], Array(0...255), [0x41, 0, 0, 0x42, 0], [0]] as [[UInt8]]),
    TypeCase("data", "bytea", [Data(), Data(0...255), Data([0x41, 0, 0x42])]),
    TypeCase("date", "timestamptz",
             [0, 1.5, 123_456_789.123456, -1.000001,
              -992_490_140.123456,          // 1969-07-20, before 1970
              -978_307_200.000001,          // the last microsecond before 1970
              -63_113_904_000,              // 0001-01-01T00:00:00Z
              -63_113_903_999.5,            // year 1 with a fraction
              252_423_993_599.5]            // 9999-12-31T23:59:59.5Z
               .map { Date(timeIntervalSinceReferenceDate: $0) }),
    TypeCase("uuid", "uuid",
             [UUID(), UUID(uuidString: "00000000-0000-0000-0000-000000000000")!,
              UUID(uuidString: "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF")!]),
    TypeCase("decimal", "numeric",
             ["123456789012345678901234567890.12345678", "-123456789012345678901234567890.12345678",
              "0", "-98765.4321", "0.00000000000000000001", "100000000000000000000"]
               .map { Decimal(string: $0)! }),
    TypeCase("string_enum", "text", [Mood.happy, .sad]),
    TypeCase("int_enum", "int8", [Priority.low, .normal, .urgent]),
  ]

  @Test(arguments: cases)
  func valueRoundTripsThroughAColumnAndACastAndNilIsNull(_ typeCase: TypeCase) async throws {
    try await PostgresTestServer.withConnection(schema: "types_\(typeCase.id)") { conn in
      try await typeCase.check(conn)
    }
  }

  /// The round trip alone could hide a symmetric encoding bug; the server's own text
  /// rendering shows it received exactly these values.
  @Test func serverSeesExactlyTheBoundValues() async throws {
    let options = PostgresConnectionOptions(serverSettings: ["timezone": "UTC"])
    try await PostgresTestServer.withConnection(schema: "types_server_view", options: options) { conn in
      let uuid = UUID(uuidString: "6BA7B810-9DAD-11D1-80B4-00C04FD430C8")!
      let expectations: [(SQL, String)] = [
        ("SELECT (\(Int64.min)::int8)::text", "-9223372036854775808"),
        ("SELECT (\(Int32.max)::int4)::text", "2147483647"),
        ("SELECT (\(0.1)::float8)::text", "0.1"),
        ("SELECT (\(-0.0)::float8)::text", "-0"),
        ("SELECT (\(Float(0.1))::float4)::text", "0.1"),
        ("SELECT (\(Date(timeIntervalSinceReferenceDate: -63_113_904_000))::timestamptz)::text", "0001-01-01 00:00:00+00"),
        ("SELECT (\(Date(timeIntervalSince1970: -0.000001))::timestamptz)::text", "1969-12-31 23:59:59.999999+00"),
        ("SELECT (\(Date(timeIntervalSinceReferenceDate: 123_456_789.123456))::timestamptz)::text", "2004-11-29 21:33:09.123456+00"),
        ("SELECT (\(Date(timeIntervalSinceReferenceDate: 252_423_993_599.5))::timestamptz)::text", "9999-12-31 23:59:59.5+00"),
        ("SELECT (\(Decimal(string: "123456789012345678901234567890.12345678")!)::numeric)::text",
         "123456789012345678901234567890.12345678"),
        ("SELECT (\(Decimal(string: "0.00000000000000000001")!)::numeric)::text", "0.00000000000000000001"),
        ("SELECT (\(uuid)::uuid)::text", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
        ("SELECT encode(\([UInt8]([0, 1, 0xfe, 0xff, 0]))::bytea, 'hex')", "0001feff00"),
        ("SELECT length(\("e\u{301}👩‍👩‍👧‍👦")::text)::text", "9"),  // code points as sent, not normalised
      ]
      for (sql, expected) in expectations {
        let text = try await conn.fetchValue(sql, as: String.self)
        #expect(text == expected, "\(sql)")
      }
    }
  }

  @Test func narrowerIntegerColumnsReadIntoWiderSwiftIntegers() async throws {
    try await PostgresTestServer.withConnection(schema: "types_narrow_columns") { conn in
      try await conn.execute("CREATE TABLE t (a int4, b int2, c int8)")
      try await conn.execute("INSERT INTO t VALUES (\(Int32.min), \(Int16.max), \(Int64(1) << 40))")
      let row = try #require(try await conn.fetchOne("SELECT a, b, c FROM t"))
      #expect(try row["a", as: Int64.self] == Int64(Int32.min))
      #expect(try row["a", as: Int.self] == Int(Int32.min))
      #expect(try row["b", as: Int64.self] == Int64(Int16.max))
      #expect(try row["b", as: Int.self] == Int(Int16.max))
      #expect(try row["b", as: Int32.self] == Int32(Int16.max))
      // Narrowing is range-checked, never truncated.
      let error = try #require(throws: RowDecodingError.self) { try row["c", as: Int32.self] }
      #expect(error.column == "c")
      #expect(error.reason == .outOfRange)
    }
  }

  @Test func numericBeyondDecimalIsADecodingErrorNotARoundedValue() async throws {
    try await PostgresTestServer.withConnection(schema: "types_numeric_overflow") { conn in
      let digits = "1234567890123456789012345678901234567890.123"  // 43 significant digits
      let row = try #require(try await conn.fetchOne(
        "SELECT \(unsafeRaw: "'\(digits)'")::numeric AS big, 'NaN'::numeric AS nan"))
      let big = try #require(throws: RowDecodingError.self) { try row["big", as: Decimal.self] }
      #expect(big.column == "big")
      #expect(big.reason == .outOfRange)
      #expect(try row["big", as: String.self] == digits)  // still readable, exactly, as text
      let nan = try #require(throws: RowDecodingError.self) { try row["nan", as: Decimal.self] }
      #expect(nan.column == "nan")
    }
  }

  @Test func dateAtMidnightUTCGoesIntoADateParameter() async throws {
    try await PostgresTestServer.withConnection(schema: "types_date_param") { conn in
      let midnight = Date(timeIntervalSinceReferenceDate: 86_400 * 9_000)  // 2025-08-23
      let row = try #require(try await conn.fetchOne("SELECT \(midnight)::date AS d, (\(midnight)::date)::text AS t"))
      #expect(try row["d", as: Date.self] == midnight)
      #expect(try row["t", as: String.self] == "2025-08-23")
    }
  }
}

/// One row of the round-trip table: a Swift type, its PostgreSQL type and values.
struct TypeCase: Sendable, CustomTestStringConvertible {
  let id: String
  let pgType: String
  let check: @Sendable (PostgresConnection) async throws -> Void

  var testDescription: String { "\(id) as \(pgType)" }

  init<T: SQLValueConvertible & Equatable>(_ id: String, _ pgType: String, _ values: [T],
                                           sourceLocation: SourceLocation = #_sourceLocation) {
    self.init(id, pgType, values, same: { $0 == $1 }, sourceLocation: sourceLocation)
  }

  init<T: SQLValueConvertible>(_ id: String, _ pgType: String, _ values: [T],
                               same: @escaping @Sendable (T, T) -> Bool,
                               sourceLocation: SourceLocation = #_sourceLocation) {
    self.id = id
    self.pgType = pgType
    self.check = { conn in
      let type = SQL(unsafeRaw: pgType)
      try await conn.execute("CREATE TABLE t (id int4 PRIMARY KEY, v \(type) NOT NULL, n \(type))")
      for (index, value) in values.enumerated() {
        try await conn.execute("INSERT INTO t (id, v, n) VALUES (\(Int32(index)), \(value), \(nil as T?))")
      }
      let rows = try await conn.fetchAll("SELECT v, n FROM t ORDER BY id")
      try #require(rows.count == values.count, sourceLocation: sourceLocation)
      for (value, row) in zip(values, rows) {
        let stored = try row["v", as: T.self]
        #expect(same(stored, value), "column: sent \(brief(value)), read \(brief(stored))", sourceLocation: sourceLocation)
        #expect(try row["n", as: T?.self] == nil, sourceLocation: sourceLocation)

        let cast = try #require(try await conn.fetchOne("SELECT \(value)::\(type) AS v"), sourceLocation: sourceLocation)
        #expect(cast.columns.typeNames == [pgType], sourceLocation: sourceLocation)
        let selected = try cast["v", as: T.self]
        #expect(same(selected, value), "cast: sent \(brief(value)), read \(brief(selected))", sourceLocation: sourceLocation)
      }
      let null = try #require(try await conn.fetchOne("SELECT \(nil as T?)::\(type) AS v"), sourceLocation: sourceLocation)
      #expect(null[0] == .null, sourceLocation: sourceLocation)
      #expect(try null["v", as: T?.self] == nil, sourceLocation: sourceLocation)
    }
  }
}

/// Floating-point equality that tells -0.0 from 0.0 and takes any NaN as a NaN.
private func sameBits<F: BinaryFloatingPoint>(_ a: F, _ b: F) -> Bool {
  a.isNaN ? b.isNaN : (a == b && a.sign == b.sign)
}

/// A value's description, cut short for failure messages (one value is 1 MB).
private func brief(_ value: some Sendable) -> String {
  let text = String(describing: value)
  return text.count > 80 ? text.prefix(80) + "… (\(text.utf8.count) bytes)" : text
}
