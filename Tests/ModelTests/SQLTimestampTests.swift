#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import Testing

/// One instant written both ways: canonical text and microseconds since 1970-01-01 UTC.
/// The numbers were computed independently (Python's proleptic Gregorian `datetime`,
/// shifted by whole 400-year cycles for years outside 1...9999).
struct TimestampExample: Sendable, CustomTestStringConvertible {
  let text: String
  let unixMicros: Int64
  init(_ text: String, _ unixMicros: Int64) {
    self.text = text
    self.unixMicros = unixMicros
  }
  var testDescription: String { text }
  var referenceMicros: Int64 { unixMicros - SQLTimestamp.unixEpochToReferenceMicroseconds }
}

@Suite struct SQLTimestampTests {
  static let examples: [TimestampExample] = [
    .init("1970-01-01T00:00:00.000000Z", 0),
    .init("1969-12-31T23:59:59.999999Z", -1),
    .init("2001-01-01T00:00:00.000000Z", 978_307_200_000_000),
    .init("2000-01-01T00:00:00.000000Z", 946_684_800_000_000),
    .init("2026-01-01T12:30:00.250000Z", 1_767_270_600_250_000),
    .init("2038-01-19T03:14:08.000000Z", 2_147_483_648_000_000),
    .init("1900-01-01T00:00:00.000000Z", -2_208_988_800_000_000),
    .init("1899-12-31T23:59:59.999999Z", -2_208_988_800_000_001),
    .init("1900-02-28T23:59:59.999999Z", -2_203_891_200_000_001),  // 1900 is not a leap year:
    .init("1900-03-01T00:00:00.000000Z", -2_203_891_200_000_000),  // Feb 28 is followed by Mar 1
    .init("2000-02-29T12:34:56.789012Z", 951_827_696_789_012),
    .init("2024-02-29T23:59:59.999999Z", 1_709_251_199_999_999),
    .init("1600-02-29T00:00:00.000000Z", -11_670_998_400_000_000),
    .init("2100-03-01T00:00:00.000000Z", 4_107_542_400_000_000),
    .init("1000-06-15T06:07:08.000001Z", -30_595_945_971_999_999),
    .init("0001-01-01T00:00:00.000000Z", -62_135_596_800_000_000),
    .init("9999-12-31T23:59:59.999999Z", 253_402_300_799_999_999),
    .init("0000-02-29T00:00:00.000000Z", -62_162_121_600_000_000),  // year 0 (1 BC) is a leap year
    .init("-000001-12-31T23:59:59.999999Z", -62_167_219_200_000_001),
    .init("-000001-01-01T00:00:00.000000Z", -62_198_755_200_000_000),
    .init("-000004-02-29T12:00:00.000000Z", -62_288_308_800_000_000),
    .init("-000400-02-29T00:00:00.000000Z", -74_784_902_400_000_000),
    .init("-004713-11-24T00:00:00.000000Z", -210_866_803_200_000_000),  // PostgreSQL's earliest date
    .init("+010000-01-01T00:00:00.000000Z", 253_402_300_800_000_000),
    .init("+123456-07-08T09:10:11.121314Z", 3_833_744_202_611_121_314),
    .init("-123456-07-08T09:10:11.121314Z", -3_958_045_915_788_878_686),
    .init("+200000-02-29T00:00:00.000000Z", 6_249_228_278_400_000_000),
  ]

  // MARK: Format and parse

  @Test(arguments: examples)
  func formatsMicrosecondsAsFixedWidthUTCText(_ example: TimestampExample) {
    #expect(SQLTimestamp.format(microsecondsSinceUnixEpoch: example.unixMicros) == example.text)
  }

  @Test(arguments: examples)
  func parsesCanonicalTextToTheSameMicrosecond(_ example: TimestampExample) {
    #expect(SQLTimestamp.parseMicrosecondsSinceUnixEpoch(example.text) == example.unixMicros)
  }

  @Test(arguments: examples)
  func dateSurvivesFormatThenParse(_ example: TimestampExample) throws {
    let date = SQLTimestamp.date(microsecondsSinceReferenceDate: example.referenceMicros)
    let text = SQLTimestamp.format(date)
    #expect(SQLTimestamp.parse(text) == date)
    // Where a Double holds the instant to the microsecond, the text is exact too.
    if abs(example.referenceMicros) < 8_000_000_000_000_000 {
      #expect(text == example.text)
    }
  }

