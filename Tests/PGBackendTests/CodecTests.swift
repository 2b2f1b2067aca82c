import Model
@testable import PGBackend
import Testing

/// PostgreSQL's text form of arrays and its epoch, without a server.
@Suite struct CodecTests {
  @Test func arrayLiteralsFormatAndParseRoundTrip() throws {
    let values: [SQLValue] = [.text("a,b"), .text("c\"d\\e"), .null, .text("NULL"), .text(""), .text("{x}")]
    let literal = try #require(PostgresArrayLiteral.format(values))
    #expect(PostgresArrayLiteral.parse(literal) == values)
    #expect(PostgresArrayLiteral.format([.array([.int(1), .null]), .array([])]) == #"{{"1",NULL},{}}"#)
    #expect(PostgresArrayLiteral.format([.bytes([1])]) == nil)
  }

  @Test func thePostgresEpochMatchesTheCalendar() {
    #expect(SQLTimestamp.parseMicrosecondsSinceUnixEpoch("2000-01-01")
      == SQLTimestamp.unixEpochToReferenceMicroseconds + SQLTimestamp.referenceToPostgresEpochMicroseconds)
  }
}
