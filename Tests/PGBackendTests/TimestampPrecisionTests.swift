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

/// Timestamps written as psql writes them come back exactly or not at all: as a
/// `Date` when a `Date` holds the instant, else a typed error, and always exactly as
/// a `PreciseTimestamp`, over PostgreSQL's whole range, in binary and text results.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason), .timeLimit(.minutes(1)))
struct TimestampPrecisionTests {
  /// A psql literal, the server's own text for it (UTC session), and its ISO-8601 form.
  struct Literal: Sendable, CustomTestStringConvertible {
    let psql: String
    let server: String
    let iso: String
    var testDescription: String { psql }
    /// Unique per literal, for a schema name of its own (the cases run in parallel).
    var tag: String { (iso.hasPrefix("-") ? "bc" : "") + iso.filter(\.isNumber) }
  }

  /// Instants a `Date` would round.
  static let roundedByDate: [Literal] = [
    .init(psql: "9999-12-31 23:59:59.999999", server: "9999-12-31 23:59:59.999999+00", iso: "9999-12-31T23:59:59.999999Z"),
    .init(psql: "2500-06-15 12:34:56.789012", server: "2500-06-15 12:34:56.789012+00", iso: "2500-06-15T12:34:56.789012Z"),
    .init(psql: "1500-01-01 00:00:00.000001", server: "1500-01-01 00:00:00.000001+00", iso: "1500-01-01T00:00:00.000001Z"),
    .init(psql: "294276-12-31 23:59:59.999999", server: "294276-12-31 23:59:59.999999+00", iso: "+294276-12-31T23:59:59.999999Z"),
    .init(psql: "4713-11-24 00:00:00.000001 BC", server: "4713-11-24 00:00:00.000001+00 BC", iso: "-004712-11-24T00:00:00.000001Z"),
  ]

  /// Instants a `Date` holds: inside 1728-10-18...2273-03-16 every microsecond, and
  /// far out the ones a `Double` happens to hold (whole seconds, here).
  static let heldByDate: [Literal] = [
    .init(psql: "2273-03-16 12:56:31.999999", server: "2273-03-16 12:56:31.999999+00", iso: "2273-03-16T12:56:31.999999Z"),
    .init(psql: "1728-10-18 11:03:28.000001", server: "1728-10-18 11:03:28.000001+00", iso: "1728-10-18T11:03:28.000001Z"),
    .init(psql: "9999-12-31 23:59:59", server: "9999-12-31 23:59:59+00", iso: "9999-12-31T23:59:59.000000Z"),
    .init(psql: "4713-11-24 00:00:00 BC", server: "4713-11-24 00:00:00+00 BC", iso: "-004712-11-24T00:00:00.000000Z"),
  ]

  /// A result with an `inet` column comes back in text format, every column of it.
  enum ResultFormat: String, CaseIterable, Sendable { case binary, text }

  private func select(_ column: String, _ format: ResultFormat) -> SQL {
    switch format {
    case .binary: "SELECT \(unsafeRaw: column) FROM moments"
    case .text: "SELECT \(unsafeRaw: column), '127.0.0.1'::inet AS addr FROM moments"
    }
  }

  private func withMoment<T: Sendable>(_ literal: Literal, _ schema: String,
                                       _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
    try await PostgresTestServer.withConnection(schema: schema, options: PostgresConnectionOptions(serverSettings: ["timezone": "UTC"])) { conn in
      try await conn.execute("CREATE TABLE moments (at timestamptz, local timestamp, ats timestamptz[])")
      // Spelled in the SQL text, as psql would: no Wren binding is involved.
      let quoted = "'" + literal.psql + "'"
      try await conn.execute("INSERT INTO moments VALUES (\(unsafeRaw: quoted), \(unsafeRaw: quoted), ARRAY[\(unsafeRaw: quoted)]::timestamptz[])")
      return try await body(conn)
    }
  }

  @Test(arguments: roundedByDate, ResultFormat.allCases)
  func anInstantADateWouldRoundIsATypedErrorAsDateAndExactAsPreciseTimestamp(_ literal: Literal, _ format: ResultFormat) async throws {
    try await withMoment(literal, "ts_rounded_\(format)_\(literal.tag)") { conn in
      let row = try #require(try await conn.fetchOne(select("at, local, ats", format)))
      let error = #expect(throws: RowDecodingError.self) { _ = try row["at", as: Date.self] }
      #expect(error?.reason == .inexactInstant)
      #expect(error?.description.hasPrefix("column \"at\": the stored instant cannot be held to the microsecond by Date") == true)
      #expect(error?.description.hasSuffix("decode it as PreciseTimestamp") == true)
      #expect(throws: RowDecodingError.self) { _ = try row["local", as: Date.self] }
      #expect(throws: RowDecodingError.self) { _ = try row["ats", as: [Date].self] }
      #expect(try row["at", as: PreciseTimestamp.self].description == literal.iso)
      #expect(try row["local", as: PreciseTimestamp.self].description == literal.iso)
      #expect(try row["ats", as: [PreciseTimestamp].self].map(\.description) == [literal.iso])
    }
  }

