#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import Testing

/// A string-backed enum, as users declare them.
enum Mood: String, SQLValueConvertible, CaseIterable {
  case happy
  case grumpy = "GRUMPY"
}

/// An integer-backed enum with a narrow raw type.
enum Priority: Int16, SQLValueConvertible, CaseIterable {
  case low = 1
  case high = 3
}

/// Asserts that `T(sqlValue: value)` fails for `reason`, and that the error names
/// the type that was asked for and the kind of value found (never the value).
func expectConversionFailure<T: SQLValueConvertible>(
  _ type: T.Type, from value: SQLValue, _ reason: SQLValueConversionError.Reason,
  expectedTypeName: String = String(describing: T.self),
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let error = #expect(throws: SQLValueConversionError.self, sourceLocation: sourceLocation) {
    _ = try T(sqlValue: value)
  }
  #expect(error?.reason == reason, sourceLocation: sourceLocation)
  #expect(error?.expectedType == expectedTypeName, sourceLocation: sourceLocation)
  #expect(error?.valueKind == value.kindName, sourceLocation: sourceLocation)
}

@Suite struct SQLValueConvertibleTests {
  // MARK: Round trips

  @Test(arguments: [0, 1, -1, 42, Int.max, Int.min])
  func intRoundTripsAsInt(_ value: Int) throws {
    #expect(value.sqlValue == .int(Int64(value)))
    #expect(try Int(sqlValue: value.sqlValue) == value)
  }

  @Test(arguments: [Int64(0), -1, Int64.max, Int64.min])
  func int64RoundTripsAsInt(_ value: Int64) throws {
    #expect(value.sqlValue == .int(value))
    #expect(try Int64(sqlValue: value.sqlValue) == value)
  }

  @Test(arguments: [Int32(0), -7, Int32.max, Int32.min])
  func int32RoundTripsAsInt(_ value: Int32) throws {
    #expect(value.sqlValue == .int(Int64(value)))
    #expect(try Int32(sqlValue: value.sqlValue) == value)
  }

  @Test(arguments: [Int16(0), -7, Int16.max, Int16.min])
  func int16RoundTripsAsInt(_ value: Int16) throws {
    #expect(value.sqlValue == .int(Int64(value)))
    #expect(try Int16(sqlValue: value.sqlValue) == value)
  }

  @Test(arguments: [0.0, 1.5, -2.25, 0.1, .pi, .greatestFiniteMagnitude, .leastNonzeroMagnitude,
                    .infinity, -.infinity])
  func doubleRoundTripsBitForBit(_ value: Double) throws {
    #expect(value.sqlValue == .double(value))
    #expect(try Double(sqlValue: value.sqlValue).bitPattern == value.bitPattern)
  }

  @Test func doubleKeepsNegativeZeroAndNaN() throws {
    #expect(try Double(sqlValue: (-0.0).sqlValue).sign == .minus)
    #expect(try Double(sqlValue: Double.nan.sqlValue).isNaN)
  }

  @Test(arguments: [Float(0), 1.5, -2.25, 0.1, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .infinity])
  func floatRoundTripsThroughDoubleExactly(_ value: Float) throws {
    #expect(value.sqlValue == .double(Double(value)))
    #expect(try Float(sqlValue: value.sqlValue) == value)
  }

  @Test func floatKeepsNaN() throws {
    #expect(try Float(sqlValue: Float.nan.sqlValue).isNaN)
  }

  @Test(arguments: [true, false])
  func boolRoundTripsAsBool(_ value: Bool) throws {
    #expect(value.sqlValue == .bool(value))
    #expect(try Bool(sqlValue: value.sqlValue) == value)
  }

  @Test(arguments: ["", "hello", "O'Brien", "héllo wörld 🐦", "line\nbreak", "nul\u{0}inside", String(repeating: "x", count: 10_000)])
  func stringRoundTripsAsText(_ value: String) throws {
    #expect(value.sqlValue == .text(value))
    #expect(try String(sqlValue: value.sqlValue) == value)
  }

