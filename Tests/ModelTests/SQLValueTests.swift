#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import Testing

@Suite struct SQLValueTests {
  static let uuid = UUID(uuid: (0x3F, 0x25, 0x04, 0xE0, 0x4F, 0x89, 0x41, 0xD3,
                                0x9A, 0x0C, 0x03, 0x05, 0xE8, 0x2C, 0x33, 0x01))

  @Test(arguments: [
    (SQLValue.null, "NULL"), (.bool(false), "boolean"), (.int(1), "integer"), (.double(1), "double"),
    (.text("a"), "text"), (.bytes([]), "bytes"), (.timestamp(Date(timeIntervalSince1970: 0)), "timestamp"),
    (.uuid(uuid), "uuid"), (.decimal(1), "decimal"),
  ])
  func kindNameNamesTheKindOnly(_ value: SQLValue, _ kind: String) {
    #expect(value.kindName == kind)
  }

  @Test(arguments: [
    (SQLValue.null, "NULL"),
    (.bool(true), "true"),
    (.bool(false), "false"),
    (.int(-42), "-42"),
    (.double(1.5), "1.5"),
    (.text("O'Brien"), "'O''Brien'"),
    (.bytes([0x00, 0x0F, 0xA0, 0xFF]), "x'000fa0ff'"),
    (.timestamp(Date(timeIntervalSince1970: 0.25)), "'1970-01-01T00:00:00.250000Z'"),
    (.uuid(uuid), "'3f2504e0-4f89-41d3-9a0c-0305e82c3301'"),
    (.decimal(Decimal(sign: .minus, exponent: -2, significand: 12345)), "-123.45"),
  ])
  func descriptionIsASQLLikeLiteral(_ value: SQLValue, _ text: String) {
    #expect(value.description == text)
  }

  @Test func isNullIsTrueForNullOnly() {
    #expect(SQLValue.null.isNull)
    #expect(!SQLValue.int(0).isNull)
    #expect(!SQLValue.text("").isNull)
    #expect(!SQLValue.text("NULL").isNull)
  }
}
