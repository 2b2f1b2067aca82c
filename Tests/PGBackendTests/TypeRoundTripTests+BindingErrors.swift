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

/// Values that cannot go where they are bound are clear errors: never truncated,
/// rounded or silently converted.
extension TypeRoundTripTests {
  @Test func textWithANULByteIsRejectedBeforeItIsSent() async throws {
    try await PostgresTestServer.withConnection(schema: "types_nul_text") { conn in
      try await conn.execute("CREATE TABLE t (s text, i int8)")
      // Into a text column, and into an int8 column where the text would go as a C string
      // and be cut at the NUL ("12\0 34" would silently store 12).
      let statements: [SQL] = [
        "INSERT INTO t (s) VALUES (\("before\u{0}after"))",
        "INSERT INTO t (i) VALUES (\("12\u{0}34"))",
      ]
      for sql in statements {
        let error = try await #require(throws: DatabaseError.self) { try await conn.execute(sql) }
        #expect(error.code == .characterNotInRepertoire)
        #expect(error.sqlState == "22021")
        #expect(error.message == "parameter $1 contains a NUL byte, which PostgreSQL text cannot store")
        #expect(error.sql == sql.render(.postgres).text)
        #expect(!error.isConnectionFatal)
      }
      #expect(try await conn.fetchValue("SELECT count(*) FROM t", as: Int.self) == 0)
      #expect(try await conn.fetchValue("SELECT \("still usable")::text", as: String.self) == "still usable")
    }
  }

  @Test func int64BeyondInt32IntoAnInt4ColumnIsOutOfRange() async throws {
    try await PostgresTestServer.withConnection(schema: "types_int4_range") { conn in
      try await conn.execute("CREATE TABLE t (i int4)")
      for tooBig in [Int64(Int32.max) + 1, Int64(Int32.min) - 1, .max] {
        let error = try await #require(throws: DatabaseError.self) {
          try await conn.execute("INSERT INTO t VALUES (\(tooBig))")
        }
        #expect(error.code == .numericValueOutOfRange)
        #expect(error.sqlState == "22003")
        #expect(!error.description.contains(String(tooBig)))
      }
      try await conn.execute("INSERT INTO t VALUES (\(Int64(Int32.max)))")
      #expect(try await conn.fetchValue("SELECT i FROM t", as: Int64.self) == Int64(Int32.max))
    }
  }

  @Test func doubleThatFloat4CannotHoldExactlyIsOutOfRangeNotRounded() async throws {
    try await PostgresTestServer.withConnection(schema: "types_double_to_float4") { conn in
      try await conn.execute("CREATE TABLE t (id serial PRIMARY KEY, f float4)")
      for inexact in [0.1, 1.0 / 3.0, Double.greatestFiniteMagnitude, .leastNonzeroMagnitude] {
        let error = try await #require(throws: DatabaseError.self) {
          try await conn.execute("INSERT INTO t (f) VALUES (\(inexact))")
        }
        #expect(error.code == .numericValueOutOfRange, "\(inexact)")
      }
      for exact in [0.5, Double(Float(0.1)), -.infinity, .nan] {
        try await conn.execute("INSERT INTO t (f) VALUES (\(exact))")
      }
      let stored = try await conn.fetchAll("SELECT f FROM t ORDER BY id").map { try $0[0, as: Float.self] }
      #expect(stored.count == 4)
      #expect(stored.prefix(3) == [0.5, Float(0.1), -.infinity])
      #expect(stored.last?.isNaN == true)
    }
  }

  @Test func textThatIsNotANumberIntoAnIntColumnIsTheServersInvalidTextRepresentation() async throws {
    try await PostgresTestServer.withConnection(schema: "types_text_to_int") { conn in
      try await conn.execute("CREATE TABLE t (i int8)")
      let error = try await #require(throws: DatabaseError.self) {
        try await conn.execute("INSERT INTO t VALUES (\("forty-two"))")
      }
      #expect(error.code == .invalidTextRepresentation)
      #expect(error.sqlState == "22P02")
      // The server quotes the input in its message; it is cut out like any bound value.
      #expect(error.message == #"invalid input syntax for type bigint: "(redacted)""#)
      #expect(!error.description.contains("forty-two"))
      #expect(error.debugDescription.contains("forty-two"))
      // Text that is a number is parsed by the server, as documented.
      try await conn.execute("INSERT INTO t VALUES (\("42"))")
      #expect(try await conn.fetchValue("SELECT i FROM t", as: Int.self) == 42)
    }
  }

  @Test func boolIntoAnInt8ParameterIsADatatypeMismatch() async throws {
    try await PostgresTestServer.withConnection(schema: "types_bool_to_int8") { conn in
      let error = try await #require(throws: DatabaseError.self) {
        try await conn.fetchOne("SELECT \(true)::int8")
      }
      #expect(error.code == .datatypeMismatch)
      #expect(error.sqlState == "42804")
      #expect(error.message == "parameter $1 is int8 but a boolean value was bound")
      #expect(error.sql == "SELECT $1::int8")
    }
  }

  @Test func dateWithATimeOfDayIntoADateParameterIsADatatypeMismatch() async throws {
    try await PostgresTestServer.withConnection(schema: "types_date_with_time") { conn in
      try await conn.execute("CREATE TABLE t (d date)")
      let notMidnight = Date(timeIntervalSinceReferenceDate: 86_400 * 9_000 + 0.000001)
      let error = try await #require(throws: DatabaseError.self) {
        try await conn.execute("INSERT INTO t VALUES (\(notMidnight))")
      }
      #expect(error.code == .datatypeMismatch)
      #expect(error.message.contains("not at midnight UTC"))
      #expect(try await conn.fetchValue("SELECT count(*) FROM t", as: Int.self) == 0)
    }
  }
}
