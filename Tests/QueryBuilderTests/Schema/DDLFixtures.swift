#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import QueryBuilder
import Testing

/// Hand-written schemas for the DDL snapshots (not from @Model, so these tests pin the
/// renderer alone).
enum DDLFixtures {
  static let date = Date(timeIntervalSince1970: 1_700_000_000.25)  // 2023-11-14T22:13:20.250000Z
  static let uuid = UUID(uuid: (0x3F, 0x25, 0x04, 0xE0, 0x4F, 0x89, 0x41, 0xD3,
                                0x9A, 0x0C, 0x03, 0x05, 0xE8, 0x2C, 0x33, 0x01))
  static let price = Decimal(sign: .plus, exponent: -1, significand: 125)  // 12.5

  /// Every column type, nullable and not, with a default of every kind.
  static let gadgets = TableSchema(name: "gadgets", columns: [
    .column("id", property: "id", type: Int64?.self, primaryKey: true, generated: true),
    .column("tiny", property: "tiny", type: Int16.self, default: -7),
    .column("count", property: "count", type: Int32?.self),
    .column("big", property: "big", type: Int64.self, default: Int64.min),
    .column("ratio", property: "ratio", type: Float.self, default: 0.5),
    .column("score", property: "score", type: Double?.self, default: 1e-7),
    .column("active", property: "active", type: Bool.self, default: true),
    .column("hidden", property: "hidden", type: Bool?.self, default: false),
    .column("name", property: "name", type: String.self, default: "O'Brien"),
    .column("blob", property: "blob", type: [UInt8].self, default: [0x00, 0xAB, 0xFF]),
    .column("created_at", property: "createdAt", type: Date.self, default: date),
    .column("token", property: "token", type: UUID.self, default: uuid),
    .column("price", property: "price", type: Decimal?.self, default: price),
    ColumnSchema(name: "note", property: "note", type: .text, isNullable: true, defaultValue: .null),
  ])

  /// A generated key, unique and indexed columns, and multi-column indexes (one unnamed).
  static let users = TableSchema(name: "users", columns: [
    .column("id", property: "id", type: Int64?.self, primaryKey: true, generated: true),
    .column("email", property: "email", type: String.self, unique: true),
    .column("name", property: "name", type: String.self, indexed: true),
    .column("age", property: "age", type: Int?.self, indexed: true),
  ], indexes: [
    TableSchema.Index(name: "users_name_age_idx", columns: ["name", "age"]),
    TableSchema.Index(name: "", columns: ["email", "name"], isUnique: true),
  ])

  /// A foreign key with each ON DELETE action (one to its own table).
  static let posts = TableSchema(name: "posts", columns: [
    .column("id", property: "id", type: Int64?.self, primaryKey: true, generated: true),
    .column("author_id", property: "authorID", type: Int64.self,
            references: ForeignKey(table: "users", column: "id", onDelete: .cascade)),
    .column("editor_id", property: "editorID", type: Int64?.self,
            references: ForeignKey(table: "users", column: "id", onDelete: .setNull)),
    .column("reviewer_id", property: "reviewerID", type: Int64?.self,
            references: ForeignKey(table: "users", column: "id", onDelete: .restrict)),
    .column("parent_id", property: "parentID", type: Int64?.self,
            references: ForeignKey(table: "posts", column: "id")),
  ])

  /// A non-generated text key (marked unique too, which adds nothing).
  static let countries = TableSchema(name: "countries", columns: [
    .column("code", property: "code", type: String.self, primaryKey: true, unique: true),
    .column("name", property: "name", type: String.self, unique: true),
  ])

  /// A non-generated integer key.
  static let invoices = TableSchema(name: "invoices", columns: [
    .column("number", property: "number", type: Int64.self, primaryKey: true),
    .column("total", property: "total", type: Decimal.self),
  ])

  /// A composite key.
  static let memberships = TableSchema(name: "memberships", columns: [
    .column("user_id", property: "userID", type: Int64.self, primaryKey: true),
    .column("group_id", property: "groupID", type: Int32.self, primaryKey: true),
    .column("role", property: "role", type: String.self, default: "member"),
  ])

  /// A one-column table whose column has `value` as its default.
  static func withDefault(_ value: SQLValue, type: SQLColumnType) -> TableSchema {
    TableSchema(name: "t", columns: [
      ColumnSchema(name: "c", property: "c", type: type, isNullable: true, defaultValue: value),
    ])
  }
}

/// Checks the statements `statement` renders for `dialect` against both dialects'
/// expected texts, written side by side; DDL never carries binds.
func expectDDL(
  _ statement: some SchemaStatement, in dialect: SQLDialect, postgres: [String], sqlite: [String],
  sourceLocation: SourceLocation = #_sourceLocation
) throws {
  let expected = switch dialect {
  case .postgres: postgres
  case .sqlite: sqlite
  }
  let rendered = try statement.sql(dialect)
  #expect(rendered.map(\.text) == expected, sourceLocation: sourceLocation)
  #expect(rendered.allSatisfy { $0.binds.isEmpty }, sourceLocation: sourceLocation)
}

/// The MisuseError `statement` throws when rendered for `dialect`, or nil (recorded as
/// an issue) when it renders.
@discardableResult
func misuse(_ statement: some SchemaStatement, in dialect: SQLDialect,
            sourceLocation: SourceLocation = #_sourceLocation) -> MisuseError? {
  #expect(throws: MisuseError.self, sourceLocation: sourceLocation) { try statement.sql(dialect) }
}
