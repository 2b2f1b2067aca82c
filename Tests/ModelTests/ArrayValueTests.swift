import Foundation
import Model
import Testing

/// Swift arrays as SQL values: JSON text (SQLite) and PostgreSQL's `{...}` text form
/// read back exactly, malformed text is an error.
struct ArrayValueTests {
  @Test func jsonTextReadsBackEveryKindOfElement() throws {
    let values: [SQLValue] = [.int(-3), .double(0.5), .text("q\"u\\o\nté 😀 \u{01}"), .null, .bool(true),
                              .array([.int(1), .array([])])]
    let json = try SQLValue.array(values).jsonText()
    #expect(try [SQLValue](sqlValue: .text(json)) == values)
    #expect(try [String](sqlValue: .text(#"["\ud83d\ude00", "\u00e9\/"]"#)) == ["😀", "é/"])
    #expect(try [Int?](sqlValue: .text("[ 1 , null ,3 ]")) == [1, nil, 3])
    #expect(try [Double](sqlValue: .text("[1e3, -2.5]")) == [1000, -2.5])
  }

  @Test(arguments: ["[1,", "[1 2]", "{\"a\": 1}", "[\"unterminated]", "[\"\\q\"]", "[1]]", ""])
  func malformedJSONIsAMalformedError(_ text: String) {
    let error = #expect(throws: SQLValueConversionError.self) { try [SQLValue](sqlValue: .text(text)) }
    #expect(error?.reason == .malformed)
  }

  /// Writing the literal is PGBackend's (its CodecTests round-trip the two).
  @Test func postgresArrayLiteralsParse() throws {
    #expect(PostgresArrayLiteral.parse(#"{"a,b","c\"d\\e",NULL,"NULL","","{x}"}"#)
      == [.text("a,b"), .text("c\"d\\e"), .null, .text("NULL"), .text(""), .text("{x}")])
    #expect(PostgresArrayLiteral.parse("{{1,2},{3,4}}") == [.array([.text("1"), .text("2")]), .array([.text("3"), .text("4")])])
    #expect(PostgresArrayLiteral.parse("[0:1]={7,8}") == [.text("7"), .text("8")])
    #expect(PostgresArrayLiteral.parse("{}") == [])
    for malformed in ["{1,2", "{\"a}", "1,2}", "{1}x"] { #expect(PostgresArrayLiteral.parse(malformed) == nil, "\(malformed)") }
  }

  @Test func bytesStayBytesAndNestedBytesAreArraysOfBytes() throws {
    #expect([UInt8]([1, 2]).sqlValue == .bytes([1, 2]))
    #expect([[UInt8]]([[1], []]).sqlValue == .array([.bytes([1]), .bytes([])]))
    #expect(try [[UInt8]](sqlValue: .text(#"["AQI=", ""]"#)) == [[1, 2], []])  // SQLite's JSON: base64
    #expect(throws: SQLValueConversionError.self) { try [UInt8](sqlValue: .text("AQI=")) }
    #expect(throws: SQLValueConversionError.self) { try UInt8(sqlValue: .int(256)) }
  }
}