  @Test(arguments: [
    (0.0, "1970-01-01T00:00:00.000000Z"),
    (978_307_200.0, "2001-01-01T00:00:00.000000Z"),
    (-2_208_988_800.0, "1900-01-01T00:00:00.000000Z"),
    (-62_135_596_800.0, "0001-01-01T00:00:00.000000Z"),
    (253_402_300_799.0, "9999-12-31T23:59:59.000000Z"),
    (1_700_000_000.5, "2023-11-14T22:13:20.500000Z"),
    (-0.25, "1969-12-31T23:59:59.750000Z"),
  ])
  func formatsFoundationDatesInUTC(_ secondsSince1970: Double, _ text: String) {
    let date = Date(timeIntervalSince1970: secondsSince1970)
    #expect(SQLTimestamp.format(date) == text)
    #expect(SQLTimestamp.parse(text) == date)
  }

  @Test func formatRoundsToTheNearestMicrosecond() {
    let justBelow = Date(timeIntervalSince1970: 0.000_000_4)
    let justAbove = Date(timeIntervalSince1970: 0.000_000_6)
    #expect(SQLTimestamp.format(justBelow) == "1970-01-01T00:00:00.000000Z")
    #expect(SQLTimestamp.format(justAbove) == "1970-01-01T00:00:00.000001Z")
  }

  @Test func formatAndParseRoundTripForRandomInstantsFromYear0000To9999() {
    var rng = SeededGenerator(seed: 0x5EED_0001)
    let range: ClosedRange<Int64> = -62_167_219_200_000_000...253_402_300_799_999_999
    var mismatches: [Int64] = []
    for _ in 0..<20_000 {
      let micros = Int64.random(in: range, using: &rng)
      let text = SQLTimestamp.format(microsecondsSinceUnixEpoch: micros)
      if text.utf8.count != 27 || SQLTimestamp.parseMicrosecondsSinceUnixEpoch(text) != micros {
        mismatches.append(micros)
      }
    }
    #expect(Array(mismatches.prefix(5)) == [], "\(mismatches.count) mismatches in all")
  }

  @Test func formatAndParseRoundTripForRandomExpandedYears() {
    var rng = SeededGenerator(seed: 0x5EED_0002)
    // About ±280,000 years: the span a Date can carry at microsecond precision.
    let range: ClosedRange<Int64> = -8_800_000_000_000_000_000...8_800_000_000_000_000_000
    var mismatches: [Int64] = []
    for _ in 0..<20_000 {
      let micros = Int64.random(in: range, using: &rng)
      if SQLTimestamp.parseMicrosecondsSinceUnixEpoch(SQLTimestamp.format(microsecondsSinceUnixEpoch: micros)) != micros {
        mismatches.append(micros)
      }
    }
    #expect(Array(mismatches.prefix(5)) == [], "\(mismatches.count) mismatches in all")
  }

  // MARK: Microsecond grid

  @Test func dateOnTheMicrosecondGridKeepsItsMicrosecondCountExactly() {
    // Within ±2^33 s (about 272 years) of 2001 a Double resolves every microsecond,
    // so the integer count must come back unchanged.
    var rng = SeededGenerator(seed: 0x5EED_0003)
    var mismatches: [Int64] = []
    for _ in 0..<200_000 {
      let micros = Int64.random(in: -8_500_000_000_000_000...8_500_000_000_000_000, using: &rng)
        >> Int64.random(in: 0...40, using: &rng)  // spread over every magnitude
      let date = Date(timeIntervalSinceReferenceDate: Double(micros) / 1_000_000)
      if SQLTimestamp.microsecondsSinceReferenceDate(date) != micros { mismatches.append(micros) }
    }
    #expect(Array(mismatches.prefix(5)) == [], "\(mismatches.count) mismatches in all")
  }