  @Test(arguments: heldByDate, ResultFormat.allCases)
  func anInstantADateHoldsDecodesAsThatExactDate(_ literal: Literal, _ format: ResultFormat) async throws {
    try await withMoment(literal, "ts_held_\(format)_\(literal.tag)") { conn in
      let row = try #require(try await conn.fetchOne(select("at, local, ats", format)))
      #expect(SQLTimestamp.format(try row["at", as: Date.self]) == literal.iso)
      #expect(SQLTimestamp.format(try row["local", as: Date.self]) == literal.iso)
      #expect(try row["ats", as: [Date].self].map(SQLTimestamp.format) == [literal.iso])
      #expect(try row["at", as: PreciseTimestamp.self].description == literal.iso)
    }
  }

  @Test(arguments: roundedByDate + heldByDate)
  func aPreciseTimestampIsStoredAsExactlyThatInstant(_ literal: Literal) async throws {
    try await PostgresTestServer.withConnection(schema: "ts_bind_\(literal.tag)", options: PostgresConnectionOptions(serverSettings: ["timezone": "UTC"])) { conn in
      try await conn.execute("CREATE TABLE moments (at timestamptz, ats timestamptz[])")
      let timestamp = try #require(PreciseTimestamp(literal.iso))
      try await conn.execute("INSERT INTO moments VALUES (\(timestamp), \([timestamp]))")
      #expect(try await conn.fetchValue("SELECT at::text FROM moments", as: String.self) == literal.server)
      #expect(try await conn.fetchValue("SELECT ats[1]::text FROM moments", as: String.self) == literal.server)
      #expect(try await conn.fetchValue("SELECT count(*) FROM moments WHERE at = \(timestamp)", as: Int.self) == 1)
      #expect(try await conn.fetchValue("SELECT at FROM moments", as: PreciseTimestamp.self) == timestamp)
    }
  }

  @Test func aTextTimestampBeyondTheServersRangeIsAnOutOfRangeError() async throws {
    try await PostgresTestServer.withConnection(schema: "ts_bind_range") { conn in
      let beyond = try #require(PreciseTimestamp("+294277-01-01T00:00:00.000000Z"))
      await #expect(throws: DatabaseError.self) { try await conn.execute("SELECT \(beyond)::timestamptz") }
    }
  }

  @Test func sessionTimeZonesWithSecondsInTheirOffsetReadInTextResults() async throws {
    // Before standard time, zones had local mean time offsets such as +00:19:32,
    // which PostgreSQL prints to the second in text.
    try await PostgresTestServer.withConnection(
      schema: "ts_lmt", options: PostgresConnectionOptions(serverSettings: ["timezone": "Europe/Amsterdam"])
    ) { conn in
      let row = try #require(try await conn.fetchOne(
        "SELECT '1500-01-01 00:00:00.000001+00'::timestamptz AS at, '127.0.0.1'::inet AS addr"))
      #expect(try row["at", as: PreciseTimestamp.self].description == "1500-01-01T00:00:00.000001Z")
    }
  }

  @Test(arguments: ResultFormat.allCases)
  func datesAcrossPostgreSQLsWholeRangeDecodeWithoutTrapping(_ format: ResultFormat) async throws {
    try await PostgresTestServer.withConnection(schema: "ts_dates_\(format)") { conn in
      try await conn.execute("CREATE TABLE moments (near date, far date, last date, first date)")
      try await conn.execute("INSERT INTO moments VALUES ('2024-02-29', '200000-01-01', '5874897-12-31', '4713-11-24 BC')")
      let row = try #require(try await conn.fetchOne(select("near, far, last, first", format)))
      #expect(SQLTimestamp.format(try row["near", as: Date.self]) == "2024-02-29T00:00:00.000000Z")
      #expect(try row["far", as: PreciseTimestamp.self].description == "+200000-01-01T00:00:00.000000Z")
      #expect(try row["first", as: PreciseTimestamp.self].description == "-004712-11-24T00:00:00.000000Z")  // 4713 BC
      // Past 294247 no Int64 microsecond count exists: a decoding error, never a crash.
      #expect(throws: RowDecodingError.self) { _ = try row["last", as: Date.self] }
      #expect(throws: RowDecodingError.self) { _ = try row["last", as: PreciseTimestamp.self] }
      if format == .binary { #expect(row["last"] == .text("+5874897-12-31")) }
    }
  }
}
