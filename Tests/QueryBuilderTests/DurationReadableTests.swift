@testable import QueryBuilder
import Testing

/// Durations in messages read as a person writes them: the largest fitting unit, at
/// most three significant digits, no trailing zeros.
@Suite struct DurationReadableTests {
  @Test(arguments: [
    (Duration.seconds(2), "2 s"),
    (.milliseconds(1_500), "1.5 s"),
    (.milliseconds(250), "250 ms"),
    (.microseconds(12), "12 µs"),
    (.nanoseconds(7), "7 ns"),
    (.seconds(180), "3 min"),
    (.seconds(90), "1.5 min"),
    (.seconds(7_200), "2 h"),
    (.milliseconds(200), "200 ms"),
    (.milliseconds(1_234), "1.23 s"),
    (.microseconds(123_456), "123 ms"),
    (.microseconds(12_345), "12.3 ms"),
    (.milliseconds(10), "10 ms"),
    (.seconds(1), "1 s"),
    (.zero, "0 s"),
    (.milliseconds(-250), "-250 ms"),
  ])
  func printsTheLargestUnitWithAtMostThreeSignificantDigits(_ duration: Duration, _ text: String) {
    #expect(duration.readable == text)
  }

  @Test func aDeadlinesRemainderPrintsRoundedNotToTheAttosecond() {
    // What is left of a 2 s budget a moment later: Duration's own text is
    // "1.999998517 seconds".
    #expect(Duration.nanoseconds(1_999_998_517).readable == "2 s")
  }

  @Test(arguments: [
    (Duration.microseconds(999_996), "1 s"),  // rounds up into the next unit
    (.milliseconds(59_970), "1 min"),
    (.nanoseconds(999_999), "1 ms"),
    (.seconds(3_599), "1 h"),  // 59.98 min has three significant digits 60.0
  ])
  func roundingUpToTheNextUnitPrintsTheNextUnit(_ duration: Duration, _ text: String) {
    #expect(duration.readable == text)
  }
}
