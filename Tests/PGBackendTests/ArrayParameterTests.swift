import Foundation
import Model
import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// `SQLValue.array` binds as a binary PostgreSQL array of the element type the
/// server infers; numeric parameters go in numeric's binary format.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason))
struct ArrayParameterTests {
  private func array(_ values: [SQLValue]) -> SQL {
    SQL(segments: [.bind(.array(values))])
  }

  @Test func arraysOfEachScalarTypeReachTheServerExactly() async throws {
    let options = PostgresConnectionOptions(serverSettings: ["timezone": "UTC"])
    try await PostgresTestServer.withConnection(schema: "arrays_exact", options: options) { conn in
      let uuid = UUID(uuidString: "6BA7B810-9DAD-11D1-80B4-00C04FD430C8")!
      let cases: [(SQLValue, String, String)] = [
        (.array([.int(1), .null, .int(Int64.min)]), "int8[]", "{1,NULL,-9223372036854775808}"),
        (.array([.int(32767), .int(-32768)]), "int2[]", "{32767,-32768}"),
        (.array([.int(Int64(Int32.max))]), "int4[]", "{2147483647}"),
        (.array([.double(0.1), .double(-0.0), .double(.infinity)]), "float8[]", "{0.1,-0,Infinity}"),
        (.array([.bool(true), .bool(false), .null]), "bool[]", "{t,f,NULL}"),
        (.array([.text("a,b"), .text("quote\"back\\slash"), .text(""), .text("NULL"), .null]), "text[]",
         #"{"a,b","quote\"back\\slash","","NULL",NULL}"#),
        (.array([.bytes([0, 255])]), "bytea[]", #"{"\\x00ff"}"#),
        (.array([.timestamp(Date(timeIntervalSince1970: 1.5))]), "timestamptz[]", #"{"1970-01-01 00:00:01.5+00"}"#),
        (.array([.uuid(uuid)]), "uuid[]", "{6ba7b810-9dad-11d1-80b4-00c04fd430c8}"),
        (.array([.decimal(Decimal(string: "-12.50")!), .int(7), .double(1e-05)]), "numeric[]", "{-12.5,7,0.00001}"),
        (.array([]), "int8[]", "{}"),
      ]
      for (value, type, expected) in cases {
        let text = try await conn.fetchValue("SELECT (" + SQL(segments: [.bind(value)]) + "::\(unsafeRaw: type))::text",
                                             as: String.self)
        #expect(text == expected, "\(type)")
      }
    }
  }

  @Test func numericKeepsTrailingZerosExponentsAndSpecialValues() async throws {
    try await PostgresTestServer.withConnection(schema: "arrays_numeric") { conn in
      let cases: [(SQLValue, String)] = [
        (.decimal(Decimal(string: "12.50")!), "12.5"),  // Decimal itself drops the trailing zero
        (.text("12.50"), "12.50"),
        (.double(1e-05), "0.00001"),
        (.double(1.5e20), "150000000000000000000"),
        (.int(-10000), "-10000"),
        (.int(0), "0"),
        (.double(.nan), "NaN"),
        (.double(-.infinity), "-Infinity"),
        (.decimal(Decimal(string: "0.0001")!), "0.0001"),
        (.decimal(Decimal(string: "10000.0001")!), "10000.0001"),
      ]
      for (value, expected) in cases {
        let text = try await conn.fetchValue("SELECT (" + SQL(segments: [.bind(value)]) + "::numeric)::text",
                                             as: String.self)
        #expect(text == expected, "\(value)")
      }
    }
  }

  @Test func anElementOfTheWrongKindIsADatatypeMismatchNamingTheElement() async throws {
    try await PostgresTestServer.withConnection(schema: "arrays_mismatch") { conn in
      let error = try await #require(throws: DatabaseError.self) {
        try await conn.fetchAll("SELECT " + self.array([.int(1), .bool(true)]) + "::int8[]")
      }
      #expect(error.code == .datatypeMismatch)
      #expect(error.message.contains("element 2 of parameter $1 is int8"))
      #expect(try await conn.fetchValue("SELECT 1", as: Int.self) == 1)
    }
  }

  @Test func anElementOutOfRangeIsNumericValueOutOfRange() async throws {
    try await PostgresTestServer.withConnection(schema: "arrays_range") { conn in
      let error = try await #require(throws: DatabaseError.self) {
        try await conn.fetchAll("SELECT " + self.array([.int(Int64(Int32.max) + 1)]) + "::int4[]")
      }
      #expect(error.code == .numericValueOutOfRange)
      #expect(error.message.contains("element 1 of parameter $1"))
    }
  }

  @Test func textWithNULInAnArrayIsRejectedBeforeSending() async throws {
    try await PostgresTestServer.withConnection(schema: "arrays_nul") { conn in
      let error = try await #require(throws: DatabaseError.self) {
        try await conn.fetchAll("SELECT " + self.array([.text("ok"), .text("a\u{0}b")]) + "::text[]")
      }
      #expect(error.code == .characterNotInRepertoire)
    }
  }

  @Test func nestedArraysAreDimensionsAndMustBeRectangular() async throws {
    try await PostgresTestServer.withConnection(schema: "arrays_nested") { conn in
      let grid: [SQLValue] = [.array([.int(1), .int(2)]), .array([.int(3), .null])]
      #expect(try await conn.fetchValue("SELECT array_dims(" + self.array(grid) + "::int8[])", as: String.self) == "[1:2][1:2]")
      #expect(try await conn.fetchOne("SELECT " + self.array(grid) + "::int8[]")?[0] == .array(grid))
      let error = try await #require(throws: DatabaseError.self) {
        try await conn.fetchAll("SELECT " + self.array([.array([.int(1)]), .array([.int(2), .int(3)])]) + "::int8[]")
      }
      #expect(error.code == .datatypeMismatch)
    }
  }

  @Test func unnestOfArrayParametersInsertsRowsWithNulls() async throws {
    try await PostgresTestServer.withConnection(schema: "arrays_unnest") { conn in
      try await conn.execute("CREATE TABLE t (id int8 PRIMARY KEY, name text, score numeric)")
      let ids = SQLValue.array((1...1000).map { .int(Int64($0)) })
      let names = SQLValue.array((1...1000).map { $0 % 3 == 0 ? .null : .text("n\($0)") })
      let scores = SQLValue.array((1...1000).map { .decimal(Decimal($0) / 4) })
      let inserted = try await conn.execute(
        "INSERT INTO t (id, name, score) SELECT * FROM unnest(" + SQL(segments: [.bind(ids)])
          + "::int8[], " + SQL(segments: [.bind(names)]) + "::text[], " + SQL(segments: [.bind(scores)]) + "::numeric[])")
      #expect(inserted == 1000)
      let row = try #require(try await conn.fetchOne(
        "SELECT count(*) AS n, count(name) AS named, sum(score)::text AS total FROM t"))
      #expect(try row["n", as: Int.self] == 1000)
      #expect(try row["named", as: Int.self] == 667)
      #expect(try row["total", as: String.self] == "125125.00")
    }
  }
}
