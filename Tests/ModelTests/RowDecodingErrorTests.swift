#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import Testing

@Suite struct RowDecodingErrorTests {
  /// A row whose columns carry declared SQL types, as PostgreSQL reports them.
  private func typedRow(_ columns: [(String, String, SQLValue)]) -> Row {
    Row(storage: RowStorage(columns: RowColumns(names: columns.map(\.0), typeNames: columns.map(\.1)),
                            values: columns.map(\.2)),
        start: 0)
  }

  @Test func typeMismatchNamesColumnSwiftTypeAndDeclaredSQLType() {
    let row = typedRow([("id", "int8", .int(1)), ("age", "text", .text("thirty"))])
    let error = #expect(throws: RowDecodingError.self) { try row["age", as: Int.self] }
    #expect(error?.column == "age")
    #expect(error?.index == 1)
    #expect(error?.expectedType == "Int")
    #expect(error?.sqlType == "text")
    #expect(error?.reason == .typeMismatch)
    #expect(error?.availableColumns == [])
    #expect(error?.description == #"column "age": cannot decode Int from a text value"#)
  }

  @Test func withoutDeclaredTypesTheValueKindIsTheSQLType() {
    let row = Row(columns: ["flag"], values: [.double(0.5)])
    let error = #expect(throws: RowDecodingError.self) { try row["flag", as: Bool.self] }
    #expect(error?.sqlType == "double")
    #expect(error?.description == #"column "flag": cannot decode Bool from a double value"#)
  }

  @Test func outOfRangeNamesTheNarrowType() {
    let row = typedRow([("n", "int8", .int(40_000))])
    let error = #expect(throws: RowDecodingError.self) { try row.decode(Int16.self, column: "n") }
    #expect(error?.reason == .outOfRange)
    #expect(error?.description == #"column "n": int8 value is out of range for Int16"#)
  }

  @Test func unexpectedNullSaysTheTypeIsNotOptional() {
    let row = typedRow([("email", "text", .null)])
    let error = #expect(throws: RowDecodingError.self) { try row["email", as: String.self] }
    #expect(error?.reason == .unexpectedNull)
    #expect(error?.sqlType == "text")
    #expect(error?.description == #"column "email": NULL text value cannot be decoded as non-optional String"#)
  }

  @Test func malformedTextNamesTheTypeItIsNot() {
    let row = typedRow([("id", "TEXT", .text("not-a-uuid"))])
    let error = #expect(throws: RowDecodingError.self) { try row["id", as: UUID.self] }
    #expect(error?.reason == .malformed)
    #expect(error?.description == #"column "id": TEXT value is not a valid UUID"#)
  }

  @Test func enumErrorNamesTheEnumType() {
    let row = Row(columns: ["mood"], values: [.text("sad")])
    let error = #expect(throws: RowDecodingError.self) { try row["mood", as: Mood.self] }
    #expect(error?.expectedType == "Mood")
    #expect(error?.reason == .malformed)
  }

  @Test func decodingByIndexNamesTheColumnToo() {
    let row = Row(columns: ["a", "b"], values: [.int(1), .text("x")])
    let error = #expect(throws: RowDecodingError.self) { try row[1, as: Int.self] }
    #expect(error?.column == "b")
    #expect(error?.index == 1)
  }

  @Test func missingColumnListsTheAvailableColumns() {
    let row = Row(columns: ["id", "email"], values: [.int(1), .text("a@b.c")])
    let error = #expect(throws: RowDecodingError.self) { try row["emali", as: String.self] }
    #expect(error?.column == "emali")
    #expect(error?.index == nil)
    #expect(error?.sqlType == nil)
    #expect(error?.reason == nil)
    #expect(error?.expectedType == "String")
    #expect(error?.availableColumns == ["id", "email"])
    #expect(error?.description == #"no column "emali" in the row (columns: id, email); wanted String"#)
  }

  @Test(arguments: [-1, 2, 100])
  func indexOutOfRangeIsAMissingColumnNotACrash(_ index: Int) {
    let row = Row(columns: ["id", "email"], values: [.int(1), .text("a@b.c")])
    let error = #expect(throws: RowDecodingError.self) { try row.decode(Int.self, at: index) }
    #expect(error?.column == String(index))
    #expect(error?.index == nil)
    #expect(error?.availableColumns == ["id", "email"])
  }

  @Test func missingColumnIsReportedEvenForOptionalTypes() {
    // An optional type allows NULL, not a typo in the column name.
    let row = Row(columns: ["id"], values: [.int(1)])
    #expect(throws: RowDecodingError.self) { try row["nickname", as: String?.self] }
  }

  // MARK: Never the value

  static let secret = "sk_live_4f9a_hunter2_SECRET"

  /// One Swift type to decode a text value as, named for the test report.
  struct Decoder: Sendable, CustomTestStringConvertible {
    let typeName: String
    let decode: @Sendable (Row) throws -> Void
    init(_ typeName: String, _ decode: @escaping @Sendable (Row) throws -> Void) {
      self.typeName = typeName
      self.decode = decode
    }
    var testDescription: String { typeName }
  }

  static let decoders: [Decoder] = [
    Decoder("Int") { _ = try $0["token", as: Int.self] },
    Decoder("Int16") { _ = try $0["token", as: Int16.self] },
    Decoder("Bool") { _ = try $0["token", as: Bool.self] },
    Decoder("Double") { _ = try $0["token", as: Double.self] },
    Decoder("UUID") { _ = try $0["token", as: UUID.self] },
    Decoder("Date") { _ = try $0["token", as: Date.self] },
    Decoder("Decimal") { _ = try $0["token", as: Decimal.self] },
    Decoder("Data") { _ = try $0["token", as: Data.self] },
    Decoder("Mood") { _ = try $0["token", as: Mood.self] },
    Decoder("Priority") { _ = try $0["token", as: Priority.self] },
  ]

  @Test(arguments: decoders)
  func descriptionNeverContainsTheValue(_ decoder: Decoder) {
    for row in [Row(columns: ["token"], values: [.text(Self.secret)]),
                typedRow([("token", "text", .text(Self.secret))])] {
      let error = #expect(throws: RowDecodingError.self) { try decoder.decode(row) }
      let texts = [error?.description, error.map { String(describing: $0) }, error.map { "\($0)" }]
      for text in texts {
        #expect(text?.contains("hunter2") == false, "\(decoder.typeName): \(text ?? "")")
        #expect(text?.contains("token") == true)
        #expect(text?.contains(decoder.typeName) == true)
      }
    }
  }

  @Test func missingColumnDescriptionDoesNotIncludeOtherValues() {
    let row = Row(columns: ["token"], values: [.text(Self.secret)])
    let error = #expect(throws: RowDecodingError.self) { try row["id", as: Int.self] }
    #expect(error?.description.contains("hunter2") == false)
  }

  @Test func wrappedConversionErrorsBecomeTheirReason() {
    struct Custom: Error {}
    let error = RowDecodingError(column: "c", index: 0, expectedType: Int.self, sqlType: "int8",
                                 underlying: SQLValueConversionError(.outOfRange, expected: Int.self, found: .int(1)))
    #expect(error.reason == .outOfRange)
    // An error that is not a conversion error counts as a malformed value.
    let other = RowDecodingError(column: "c", index: 0, expectedType: Int.self, sqlType: "int8", underlying: Custom())
    #expect(other.reason == .malformed)
  }
}
