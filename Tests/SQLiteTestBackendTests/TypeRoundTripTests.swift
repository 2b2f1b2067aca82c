import Foundation
import Model
import QueryBuilder
import SQLiteTestBackend
import Testing

enum Mood: String, SQLValueConvertible, Equatable { case happy, sad, ünïcödé = "ünï'cödé" }
enum Priority: Int, SQLValueConvertible, Equatable { case low = -1, normal = 0, high = 9_223_372_036_854_775_807 }

/// Every supported Swift type is written through a bind and read back unchanged, both
/// through a column of the type's documented SQLite storage and as a bare `SELECT ?`.
@Suite struct TypeRoundTripTests {
  /// Inserts `values` into a column declared `declaredType`, reads them back as `T`,
  /// then selects each one directly.
  private func expectRoundTrip<T: SQLValueConvertible & Equatable>(
    _ values: [T], declaredType: String, sourceLocation: SourceLocation = #_sourceLocation
  ) async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v \(unsafeRaw: declaredType))")
    for value in values {
      try await db.execute("INSERT INTO t(v) VALUES (\(value))")
    }
    let stored = try await db.fetchAll("SELECT v FROM t ORDER BY id").map { try $0.decode(T.self, at: 0) }
    #expect(stored == values, "through a \(declaredType) column", sourceLocation: sourceLocation)
    for value in values {
      let row = try #require(try await db.fetchOne("SELECT \(value) AS v"), sourceLocation: sourceLocation)
      #expect(try row.decode(T.self, at: 0) == value, "as a bare bind", sourceLocation: sourceLocation)
    }
  }

  @Test func intRoundTripsIncludingExtremes() async throws {
    try await expectRoundTrip([0, 1, -1, 42, Int.min, Int.max], declaredType: "INTEGER")
  }

  @Test func int64RoundTripsIncludingMinAndMax() async throws {
    try await expectRoundTrip([Int64.min, Int64.min + 1, -1, 0, Int64.max - 1, Int64.max], declaredType: "INTEGER")
  }

  @Test func int32RoundTripsIncludingMinAndMax() async throws {
    try await expectRoundTrip([Int32.min, -1, 0, Int32.max], declaredType: "INTEGER")
  }

  @Test func int16RoundTripsIncludingMinAndMax() async throws {
    try await expectRoundTrip([Int16.min, -1, 0, Int16.max], declaredType: "INTEGER")
  }

  @Test func doubleRoundTripsIncludingInfinitiesAndSubnormals() async throws {
    try await expectRoundTrip(
      [0.0, 1.5, -2.25, .pi, 1e-300, 1e300, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
       .leastNonzeroMagnitude, .leastNormalMagnitude, .infinity, -.infinity, 0.1 + 0.2],
      declaredType: "REAL")
  }

  @Test func negativeZeroKeepsItsSignAsABareBind() async throws {
    let db = try SQLiteDatabase.inMemory()
    let value: Double? = try await db.fetchValue("SELECT \(-0.0)")
    #expect(try #require(value).sign == .minus)
  }

  @Test func floatRoundTripsExactly() async throws {
    try await expectRoundTrip(
      [Float(0), .pi, -1.1, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .infinity, -.infinity],
      declaredType: "REAL")
  }

  @Test func boolRoundTripsAsZeroAndOne() async throws {
    try await expectRoundTrip([true, false], declaredType: "BOOLEAN")
    let db = try SQLiteDatabase.inMemory()
    let row = try #require(try await db.fetchOne("SELECT \(true), \(false)"))
    #expect(Array(row.values) == [.int(1), .int(0)])
  }

  @Test func stringRoundTripsWithEmptyNonASCIIAndEmbeddedNUL() async throws {
    try await expectRoundTrip(
      ["", "plain", "héllo wörld", "日本語テキスト", "👩‍👩‍👧‍👦 family", "a\u{0}b", "\u{0}", "\u{0}\u{0}end",
       "quote ' double \" semicolon ; dash --", "line\nbreak\ttab\r", String(repeating: "long ", count: 20_000)],
      declaredType: "TEXT")
  }

  @Test func stringWithNULKeepsItsFullLengthInSQLite() async throws {
    let db = try SQLiteDatabase.inMemory()
    let length: Int? = try await db.fetchValue("SELECT length(CAST(\("a\u{0}bc") AS BLOB))")
    #expect(length == 4)
  }

  @Test func dataRoundTripsWithEmptyAndNULBytes() async throws {
    try await expectRoundTrip(
      [Data(), Data([0]), Data([0, 1, 0, 255, 0]), Data("text".utf8), Data((0..<100_000).map { UInt8($0 % 256) })],
      declaredType: "BLOB")
  }

  @Test func byteArrayRoundTripsWithEmptyAndNULBytes() async throws {
    try await expectRoundTrip([[], [0], [0, 0, 0], [255, 0, 128], [UInt8](repeating: 7, count: 4096)] as [[UInt8]],
                              declaredType: "BLOB")
  }

  @Test func dateRoundTripsWithMicrosecondsBeforeAndAfter1970() async throws {
    try await expectRoundTrip(
      [date(microsecondsSince1970: 0),
       date(microsecondsSince1970: 1),
       date(microsecondsSince1970: -1),
       date(microsecondsSince1970: -1_234_567_123_456),            // 1969-12-17, with microseconds
       date(microsecondsSince1970: -62_135_596_800_000_000),       // 0001-01-01
       date(microsecondsSince1970: 1_767_270_600_250_001),         // 2026, with microseconds
       date(microsecondsSince1970: 253_402_300_799_999_999)],      // 9999-12-31T23:59:59.999999
      declaredType: "TEXT")
  }

  @Test func uuidRoundTrips() async throws {
    try await expectRoundTrip(
      [UUID(), UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
       UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))],
      declaredType: "TEXT")
  }

  @Test func decimalRoundTripsWithManyDigitsAndNegatives() async throws {
    let texts = ["0", "1", "-1", "0.5", "-0.5", "123.4500", "12345678901234567890.123456789012345678",
                 "-98765432109876543210987654321098765.43", "0.000000000000000000000000000001",
                 "-99999999999999999999999999999999999999", "1000000000000000000000000000000"]
    try await expectRoundTrip(texts.map { Decimal(string: $0)! }, declaredType: "TEXT")
  }

  @Test func optionalsRoundTripWithNullDistinctFromEmpty() async throws {
    try await expectRoundTrip([nil, 0, Int.max] as [Int?], declaredType: "INTEGER")
    try await expectRoundTrip([nil, "", "x"] as [String?], declaredType: "TEXT")
    try await expectRoundTrip([nil, Data(), Data([0])] as [Data?], declaredType: "BLOB")
    try await expectRoundTrip([nil, date(microsecondsSince1970: -5)] as [Date?], declaredType: "TEXT")
  }

  @Test func rawRepresentableEnumsRoundTripAsTheirRawValues() async throws {
    try await expectRoundTrip([Mood.happy, .sad, .ünïcödé], declaredType: "TEXT")
    try await expectRoundTrip([Priority.low, .normal, .high], declaredType: "INTEGER")
    let db = try SQLiteDatabase.inMemory()
    let raw: String? = try await db.fetchValue("SELECT \(Mood.sad)")
    #expect(raw == "sad")
  }

  @Test func valuesUseTheDocumentedSQLiteStorageClasses() async throws {
    let db = try SQLiteDatabase.inMemory()
    let row = try #require(try await db.fetchOne("""
      SELECT typeof(\(42)), typeof(\(1.5)), typeof(\(true)), typeof(\("s")), typeof(\(Data([1]))),
             typeof(\([UInt8]())), typeof(\(Date())), typeof(\(UUID())), typeof(\(Decimal(string: "1.5")!)),
             typeof(\(SQLValue.null))
      """))
    #expect(try (0..<row.count).map { try row.decode(String.self, at: $0) }
            == ["integer", "real", "integer", "text", "blob", "blob", "text", "text", "text", "null"])
  }

  @Test func datesAreStoredAsSortableISO8601TextWithMicroseconds() async throws {
    let db = try SQLiteDatabase.inMemory()
    let text: String? = try await db.fetchValue(
      "SELECT \(date(microsecondsSince1970: 1_767_270_600_250_001))")
    #expect(text == "2026-01-01T12:30:00.250001Z")
    let before1970: String? = try await db.fetchValue("SELECT \(date(microsecondsSince1970: -1))")
    #expect(before1970 == "1969-12-31T23:59:59.999999Z")
    #expect(before1970! < text!)
  }

  @Test func uuidsAreStoredAsLowercaseCanonicalText() async throws {
    let db = try SQLiteDatabase.inMemory()
    let uuid = try #require(UUID(uuidString: "E621E1F8-C36C-495A-93FC-0C247A3E6E5F"))
    let text: String? = try await db.fetchValue("SELECT \(uuid)")
    #expect(text == "e621e1f8-c36c-495a-93fc-0c247a3e6e5f")
  }

  @Test func decimalsAreStoredAsExactText() async throws {
    let db = try SQLiteDatabase.inMemory()
    let text: String? = try await db.fetchValue("SELECT \(Decimal(string: "-12345678901234567890.123456789")!)")
    #expect(text == "-12345678901234567890.123456789")
  }

  @Test func declaredColumnTypesAreReportedToDecodingErrors() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE t(n INTEGER, s TEXT); INSERT INTO t VALUES (1, 'x')")
    let row = try #require(try await db.fetchOne("SELECT n, s, n + 1 AS expr FROM t"))
    #expect(row.columns.typeNames == ["INTEGER", "TEXT", ""])
    let error = #expect(throws: RowDecodingError.self) { try row.decode(Int.self, column: "s") }
    #expect(error?.sqlType == "TEXT")
  }

  @Test func nanIsRejectedBeforeRunningInsteadOfBecomingNull() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE t(v REAL)")
    let error = await caught(DatabaseError.self) { try await db.execute("INSERT INTO t VALUES (\(Double.nan))") }
    #expect(error?.code == .datatypeMismatch)
    #expect(error?.message.contains("NaN") == true)
    let count: Int? = try await db.fetchValue("SELECT count(*) FROM t")
    #expect(count == 0)
    await #expect(throws: DatabaseError.self) { try await db.execute("INSERT INTO t VALUES (\(Float.nan))") }
  }

  @Test func decimalWithoutAnExactTextFormIsRejected() async throws {
    let db = try SQLiteDatabase.inMemory()
    let error = await caught(DatabaseError.self) { _ = try await db.fetchOne("SELECT \(Decimal.nan)") }
    #expect(error?.code == .datatypeMismatch)
    // Decimal's mantissa holds 39 digits here, but text with more than 38 significant
    // digits does not read back as a Decimal: storing it would be a one-way trip.
    let wide = try #require(Decimal(string: "340282366920938463463374607431768211455"))
    await #expect(throws: DatabaseError.self) { _ = try await db.fetchOne("SELECT \(wide)") }
  }

  @Test func nonFiniteDateIsRejected() async throws {
    let db = try SQLiteDatabase.inMemory()
    let error = await caught(DatabaseError.self) {
      _ = try await db.fetchOne("SELECT \(Date(timeIntervalSinceReferenceDate: .infinity))")
    }
    #expect(error?.code == .datatypeMismatch)
  }
}
