#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import Testing

@Suite struct ExactDecimalTests {
  private func parse(_ text: String) throws -> Decimal {
    try ExactDecimal.parse(text, found: .text(text))
  }

  @Test(arguments: [
    ("0", "0"),
    ("7", "7"),
    ("-7", "-7"),
    ("+7", "7"),
    ("123.45", "123.45"),
    ("-0.000001", "-0.000001"),
    ("0.5", "0.5"),
    ("007.50", "7.5"),
    ("1.2300", "1.23"),
    ("123456789012345678901234567890.12345678", "123456789012345678901234567890.12345678"),
    ("99999999999999999999999999999999999999", "99999999999999999999999999999999999999"),
    ("-0.00000000000000000000000000000000000000000001234", "-0.00000000000000000000000000000000000000000001234"),
  ])
  func parsesPlainDecimalNotationWithoutRounding(_ text: String, _ printed: String) throws {
    #expect(try parse(text).description == printed)
  }

  @Test func trailingZerosAfterThePointDoNotChangeTheValue() throws {
    #expect(try parse("1.2300") == Decimal(sign: .plus, exponent: -2, significand: 123))
    #expect(try parse("1.2300") == parse("1.23"))
    #expect(try parse("5.000") == 5)
  }

  @Test func tinyNegativeValueIsExact() throws {
    #expect(try parse("-0.000001") == Decimal(sign: .minus, exponent: -6, significand: 1))
  }

  @Test(arguments: ["-0", "-0.000", "+0", "000"])
  func zeroInAnySpellingIsZero(_ text: String) throws {
    let value = try parse(text)
    #expect(value == 0)
    #expect(!value.isSignMinus)
  }

  @Test func thirtyEightSignificantDigitsFit() throws {
    let text = "12345678901234567890.123456789012345678"
    #expect(try parse(text).description == text)
  }

  @Test(arguments: [
    "123456789012345678901234567890123456789",  // 39 digits
    "1234567890123456789012345678901234567890.5",
    "0.123456789012345678901234567890123456789",  // leading zeros do not count, the rest do
    "-99999999999999999999999999999999999999.9",
  ])
  func moreThanThirtyEightSignificantDigitsIsOutOfRange(_ text: String) {
    let error = #expect(throws: SQLValueConversionError.self) { try parse(text) }
    #expect(error?.reason == .outOfRange)
    #expect(error?.expectedType == "Decimal")
  }

  @Test func zerosBeforeThePointAreNotSignificantDigits() throws {
    // A numeric(50) column can hold 10^41; Decimal holds it exactly (1 × 10^41).
    let text = "1" + String(repeating: "0", count: 41)
    let value = try parse(text)
    #expect(value == Decimal(sign: .plus, exponent: 41, significand: 1))
    #expect(try parse("-1200") == Decimal(sign: .minus, exponent: 2, significand: 12))
  }

  @Test func scaleBeyondWhatDecimalCarriesIsOutOfRange() {
    let text = "0." + String(repeating: "0", count: 130) + "1"
    let error = #expect(throws: SQLValueConversionError.self) { try parse(text) }
    #expect(error?.reason == .outOfRange)
  }

  @Test(arguments: ["1e5", "1E5", "abc", "", "-", "+", ".", "1.2.3", " 1", "1 ", "1,5", "NaN",
                    "Infinity", "0x10", "--1", "1-", "١٢٣"])
  func nonDecimalTextIsMalformed(_ text: String) {
    let error = #expect(throws: SQLValueConversionError.self) { try parse(text) }
    #expect(error?.reason == .malformed)
    #expect(error?.valueKind == "text")
  }

  @Test func errorReportsTheValueKindItWasGiven() {
    let error = #expect(throws: SQLValueConversionError.self) {
      try ExactDecimal.parse("x", found: .decimal(0))
    }
    #expect(error?.valueKind == "decimal")
  }
}
