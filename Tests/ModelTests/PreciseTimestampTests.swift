#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import Testing

@Suite struct PreciseTimestampTests {
  @Test(arguments: ExactDateRangeTests.roundedByDate)
  func textADateWouldRoundReadsToTheExactMicrosecond(_ text: String, _ micros: Int64) throws {
    let timestamp = try PreciseTimestamp(sqlValue: .text(text))
    #expect(timestamp.microsecondsSinceReferenceDate == micros)
    #expect(timestamp.description == text)
  }

  @Test(arguments: ExactDateRangeTests.roundedByDate)
  func anInstantADateWouldRoundIsBoundAsItsExactText(_ text: String, _ micros: Int64) {
    let timestamp = PreciseTimestamp(microsecondsSinceReferenceDate: micros)
    #expect(timestamp.sqlValue == .text(text))
    #expect(Date(exactly: timestamp) == nil)
  }

  @Test func anInstantADateHoldsIsBoundAsATimestamp() throws {
    let timestamp = PreciseTimestamp(microsecondsSinceReferenceDate: 1)
    let date = try #require(Date(exactly: timestamp))
    #expect(timestamp.sqlValue == .timestamp(date))
    #expect(try PreciseTimestamp(sqlValue: .timestamp(date)) == timestamp)
  }

  @Test(arguments: [
    "-004713-11-24T00:00:00.000000Z", "0000-02-29T23:59:59.999999Z", "1500-01-01T00:00:00.000001Z",
    "+010000-01-01T00:00:00.000000Z", "+294276-12-31T23:59:59.999999Z",
  ])
  func everyInstantOfPostgreSQLsRangeRoundTripsThroughItsSQLValue(_ text: String) throws {
    let timestamp = try #require(PreciseTimestamp(text))
    #expect(timestamp.description == text)
    #expect(try PreciseTimestamp(sqlValue: timestamp.sqlValue) == timestamp)
  }

  @Test func anyInt64CountRoundTripsThroughItsText() {
    var rng = SeededGenerator(seed: 0x5EED_0201)
    var mismatches: [Int64] = []
    for _ in 0..<50_000 {
      let timestamp = PreciseTimestamp(microsecondsSinceReferenceDate: Int64.random(in: .min ... .max, using: &rng) >> 1)
      if PreciseTimestamp(timestamp.description) != timestamp { mismatches.append(timestamp.microsecondsSinceReferenceDate) }
    }
    #expect(Array(mismatches.prefix(5)) == [], "\(mismatches.count) mismatches in all")
  }

  @Test func aDateBecomesItsNearestMicrosecond() throws {
    let timestamp = try #require(PreciseTimestamp(Date(timeIntervalSinceReferenceDate: 0.000_000_6)))
    #expect(timestamp.microsecondsSinceReferenceDate == 1)
    #expect(PreciseTimestamp(Date(timeIntervalSinceReferenceDate: .infinity)) == nil)
  }

  @Test func timestampsOrderByTheirInstant() {
    let early = PreciseTimestamp(microsecondsSinceReferenceDate: -5)
    let late = PreciseTimestamp(microsecondsSinceReferenceDate: 3)
    #expect(early < late)
    #expect([late, early].sorted() == [early, late])
    #expect(Set([early, late, early]).count == 2)
  }

  @Test func textOffsetsAndMissingZonesReadAsSQLTimestampReadsThem() {
    #expect(PreciseTimestamp("2001-01-01 02:00:00+02") == PreciseTimestamp(microsecondsSinceReferenceDate: 0))
    #expect(PreciseTimestamp("2001-01-01") == PreciseTimestamp(microsecondsSinceReferenceDate: 0))
  }

  @Test func textThatIsNoTimestampIsMalformedAndOtherKindsMismatch() {
    expectConversionFailure(PreciseTimestamp.self, from: .text("infinity"), .malformed)
    expectConversionFailure(PreciseTimestamp.self, from: .text("2024-03-05T14:30:00.1234567Z"), .malformed)
    expectConversionFailure(PreciseTimestamp.self, from: .int(0), .typeMismatch)
    expectConversionFailure(PreciseTimestamp.self, from: .null, .unexpectedNull)
  }

  @Test func itIsATimestampColumnAndAnArrayElement() throws {
    #expect(PreciseTimestamp.sqlColumnType == .timestamp)
    #expect(Optional<PreciseTimestamp>.isSQLNullable)
    let values = [PreciseTimestamp(microsecondsSinceReferenceDate: 0), PreciseTimestamp(microsecondsSinceReferenceDate: 252_423_993_599_999_999)]
    // SQLite keeps arrays as JSON text; both element forms read back.
    let json = try values.sqlValue.jsonText()
    #expect(try [PreciseTimestamp](sqlValue: .text(json)) == values)
    #expect(try [PreciseTimestamp](sqlValue: values.sqlValue) == values)
  }
}
