import Foundation
import Model
import QueryBuilder
import SQLiteTestBackend
import Testing

/// SQLite keeps timestamps as ISO-8601 text: text a `Date` would round is a typed
/// error as `Date`, and exact as `PreciseTimestamp`, however it was written.
@Suite struct TimestampPrecisionTests {
  /// Text written by hand (SQL's space or ISO's `T`, with or without a zone) and the
  /// ISO-8601 form Wren reads it as.
  static let roundedByDate: [(String, String)] = [
    ("9999-12-31 23:59:59.999999", "9999-12-31T23:59:59.999999Z"),
    ("2500-06-15T12:34:56.789012Z", "2500-06-15T12:34:56.789012Z"),
    ("1500-01-01 00:00:00.000001+00:00", "1500-01-01T00:00:00.000001Z"),
    ("+294276-12-31T23:59:59.999999Z", "+294276-12-31T23:59:59.999999Z"),
    ("-004712-11-24T00:00:00.000001Z", "-004712-11-24T00:00:00.000001Z"),
  ]

  @Test(arguments: roundedByDate)
  func textADateWouldRoundIsATypedErrorAsDateAndExactAsPreciseTimestamp(_ written: String, _ iso: String) async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE moments (at TEXT)")
    try await db.execute("INSERT INTO moments VALUES (\(unsafeRaw: "'" + written + "'"))")
    let row = try #require(try await db.fetchOne("SELECT at FROM moments"))
    let error = #expect(throws: RowDecodingError.self) { _ = try row["at", as: Date.self] }
    #expect(error?.reason == .inexactInstant)
    #expect(error?.description.hasPrefix("column \"at\": the stored instant cannot be held to the microsecond by Date") == true)
    #expect(try row["at", as: PreciseTimestamp.self].description == iso)
  }

  @Test func textADateHoldsDecodesAsThatExactDate() async throws {
    let db = try SQLiteDatabase.inMemory()
    let date = try #require(try await db.fetchValue("SELECT '2273-03-16 12:56:31.999999'", as: Date.self))
    #expect(SQLTimestamp.format(date) == "2273-03-16T12:56:31.999999Z")
  }

  @Test(arguments: roundedByDate.map(\.1) + ["2026-01-01T00:00:00.000001Z"])
  func aPreciseTimestampIsStoredAsTheTextADateWouldBeStoredAs(_ iso: String) async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE moments (at TEXT, ats TEXT)")
    let timestamp = try #require(PreciseTimestamp(iso))
    try await db.execute("INSERT INTO moments VALUES (\(timestamp), \([timestamp]))")
    #expect(try await db.fetchValue("SELECT at FROM moments", as: String.self) == iso)
    #expect(try await db.fetchValue("SELECT at FROM moments", as: PreciseTimestamp.self) == timestamp)
    #expect(try await db.fetchValue("SELECT ats FROM moments", as: [PreciseTimestamp].self) == [timestamp])
    #expect(try await db.fetchValue("SELECT count(*) FROM moments WHERE at = \(timestamp)", as: Int.self) == 1)
  }
}