  @Test func dateOnTheMicrosecondGridSurvivesMicrosecondsAndBackExactly() {
    // Years 0001...9999 and well beyond: farther out a Double cannot hold every
    // microsecond, but whatever Date it holds must still come back bit for bit.
    var rng = SeededGenerator(seed: 0x5EED_0004)
    var mismatches: [Int64] = []
    for _ in 0..<200_000 {
      let micros = Int64.random(in: -8_900_000_000_000_000_000...8_900_000_000_000_000_000, using: &rng)
        >> Int64.random(in: 0...20, using: &rng)
      let date = Date(timeIntervalSinceReferenceDate: Double(micros) / 1_000_000)
      guard let count = SQLTimestamp.microsecondsSinceReferenceDate(date),
            SQLTimestamp.date(microsecondsSinceReferenceDate: count) == date
      else {
        mismatches.append(micros)
        continue
      }
    }
    #expect(Array(mismatches.prefix(5)) == [], "\(mismatches.count) mismatches in all")
  }

  @Test(arguments: [
    Int64(0), 1, -1, 999_999, 1_000_000, -1_000_001,
    4_479_341_999_119_970,  // ~2143: Double(m)/1e6*1e6 rounds to m+1 (a regression seen here)
    -4_489_386_852_901_899,  // ~1858, same hazard below the reference date
    8_500_000_000_000_000, -8_500_000_000_000_000,
  ])
  func specificGridDatesKeepTheirMicrosecondCount(_ micros: Int64) {
    let date = Date(timeIntervalSinceReferenceDate: Double(micros) / 1_000_000)
    #expect(SQLTimestamp.microsecondsSinceReferenceDate(date) == micros)
    #expect(SQLTimestamp.date(microsecondsSinceReferenceDate: micros) == date)
  }

  @Test(arguments: [Double.nan, .infinity, -.infinity, 9.1e12, -9.1e12])
  func datesThatAreNotFiniteOrTooFarOutHaveNoMicrosecondCount(_ seconds: Double) {
    #expect(SQLTimestamp.microsecondsSinceReferenceDate(Date(timeIntervalSinceReferenceDate: seconds)) == nil)
  }

  @Test func epochConstantsMatchTheCalendar() {
    #expect(SQLTimestamp.parseMicrosecondsSinceUnixEpoch("2001-01-01") == SQLTimestamp.unixEpochToReferenceMicroseconds)
  }

  // MARK: Parse: accepted forms

  static let marchFifth: Int64 = 1_709_596_800_000_000  // 2024-03-05T00:00:00Z
  static let hour: Int64 = 3_600_000_000
  static let minute: Int64 = 60_000_000

  static let acceptedForms: [(String, Int64)] = [
    ("2024-03-05", marchFifth),
    ("2024-03-05T14:30", marchFifth + 14 * hour + 30 * minute),
    ("2024-03-05 14:30", marchFifth + 14 * hour + 30 * minute),
    ("2024-03-05T14:30:15", marchFifth + 14 * hour + 30 * minute + 15_000_000),
    ("2024-03-05 14:30:15.5", marchFifth + 14 * hour + 30 * minute + 15_500_000),
    ("2024-03-05T14:30:00Z", marchFifth + 14 * hour + 30 * minute),
    ("2024-03-05T14:30:00+02:00", marchFifth + 12 * hour + 30 * minute),
    ("2024-03-05T14:30:00+0200", marchFifth + 12 * hour + 30 * minute),
    ("2024-03-05T14:30:00+02", marchFifth + 12 * hour + 30 * minute),
    ("2024-03-05T14:30:00-0530", marchFifth + 20 * hour),
    ("2024-03-05T14:30:00-05:30", marchFifth + 20 * hour),
    ("2024-03-05 14:30+02:00", marchFifth + 12 * hour + 30 * minute),
    ("2024-03-05T00:30:00+01:00", marchFifth - 30 * minute),  // the offset crosses midnight
    ("2024-03-05T23:59:59.999999", marchFifth + 24 * hour - 1),
  ]

  @Test(arguments: acceptedForms)
  func parseAcceptsSQLAndISOForms(_ text: String, _ unixMicros: Int64) {
    #expect(SQLTimestamp.parseMicrosecondsSinceUnixEpoch(text) == unixMicros)
  }

