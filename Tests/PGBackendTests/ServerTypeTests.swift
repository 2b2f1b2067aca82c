import Foundation
import Model
import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// A server type of the user's: `inet` as a Swift type through its text form, which
/// is how Wren lets apps add codecs (asyncpg's `set_type_codec(format='text')`):
/// conform to `SQLValueConvertible` with `.text`; the server parses and prints it.
struct Inet: SQLValueConvertible, Equatable {
  var address: String
  var prefix: Int

  init(address: String, prefix: Int) {
    self.address = address
    self.prefix = prefix
  }

  var sqlValue: SQLValue { .text("\(address)/\(prefix)") }

  init(sqlValue: SQLValue) throws {
    guard case .text(let text) = sqlValue else { throw SQLValueConversionError.mismatch(Inet.self, sqlValue) }
    let parts = text.split(separator: "/")
    guard let address = parts.first else { throw SQLValueConversionError(.malformed, expected: Inet.self, found: sqlValue) }
    self.address = String(address)
    self.prefix = parts.count > 1 ? Int(parts[1]) ?? -1 : (address.contains(":") ? 128 : 32)
  }
}

enum Mood: String, SQLValueConvertible { case happy, sad, soSo = "so-so" }

/// Types beyond the built-in ones: enums, user codecs, arrays in text results.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason))
struct ServerTypeTests {
  @Test func aUserTypeRoundTripsThroughItsTextForm() async throws {
    try await PostgresTestServer.withConnection(schema: "types_user") { (conn) async throws in
      try await conn.execute("CREATE TABLE hosts (id int8 PRIMARY KEY, address inet NOT NULL, others inet[])")
      let home = Inet(address: "192.168.1.7", prefix: 24)
      try await conn.execute("INSERT INTO hosts VALUES (1, \(home), \([Inet(address: "::1", prefix: 128)].map(\.sqlValue)))")
      #expect(try await conn.fetchValue("SELECT address FROM hosts", as: Inet.self) == home)
      #expect(try await conn.fetchValue("SELECT masklen(address) FROM hosts", as: Int.self) == 24)
      // A value the server cannot parse is its error, not a crash.
      let error = await #expect(throws: DatabaseError.self) {
        try await conn.execute("INSERT INTO hosts VALUES (2, \(Inet(address: "not an address", prefix: 1)), NULL)")
      }
      #expect(error?.code == .invalidTextRepresentation)
    }
  }

  @Test func databaseEnumsMapToSwiftEnumsAndTheirArraysToo() async throws {
    try await PostgresTestServer.withConnection(schema: "types_enum") { (conn) async throws in
      try await conn.execute("CREATE TYPE mood AS ENUM ('happy', 'sad', 'so-so')")
      try await conn.execute("CREATE TABLE days (id int8 PRIMARY KEY, mood mood NOT NULL, moods mood[])")
      try await conn.execute("INSERT INTO days VALUES (1, \(Mood.soSo), ARRAY['happy', 'so-so']::mood[])")
      let row = try #require(try await conn.fetchOne("SELECT mood, moods, ARRAY[1, NULL, 3]::int8[] AS numbers, ARRAY['a,b', 'c\"d', NULL]::text[] AS texts FROM days"))
      #expect(try row["mood", as: Mood.self] == .soSo)
      // An enum column has no binary decoder, so the whole result comes back as text:
      // arrays are read from their text form.
      #expect(try row["moods", as: [String].self] == ["happy", "so-so"])
      #expect(try row["numbers", as: [Int64?].self] == [1, nil, 3])
      #expect(try row["texts", as: [String?].self] == ["a,b", "c\"d", nil])
      await #expect(throws: DatabaseError.self) { try await conn.execute("INSERT INTO days VALUES (2, \("grumpy"), NULL)") }
    }
  }

  @Test func multiDimensionalArraysDecodeAsNestedArrays() async throws {
    try await PostgresTestServer.withConnection(schema: "types_grid") { (conn) async throws in
      #expect(try await conn.fetchValue("SELECT ARRAY[[1, 2], [3, 4]]::int8[]", as: [[Int]].self) == [[1, 2], [3, 4]])
      #expect(try await conn.fetchValue("SELECT '{}'::int8[]", as: [Int].self) == [])
      #expect(try await conn.fetchValue("SELECT '[0:1]={7,8}'::int8[]", as: [Int].self) == [7, 8])
    }
  }
}