  @Test(arguments: [[], [0], [0, 255, 1, 254], Array(0...255)] as [[UInt8]])
  func bytesRoundTripAsDataAndAsByteArray(_ bytes: [UInt8]) throws {
    #expect(bytes.sqlValue == .bytes(bytes))
    #expect(try [UInt8](sqlValue: bytes.sqlValue) == bytes)
    let data = Data(bytes)
    #expect(data.sqlValue == .bytes(bytes))
    #expect(try Data(sqlValue: data.sqlValue) == data)
  }

  @Test func dataSliceWithNonZeroStartIndexConvertsItsOwnBytes() throws {
    let slice = Data([9, 9, 1, 2, 3]).dropFirst(2)
    #expect(slice.sqlValue == .bytes([1, 2, 3]))
  }

  @Test(arguments: [0.0, -1.5, 1_709_596_800.123456, -62_135_596_800])
  func dateRoundTripsAsTimestamp(_ secondsSince1970: Double) throws {
    let date = Date(timeIntervalSince1970: secondsSince1970)
    #expect(date.sqlValue == .timestamp(date))
    #expect(try Date(sqlValue: date.sqlValue) == date)
  }

  @Test func uuidRoundTripsAsUUID() throws {
    let uuid = try #require(UUID(uuidString: "3F2504E0-4F89-41D3-9A0C-0305E82C3301"))
    #expect(uuid.sqlValue == .uuid(uuid))
    #expect(try UUID(sqlValue: uuid.sqlValue) == uuid)
  }

  @Test(arguments: ["0", "1.23", "-0.000001", "123456789012345678901234567890.12345678", "-99999999999999999999999999999999999999"])
  func decimalRoundTripsAsDecimal(_ text: String) throws {
    let value = try ExactDecimal.parse(text, found: .text(text))
    #expect(value.sqlValue == .decimal(value))
    #expect(try Decimal(sqlValue: value.sqlValue) == value)
  }

  @Test func optionalIsNullWhenNilAndTheWrappedValueOtherwise() throws {
    #expect(Int?.none.sqlValue == .null)
    #expect(Int?.some(5).sqlValue == .int(5))
    #expect(String?.some("x").sqlValue == .text("x"))
    #expect(try Int?(sqlValue: .null) == nil)
    #expect(try Int?(sqlValue: .int(5)) == 5)
    #expect(try String?(sqlValue: .null) == nil)
    #expect(try Date?(sqlValue: .null) == nil)
    #expect(try Mood?(sqlValue: .null) == nil)
  }

  @Test func nestedOptionalOfNullIsTheOuterNil() throws {
    let value = try Int??(sqlValue: .null)
    #expect(value == .none)
  }

  @Test(arguments: Mood.allCases)
  func stringEnumRoundTripsAsItsRawValue(_ mood: Mood) throws {
    #expect(mood.sqlValue == .text(mood.rawValue))
    #expect(try Mood(sqlValue: mood.sqlValue) == mood)
  }

  @Test(arguments: Priority.allCases)
  func intEnumRoundTripsAsItsRawValue(_ priority: Priority) throws {
    #expect(priority.sqlValue == .int(Int64(priority.rawValue)))
    #expect(try Priority(sqlValue: priority.sqlValue) == priority)
  }

  @Test(arguments: [SQLValue.null, .bool(true), .int(-3), .double(0.5), .text("t"), .bytes([1]),
                    .timestamp(Date(timeIntervalSince1970: 0)), .uuid(UUID()), .decimal(Decimal(7))])
  func sqlValueConvertsToItself(_ value: SQLValue) {
    #expect(value.sqlValue == value)
    #expect(SQLValue(sqlValue: value) == value)
  }

  // MARK: Integers are range-checked, never truncated

  @Test func int16FromAnIntegerOutsideItsRangeIsOutOfRange() {
    expectConversionFailure(Int16.self, from: .int(40_000), .outOfRange)
    expectConversionFailure(Int16.self, from: .int(-32_769), .outOfRange)
  }

  @Test func int32FromAnIntegerOutsideItsRangeIsOutOfRange() {
    expectConversionFailure(Int32.self, from: .int(Int64(Int32.max) + 1), .outOfRange)
    expectConversionFailure(Int32.self, from: .int(Int64(Int32.min) - 1), .outOfRange)
  }