  @Test(arguments: [
    ("1", 100_000), ("12", 120_000), ("123", 123_000),
    ("1234", 123_400), ("12345", 123_450), ("123456", 123_456), ("000001", 1),
  ] as [(String, Int64)])
  func parseAcceptsOneToSixFractionDigits(_ digits: String, _ micros: Int64) {
    #expect(SQLTimestamp.parseMicrosecondsSinceUnixEpoch("1970-01-01T00:00:00.\(digits)") == micros)
    #expect(SQLTimestamp.parseMicrosecondsSinceUnixEpoch("1970-01-01T00:00:00.\(digits)Z") == micros)
  }

  @Test func parseReadsTextWithoutAZoneAsUTC() throws {
    let local = try #require(SQLTimestamp.parse("2024-03-05T14:30:00"))
    let utc = try #require(SQLTimestamp.parse("2024-03-05T14:30:00Z"))
    #expect(local == utc)
    #expect(SQLTimestamp.format(local) == "2024-03-05T14:30:00.000000Z")
  }

  @Test func parseAcceptsAnySubstring() {
    let line = "created=2024-03-05T14:30:00Z;"
    let slice = line.dropFirst(8).dropLast()
    #expect(SQLTimestamp.parseMicrosecondsSinceUnixEpoch(slice) == Self.marchFifth + 14 * Self.hour + 30 * Self.minute)
  }

  // MARK: Parse: rejected forms

  @Test(arguments: [
    "",
    "2024-03-05T14:30:00.1234567",  // finer than microseconds would be rounded silently
    "2024-03-05T14:30:00.1234567Z",
    "2024-13-01",
    "2024-00-10",
    "2024-01-00",
    "2023-02-29",  // not a leap year
    "1900-02-29",  // divisible by 100, not by 400
    "2024-02-30",
    "2024-04-31",
    "2024-03-05T14:30:00Zjunk",
    "2024-03-05 14:30:00 ",
    "2024-03-05x",
    "2024-03-05T",
    "2024-03-05T14",
    "2024-03-05T14:30:00.",
    "2024-03-05T24:00:00",
    "2024-03-05T14:60:00",
    "2024-03-05T14:30:60",
    "2024-03-05T14:30:00+2",
    "2024-03-05T14:30:00+02:",
    "2024-03-05T14:30:00+02:60",
    "2024-03-05T14:30:00+16:00",
    "2024-03-05Z",
    "24-03-05",
    "2024-3-5",
    "2024/03/05",
    "20240305",
    "now",
    "2024-03-05t14:30:00z",
    "999999999-01-01",  // far beyond what a Date holds: an error, not an overflow trap
    "-999999999-12-31T23:59:59.999999Z",
    "+9999999-01-01T00:00:00+15:00",
  ])
  func parseRejectsMalformedText(_ text: String) {
    #expect(SQLTimestamp.parseMicrosecondsSinceUnixEpoch(text) == nil)
    #expect(SQLTimestamp.parse(text) == nil)
  }

  @Test(arguments: ["+292000-01-01T00:00:00Z", "-290000-01-01T00:00:00Z"])
  func parseRejectsInstantsFormatCouldNotPrint(_ text: String) {
    // Beyond about ±285,000 years from 2001 a Date has no microsecond count, so
    // `format` could not write it back: parsing it would break the round trip.
    #expect(SQLTimestamp.parse(text) == nil)
  }

  // MARK: Ordering

  @Test func textSortsInTheSameOrderAsTheInstantsForYears0000To9999() {
    var rng = SeededGenerator(seed: 0x5EED_0005)
    let range: ClosedRange<Int64> = -62_167_219_200_000_000...253_402_300_799_999_999
    var instants = (0..<5_000).map { _ in Int64.random(in: range, using: &rng) }
    // Neighbours that differ in one field only: the last microsecond, second, day, year.
    instants += [-1, 0, 1, 999_999, 1_000_000, 86_399_999_999, 86_400_000_000]
    instants += Self.examples.map(\.unixMicros).filter(range.contains)
    let sorted = Array(Set(instants)).sorted()
    let texts = sorted.map { SQLTimestamp.format(microsecondsSinceUnixEpoch: $0) }
    let outOfOrder = zip(texts, texts.dropFirst()).filter { !($0 < $1) }
    #expect(outOfOrder.prefix(3).map { "\($0) >= \($1)" } == [], "\(outOfOrder.count) pairs out of order")
  }
}
