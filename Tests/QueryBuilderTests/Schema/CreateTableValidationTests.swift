import Model
import QueryBuilder
import Testing

/// Schemas no database would create as described are refused before any SQL exists.
@Suite struct CreateTableValidationTests {
  private func table(_ columns: [ColumnSchema], indexes: [TableSchema.Index] = []) -> CreateTable {
    CreateTable(TableSchema(name: "t", columns: columns, indexes: indexes))
  }

  @Test(arguments: SQLDialect.allCases)
  func generatedKeysAreSingleIntegerPrimaryKeysWithoutDefault(_ dialect: SQLDialect) {
    let textKey = misuse(table([.column("id", property: "id", type: String?.self, primaryKey: true, generated: true)]),
                         in: dialect)
    #expect(textKey?.message.contains("integers") == true)
    misuse(table([.column("n", property: "n", type: Int64?.self, generated: true)]), in: dialect)
    misuse(table([
      .column("a", property: "a", type: Int64?.self, primaryKey: true, generated: true),
      .column("b", property: "b", type: Int64.self, primaryKey: true),
    ]), in: dialect)
    misuse(table([.column("id", property: "id", type: Int64?.self, primaryKey: true, generated: true, default: 1)]),
           in: dialect)
  }

  @Test(arguments: SQLDialect.allCases)
  func defaultsMustFitTheirColumn(_ dialect: SQLDialect) {
    misuse(CreateTable(DDLFixtures.withDefault(.text("1"), type: .int64)), in: dialect)
    misuse(CreateTable(DDLFixtures.withDefault(.int(1), type: .bool)), in: dialect)
    misuse(CreateTable(DDLFixtures.withDefault(.double(1.5), type: .int32)), in: dialect)
    misuse(CreateTable(DDLFixtures.withDefault(.text("3f2504e0-4f89-41d3-9a0c-0305e82c3301"), type: .uuid)), in: dialect)
    let range = misuse(CreateTable(DDLFixtures.withDefault(.int(40_000), type: .int16)), in: dialect)
    #expect(range?.message.contains("int16") == true)
    misuse(CreateTable(DDLFixtures.withDefault(.int(Int64(Int32.max) + 1), type: .int32)), in: dialect)
  }

  @Test(arguments: SQLDialect.allCases)
  func setNullNeedsANullableColumn(_ dialect: SQLDialect) {
    let error = misuse(table([
      .column("u", property: "u", type: Int64.self, references: ForeignKey(table: "users", column: "id", onDelete: .setNull)),
    ]), in: dialect)
    #expect(error?.message.contains("SET NULL") == true)
  }

  @Test(arguments: SQLDialect.allCases)
  func tableShape(_ dialect: SQLDialect) {
    misuse(table([]), in: dialect)
    misuse(CreateTable(TableSchema(name: "", columns: [.column("a", property: "a", type: Int.self)])), in: dialect)
    misuse(table([.column("a", property: "a", type: Int.self), .column("a", property: "b", type: Int.self)]), in: dialect)
    let index = misuse(table([.column("a", property: "a", type: Int.self)],
                             indexes: [TableSchema.Index(name: "t_ab_idx", columns: ["a", "b"])]), in: dialect)
    #expect(index?.message.contains(#""b""#) == true)
    misuse(table([.column("a", property: "a", type: Int.self)], indexes: [TableSchema.Index(name: "x", columns: [])]),
           in: dialect)
  }

  /// The text is checked the way backends check it: a NUL in a name would cut it short.
  @Test(arguments: SQLDialect.allCases)
  func nulInAnIdentifier(_ dialect: SQLDialect) {
    misuse(table([.column("a\u{0}", property: "a", type: Int.self)]), in: dialect)
    misuse(DropTable("t\u{0}"), in: dialect)
  }
}
