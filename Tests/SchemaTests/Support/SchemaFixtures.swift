#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import QueryBuilder

/// Hand-written schemas the backend tests create (not from @Model, so these tests
/// exercise the DDL renderer alone).
enum SchemaFixtures {
  static let date = Date(timeIntervalSince1970: 1_700_000_000.25)
  static let uuid = UUID(uuid: (0x3F, 0x25, 0x04, 0xE0, 0x4F, 0x89, 0x41, 0xD3,
                                0x9A, 0x0C, 0x03, 0x05, 0xE8, 0x2C, 0x33, 0x01))
  static let price = Decimal(sign: .minus, exponent: -2, significand: 1250)  // -12.50
  static let name = #"O'Brien \ "quoted" -- ; DROP TABLE x"#

  /// Every column type, with a default of every kind (infinities included).
  static let gadgets = TableSchema(name: "gadgets", columns: [
    .column("id", property: "id", type: Int64?.self, primaryKey: true, generated: true),
    .column("tiny", property: "tiny", type: Int16.self, default: Int16.min),
    .column("count", property: "count", type: Int32?.self),
    .column("medium", property: "medium", type: Int32.self, default: Int32.max),
    .column("big", property: "big", type: Int64.self, default: Int64.min),
    .column("ratio", property: "ratio", type: Float.self, default: 0.1),
    .column("score", property: "score", type: Double?.self, default: 1e-7),
    .column("hot", property: "hot", type: Double.self, default: .infinity),
    .column("cold", property: "cold", type: Float.self, default: -.infinity),
    .column("active", property: "active", type: Bool.self, default: true),
    .column("hidden", property: "hidden", type: Bool?.self, default: false),
    .column("name", property: "name", type: String.self, default: name),
    .column("blob", property: "blob", type: [UInt8].self, default: [0x00, 0x27, 0x5C, 0xFF]),
    .column("created_at", property: "createdAt", type: Date.self, default: date),
    .column("token", property: "token", type: UUID.self, default: uuid),
    .column("price", property: "price", type: Decimal?.self, default: price),
    ColumnSchema(name: "note", property: "note", type: .text, isNullable: true, defaultValue: .null),
  ])

  /// A generated key, a unique column, indexed columns and multi-column indexes.
  static let users = TableSchema(name: "users", columns: [
    .column("id", property: "id", type: Int64?.self, primaryKey: true, generated: true),
    .column("email", property: "email", type: String.self, unique: true),
    .column("name", property: "name", type: String.self, indexed: true),
    .column("age", property: "age", type: Int?.self, indexed: true),
  ], indexes: [
    TableSchema.Index(name: "users_name_age_idx", columns: ["name", "age"]),
    TableSchema.Index(name: "", columns: ["name", "age", "email"], isUnique: true),
  ])

  /// A foreign key with each ON DELETE action.
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

  /// A non-generated text key.
  static let countries = TableSchema(name: "countries", columns: [
    .column("code", property: "code", type: String.self, primaryKey: true),
    .column("name", property: "name", type: String.self),
  ])

  /// A composite key and a multi-column unique index.
  static let memberships = TableSchema(name: "memberships", columns: [
    .column("user_id", property: "userID", type: Int64.self, primaryKey: true),
    .column("group_id", property: "groupID", type: Int32.self, primaryKey: true),
    .column("role", property: "role", type: String.self, default: "member"),
    .column("seat", property: "seat", type: Int.self),
  ], indexes: [TableSchema.Index(name: "memberships_group_seat_key", columns: ["group_id", "seat"], isUnique: true)])
}

/// A model conforming by hand, for `db.create(Tag.self)`.
struct Tag: Model {
  var id: Int64?
  var label: String

  typealias ID = Int64
  static let tableName = "tags"
  struct Columns: ModelColumns {
    init(table: String) {}
  }
  static let schema = TableSchema(name: tableName, columns: [
    .column("id", property: "id", type: Int64?.self, primaryKey: true, generated: true),
    .column("label", property: "label", type: String.self, unique: true),
  ])
  init(row: Row, layout: RowLayout) throws {
    id = try row.decode(at: layout[0])
    label = try row.decode(at: layout[1])
  }
  var columnValues: [SQLValue] { [id.sqlValue, label.sqlValue] }
  var primaryKeyValue: SQLValue { id.sqlValue }
}
