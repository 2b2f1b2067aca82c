#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import Testing

/// The rule that keeps decoding honest: a microsecond count becomes a `Date` only when
/// that `Date` converts back to the same count.
@Suite struct ExactDateRangeTests {
  /// Instants psql writes that a `Date` would round (computed with Python's
  /// `datetime`, as microseconds since 2001-01-01).
  static let roundedByDate: [(String, Int64)] = [
    ("9999-12-31T23:59:59.999999Z", 252_423_993_599_999_999),  // would read as 10000-01-01
    ("2500-06-15T12:34:56.789012Z", 15_761_219_696_789_012),  // would read as .789013
    ("1500-01-01T00:00:00.000001Z", -15_810_076_799_999_999),  // would read as .000002
  ]

  @Test func theExactRangeIsTwoToTheThirtyThirdSecondsEitherSideOf2001() {
    #expect(SQLTimestamp.exactDateRange == -8_589_934_592_000_000...8_589_934_592_000_000)
    #expect(SQLTimestamp.format(microsecondsSinceReferenceDate: SQLTimestamp.exactDateRange.lowerBound)
      == "1728-10-18T11:03:28.000000Z")
    #expect(SQLTimestamp.format(microsecondsSinceReferenceDate: SQLTimestamp.exactDateRange.upperBound)
      == "2273-03-16T12:56:32.000000Z")
  }

  @Test func everyMicrosecondNearTheEdgesOfTheExactRangeHasAnExactDate() {
    var misses: [Int64] = []
    for edge in [SQLTimestamp.exactDateRange.lowerBound, SQLTimestamp.exactDateRange.upperBound] {
      let inward: Int64 = edge < 0 ? 1 : -1
      for step in Int64(0)..<200_000 {
        let micros = edge + step * inward
        guard let date = SQLTimestamp.exactDate(microsecondsSinceReferenceDate: micros),
              SQLTimestamp.microsecondsSinceReferenceDate(date) == micros else {
          misses.append(micros)
          continue
        }
      }
    }
    #expect(Array(misses.prefix(5)) == [], "\(misses.count) misses in all")
  }

  @Test func randomMicrosecondsInsideTheExactRangeAllHaveExactDates() {
    var rng = SeededGenerator(seed: 0x5EED_0101)
    var misses: [Int64] = []
    for _ in 0..<200_000 {
      let micros = Int64.random(in: SQLTimestamp.exactDateRange, using: &rng)
      if SQLTimestamp.exactDate(microsecondsSinceReferenceDate: micros) == nil { misses.append(micros) }
    }
    #expect(Array(misses.prefix(5)) == [], "\(misses.count) misses in all")
  }

  @Test func justOutsideTheExactRangeSomeMicrosecondsHaveNoDate() {
    let beyond = SQLTimestamp.exactDateRange.upperBound
    let missing = (Int64(1)...1_000).filter { SQLTimestamp.exactDate(microsecondsSinceReferenceDate: beyond + $0) == nil }
    #expect(!missing.isEmpty)
  }

  @Test(arguments: roundedByDate)
  func instantsADateWouldRoundHaveNoExactDate(_ text: String, _ micros: Int64) {
    #expect(SQLTimestamp.parseMicrosecondsSinceReferenceDate(text) == micros)
    #expect(SQLTimestamp.exactDate(microsecondsSinceReferenceDate: micros) == nil)
    // The plain conversion rounds: that is what decoding must never hand out.
    let rounded = SQLTimestamp.date(microsecondsSinceReferenceDate: micros)
    #expect(SQLTimestamp.microsecondsSinceReferenceDate(rounded) != micros)
    #expect(SQLTimestamp.parse(text) == nil)
  }

  @Test func outsideTheRangeAnExactDateAlwaysConvertsBackToItsCount() {
    var rng = SeededGenerator(seed: 0x5EED_0102)
    var wrong: [Int64] = []
    for _ in 0..<200_000 {
      let micros = Int64.random(in: -8_900_000_000_000_000_000...8_900_000_000_000_000_000, using: &rng)
      guard let date = SQLTimestamp.exactDate(microsecondsSinceReferenceDate: micros) else { continue }
      if SQLTimestamp.microsecondsSinceReferenceDate(date) != micros { wrong.append(micros) }
    }
    #expect(Array(wrong.prefix(5)) == [], "\(wrong.count) wrong in all")
  }

  @Test func everyDateWrenStoresReadsBackAsAnExactDate() {
    // A Date far from 2001 is stored as its nearest microsecond; that count must
    // then decode to a Date, or a stored Date could not be read.
    var rng = SeededGenerator(seed: 0x5EED_0103)
    var unreadable: [Double] = []
    for _ in 0..<200_000 {
      let seconds = Double.random(in: -8.9e12...8.9e12, using: &rng)
      guard let micros = SQLTimestamp.microsecondsSinceReferenceDate(Date(timeIntervalSinceReferenceDate: seconds))
      else { continue }
      if SQLTimestamp.exactDate(microsecondsSinceReferenceDate: micros) == nil { unreadable.append(seconds) }
    }
    #expect(Array(unreadable.prefix(5)) == [], "\(unreadable.count) unreadable in all")
  }

  @Test func wholeSecondsFarOutStillDecodeAsDates() throws {
    let micros = try #require(SQLTimestamp.parseMicrosecondsSinceReferenceDate("9999-12-31T23:59:59Z"))
    let date = try #require(SQLTimestamp.exactDate(microsecondsSinceReferenceDate: micros))
    #expect(SQLTimestamp.format(date) == "9999-12-31T23:59:59.000000Z")
  }

  // MARK: Date(sqlValue:)

  @Test(arguments: roundedByDate)
  func dateFromTextItWouldRoundIsAnInexactInstantErrorNamingPreciseTimestamp(_ text: String, _ micros: Int64) {
    let error = #expect(throws: SQLValueConversionError.self) { try Date(sqlValue: .text(text)) }
    #expect(error?.reason == .inexactInstant)
    #expect(error?.description == "the stored instant cannot be held to the microsecond by Date, which is exact "
      + "only from 1728-10-18T11:03:28Z to 2273-03-16T12:56:32Z; decode it as PreciseTimestamp")
  }

  @Test func dateFromTextInsideTheRangeIsExact() throws {
    let date = try Date(sqlValue: .text("2273-03-16T12:56:31.999999Z"))
    #expect(SQLTimestamp.microsecondsSinceReferenceDate(date) == SQLTimestamp.exactDateRange.upperBound - 1)
  }

  @Test func dateFromTextThatIsNoTimestampIsStillMalformed() {
    expectConversionFailure(Date.self, from: .text("infinity"), .malformed)
  }

  @Test func anArrayOfDatesWithOneItWouldRoundFailsWithTheSameReason() {
    let error = #expect(throws: SQLValueConversionError.self) {
      try [Date](sqlValue: .array([.text("2020-01-01T00:00:00Z"), .text("2500-06-15T12:34:56.789012Z")]))
    }
    #expect(error?.reason == .inexactInstant)
  }

  @Test func rowDecodingErrorForAnInexactInstantNamesTheColumnAndTheTypeToUse() {
    let row = Row(columns: ["ends_at"], values: [.text("9999-12-31T23:59:59.999999Z")])
    let error = #expect(throws: RowDecodingError.self) { _ = try row["ends_at", as: Date.self] }
    #expect(error?.reason == .inexactInstant)
    #expect(error?.description.hasPrefix("column \"ends_at\": the stored instant cannot be held to the microsecond by Date") == true)
    #expect(error?.description.hasSuffix("decode it as PreciseTimestamp") == true)
  }

  // MARK: Text beyond Unix-epoch microseconds

  @Test func postgresqlsWholeTimestampRangeParsesAndFormatsSinceTheReferenceDate() {
    // An Int64 of microseconds since 1970 ends in 294247; since 2001 it reaches
    // PostgreSQL's last instant.
    let last = "+294276-12-31T23:59:59.999999Z"
    let first = "-004712-11-24T00:00:00.000000Z"  // 4713 BC
    #expect(SQLTimestamp.parseMicrosecondsSinceUnixEpoch(last) == nil)
    let lastMicros = SQLTimestamp.parseMicrosecondsSinceReferenceDate(last)
    let firstMicros = SQLTimestamp.parseMicrosecondsSinceReferenceDate(first)
    #expect(lastMicros.map { SQLTimestamp.format(microsecondsSinceReferenceDate: $0) } == last)
    #expect(firstMicros.map { SQLTimestamp.format(microsecondsSinceReferenceDate: $0) } == first)
  }

  @Test(arguments: SQLTimestampTests.examples)
  func formatSinceTheReferenceDateMatchesFormatSinceUnixEpoch(_ example: TimestampExample) {
    #expect(SQLTimestamp.format(microsecondsSinceReferenceDate: example.referenceMicros) == example.text)
    #expect(SQLTimestamp.parseMicrosecondsSinceReferenceDate(example.text) == example.referenceMicros)
  }

  @Test func offsetsWithSecondsAsPostgreSQLPrintsLocalMeanTimeAreRead() {
    // Europe/Amsterdam before 1835: +00:19:32.
    #expect(SQLTimestamp.parseMicrosecondsSinceUnixEpoch("1500-01-01 00:19:32+00:19:32")
      == SQLTimestamp.parseMicrosecondsSinceUnixEpoch("1500-01-01T00:00:00Z"))
    #expect(SQLTimestamp.parseMicrosecondsSinceUnixEpoch("1500-01-01 00:00:00-04:56:02")
      == SQLTimestamp.parseMicrosecondsSinceUnixEpoch("1500-01-01T04:56:02Z"))
    #expect(SQLTimestamp.parseMicrosecondsSinceUnixEpoch("1500-01-01 00:00:00+00:19:60") == nil)
  }

  @Test(arguments: [
    (Int64(0), "2001-01-01"), (-1, "2000-12-31"), (-366, "2000-01-01"),
    (2_145_031_582, "+5874897-12-31"),  // PostgreSQL's last date (2_145_031_948 after 2000-01-01)
    (-2_451_545, "-004712-11-24"),  // its first, 4713 BC (ISO year -4712)
  ] as [(Int64, String)])
  func formatDateWritesISODatesForAnyDayCount(_ days: Int64, _ text: String) {
    #expect(SQLTimestamp.formatDate(daysSinceReferenceDate: days) == text)
  }
}