  @Test(arguments: [1.5, -0.5, 1e19, -1e19, .nan, .infinity])
  func integersFromANonIntegralOrHugeDoubleAreOutOfRange(_ double: Double) {
    expectConversionFailure(Int.self, from: .double(double), .outOfRange)
    expectConversionFailure(Int64.self, from: .double(double), .outOfRange)
    expectConversionFailure(Int32.self, from: .double(double), .outOfRange)
    expectConversionFailure(Int16.self, from: .double(double), .outOfRange)
  }

  @Test func integersFromAnIntegralDoubleAreAccepted() throws {
    // SQLite can return REAL for integer arithmetic; an exact value is not lost.
    #expect(try Int(sqlValue: .double(3.0)) == 3)
    #expect(try Int64(sqlValue: .double(-4.0)) == -4)
    #expect(try Int32(sqlValue: .double(-0.0)) == 0)
    #expect(try Int16(sqlValue: .double(32_767)) == 32_767)
    expectConversionFailure(Int16.self, from: .double(32_768), .outOfRange)
  }

  @Test(arguments: [
    ("7", 7), ("-12", -12), ("0", 0), ("120.000", 120),
    ("9223372036854775807", Int64.max), ("-9223372036854775808", Int64.min),
  ] as [(String, Int64)])
  func integersFromAnIntegralDecimalAreExact(_ text: String, _ expected: Int64) throws {
    // PostgreSQL's sum(bigint) and count-like arithmetic on numeric arrive as numeric.
    let value = SQLValue.decimal(try ExactDecimal.parse(text, found: .text(text)))
    #expect(try Int64(sqlValue: value) == expected)
    #expect(try Int(sqlValue: value) == Int(expected))
    if let narrow = Int32(exactly: expected) { #expect(try Int32(sqlValue: value) == narrow) }
  }

  @Test(arguments: ["1.5", "-0.000001", "9223372036854775808", "-9223372036854775809", "1000000000000000000000000000000"])
  func integersFromAFractionalOrHugeDecimalAreOutOfRange(_ text: String) throws {
    // Never rounded, never truncated: 1.5 is not 1 or 2, 2^63 is not Int64.max.
    let value = SQLValue.decimal(try ExactDecimal.parse(text, found: .text(text)))
    expectConversionFailure(Int.self, from: value, .outOfRange)
    expectConversionFailure(Int64.self, from: value, .outOfRange)
    expectConversionFailure(Int32.self, from: value, .outOfRange)
  }

  @Test func int32FromAnIntegralDecimalBeyondItsRangeIsOutOfRange() {
    expectConversionFailure(Int32.self, from: .decimal(Decimal(Int64(Int32.max) + 1)), .outOfRange)
  }

  @Test(arguments: [SQLValue.text("1"), .bool(true), .bytes([1]),
                    .uuid(UUID()), .timestamp(Date(timeIntervalSince1970: 0))])
  func integersFromAnotherKindAreATypeMismatch(_ value: SQLValue) {
    expectConversionFailure(Int.self, from: value, .typeMismatch)
    expectConversionFailure(Int64.self, from: value, .typeMismatch)
    expectConversionFailure(Int32.self, from: value, .typeMismatch)
    expectConversionFailure(Int16.self, from: value, .typeMismatch)
  }

  // MARK: Floating point is never rounded

  @Test func doubleFromAnIntegerItCannotHoldExactlyIsOutOfRange() throws {
    #expect(try Double(sqlValue: .int(1 << 53)) == 9_007_199_254_740_992)
    expectConversionFailure(Double.self, from: .int((1 << 53) + 1), .outOfRange)
    expectConversionFailure(Double.self, from: .int(Int64.max), .outOfRange)
  }

  @Test(arguments: [0.1, 1.0 / 3.0, 1e300, -1e-300, 16_777_217.0])
  func floatFromADoubleItCannotRepresentExactlyIsOutOfRange(_ double: Double) {
    expectConversionFailure(Float.self, from: .double(double), .outOfRange)
  }

  @Test func floatFromExactlyRepresentableNumbersIsAccepted() throws {
    #expect(try Float(sqlValue: .double(0.5)) == 0.5)
    #expect(try Float(sqlValue: .double(-.infinity)) == -.infinity)
    #expect(try Float(sqlValue: .int(16_777_216)) == 16_777_216)
    expectConversionFailure(Float.self, from: .int(16_777_217), .outOfRange)
  }

  @Test func floatFromAnotherKindNamesFloatNotDouble() {
    expectConversionFailure(Float.self, from: .text("1.5"), .typeMismatch)
    expectConversionFailure(Float.self, from: .null, .unexpectedNull)
  }

  // MARK: Bool

  @Test func boolAcceptsSQLitesZeroAndOne() throws {
    #expect(try Bool(sqlValue: .int(0)) == false)
    #expect(try Bool(sqlValue: .int(1)) == true)
  }

  @Test(arguments: [Int64(2), -1, 10, Int64.min])
  func boolFromAnyOtherIntegerIsOutOfRange(_ value: Int64) {
    expectConversionFailure(Bool.self, from: .int(value), .outOfRange)
  }

  @Test(arguments: [SQLValue.text("true"), .text("t"), .double(1), .bytes([1])])
  func boolFromAnotherKindIsATypeMismatch(_ value: SQLValue) {
    expectConversionFailure(Bool.self, from: value, .typeMismatch)
  }

  // MARK: No silent coercion to text or bytes

  @Test(arguments: [SQLValue.int(1), .double(1.5), .bool(true), .bytes([0x41]), .uuid(UUID()),
                    .decimal(Decimal(1)), .timestamp(Date(timeIntervalSince1970: 0))])
  func stringFromANonTextValueIsATypeMismatch(_ value: SQLValue) {
    expectConversionFailure(String.self, from: value, .typeMismatch)
  }

  @Test func bytesFromTextAreATypeMismatch() {
    expectConversionFailure([UInt8].self, from: .text("AQ=="), .typeMismatch)
    expectConversionFailure(Data.self, from: .text("AQ=="), .typeMismatch)
  }

  // MARK: NULL

  static let nonOptionalTypes: [any SQLValueConvertible.Type] = [
    Int.self, Int64.self, Int32.self, Int16.self, Double.self, Float.self, Bool.self, String.self,
    Data.self, [UInt8].self, Date.self, UUID.self, Decimal.self, Mood.self, Priority.self,
  ]

  @Test(arguments: nonOptionalTypes)
  func nonOptionalFromNullIsUnexpectedNull(_ type: any SQLValueConvertible.Type) {
    let error = #expect(throws: SQLValueConversionError.self) { _ = try type.init(sqlValue: .null) }
    #expect(error?.reason == .unexpectedNull)
    #expect(error?.expectedType == String(describing: type))
    #expect(error?.valueKind == "NULL")
  }

  @Test func optionalPassesErrorsOfTheWrappedTypeThrough() {
    expectConversionFailure(Int16?.self, from: .int(40_000), .outOfRange, expectedTypeName: "Int16")
    expectConversionFailure(String?.self, from: .int(1), .typeMismatch, expectedTypeName: "String")
  }

  // MARK: Enums

  @Test func enumWithAnUnknownRawValueIsMalformed() {
    expectConversionFailure(Mood.self, from: .text("sad"), .malformed)
    expectConversionFailure(Mood.self, from: .text("grumpy"), .malformed)  // raw values are case-sensitive
    expectConversionFailure(Priority.self, from: .int(2), .malformed)
  }

  @Test func enumErrorsFromItsRawTypeNameTheEnum() {
    expectConversionFailure(Mood.self, from: .int(1), .typeMismatch)
    expectConversionFailure(Priority.self, from: .int(40_000), .outOfRange)
    expectConversionFailure(Priority.self, from: .text("low"), .typeMismatch)
  }

  // MARK: Date, UUID and Decimal from their text forms (SQLite)

  @Test func dateParsesISO8601TextAsSQLiteStoresIt() throws {
    let date = try Date(sqlValue: .text("2024-03-05T14:30:00.250000Z"))
    #expect(date == Date(timeIntervalSince1970: 1_709_649_000.25))
    #expect(try Date(sqlValue: .text("2024-03-05 16:30:00.25+02:00")) == date)
  }

  @Test(arguments: ["", "yesterday", "2024-02-30T00:00:00Z", "2024-03-05T14:30:00.1234567Z"])
  func dateFromUnparseableTextIsMalformed(_ text: String) {
    expectConversionFailure(Date.self, from: .text(text), .malformed)
  }

  @Test(arguments: [SQLValue.int(0), .double(0), .bytes([])])
  func dateFromANumberOrBytesIsATypeMismatch(_ value: SQLValue) {
    expectConversionFailure(Date.self, from: value, .typeMismatch)
  }

  @Test(arguments: ["3f2504e0-4f89-41d3-9a0c-0305e82c3301", "3F2504E0-4F89-41D3-9A0C-0305E82C3301"])
  func uuidParsesCanonicalTextInEitherCase(_ text: String) throws {
    let expected = try #require(UUID(uuidString: "3F2504E0-4F89-41D3-9A0C-0305E82C3301"))
    #expect(try UUID(sqlValue: .text(text)) == expected)
  }

  @Test func uuidReadsSixteenBytesInNetworkOrder() throws {
    let expected = try #require(UUID(uuidString: "00010203-0405-0607-0809-0A0B0C0D0E0F"))
    #expect(try UUID(sqlValue: .bytes(Array(0...15))) == expected)
    expectConversionFailure(UUID.self, from: .bytes(Array(0...14)), .typeMismatch)
    expectConversionFailure(UUID.self, from: .bytes(Array(0...16)), .typeMismatch)
  }

  @Test(arguments: ["", "not-a-uuid", "3f2504e0-4f89-41d3-9a0c-0305e82c330", "{3f2504e0-4f89-41d3-9a0c-0305e82c3301}"])
  func uuidFromMalformedTextIsMalformed(_ text: String) {
    expectConversionFailure(UUID.self, from: .text(text), .malformed)
  }

  @Test func decimalReadsTextAndIntegersExactly() throws {
    #expect(try Decimal(sqlValue: .text("1.2300")) == Decimal(sign: .plus, exponent: -2, significand: 123))
    #expect(try Decimal(sqlValue: .int(Int64.min)).description == "-9223372036854775808")
    #expect(try Decimal(sqlValue: .int(Int64.max)).description == "9223372036854775807")
  }

  @Test func decimalFromADoubleIsATypeMismatchNotARoundedGuess() {
    expectConversionFailure(Decimal.self, from: .double(0.1), .typeMismatch)
  }

  @Test(arguments: ["1e5", "abc", ""])
  func decimalFromNonDecimalTextIsMalformed(_ text: String) {
    expectConversionFailure(Decimal.self, from: .text(text), .malformed)
  }

  // MARK: Errors are safe to log

  @Test func conversionErrorDescriptionNamesKindsAndTypesButNeverTheValue() {
    let secret = "sk_live_hunter2"
    let cases: [(SQLValueConversionError, String)] = [
      (.init(.typeMismatch, expected: Int.self, found: .text(secret)), "cannot decode Int from a text value"),
      (.init(.outOfRange, expected: Int16.self, found: .int(40_000)), "integer value is out of range for Int16"),
      (.init(.unexpectedNull, expected: String.self, found: .null), "NULL found where a non-optional String was expected"),
      (.init(.malformed, expected: UUID.self, found: .text(secret)), "text value is not a valid UUID"),
    ]
    for (error, expected) in cases {
      #expect(error.description == expected)
      #expect(!error.description.contains(secret))
      #expect(!error.description.contains("40000"))
    }
  }

  @Test func mismatchOfNullIsUnexpectedNull() {
    #expect(SQLValueConversionError.mismatch(Int.self, .null).reason == .unexpectedNull)
    #expect(SQLValueConversionError.mismatch(Int.self, .text("x")).reason == .typeMismatch)
  }
}
