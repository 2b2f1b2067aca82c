/// A Swift struct stored as a table row.
///
/// `@Model` writes this conformance; it can also be written by hand:
///
/// ```swift
/// struct Tag: Model {
///   var id: Int64?
///   var label: String
///
///   typealias ID = Int64
///   static let tableName = "tags"
///   struct Columns: Sendable {
///     let id: Column<Tag, Int64>, label: Column<Tag, String>
///     init(table: String) { id = Column("id", table: table); label = Column("label", table: table) }
///   }
///   static let schema = TableSchema(name: tableName, columns: [
///     .column("id", property: "id", type: Int64?.self, primaryKey: true, generated: true),
///     .column("label", property: "label", type: String.self),
///   ])
///   init(row: Row, layout: RowLayout) throws {
///     id = try row.decode(at: layout[0]); label = try row.decode(at: layout[1])
///   }
///   var columnValues: [SQLValue] { [id.sqlValue, label.sqlValue] }
///   var primaryKeyValue: SQLValue { id.sqlValue }
///   mutating func didInsert(primaryKey: SQLValue) throws { id = try Int64(sqlValue: primaryKey) }
/// }
/// ```
public protocol Model: Sendable {
  /// The typed column handles the query builder's closures receive (`$0.age`).
  associatedtype Columns: ModelColumns
  /// The primary key's type, non-optional (`Int64` for `@ID var id: Int64?`).
  associatedtype ID: SQLValueConvertible

  /// The table's name.
  static var tableName: String { get }
  /// Columns, their types and constraints, in the order of ``columnValues``.
  static var schema: TableSchema { get }

  /// Decodes a row whose columns were located with `layout` (once per result).
  /// - Throws: ``RowDecodingError``.
  init(row: Row, layout: RowLayout) throws

  /// The value of every column, in ``schema`` order.
  var columnValues: [SQLValue] { get }

  /// The primary key's value: `.null` while a generated key is not assigned yet.
  var primaryKeyValue: SQLValue { get }

  /// Stores the key the database generated on insert.
  /// - Throws: ``SQLValueConversionError`` if the value does not fit the key's type.
  mutating func didInsert(primaryKey: SQLValue) throws
}

/// The typed columns of a model, for one table name or alias.
public protocol ModelColumns: Sendable {
  /// Handles that render as `table.column`.
  init(table: String)
}

extension Model {
  /// The typed columns for the model's own table.
  public static var columns: Columns { Columns(table: tableName) }

  /// A model with nothing to assign keeps its key.
  public mutating func didInsert(primaryKey: SQLValue) throws {}
}
