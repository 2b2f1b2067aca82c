import Model

/// A `CREATE [UNIQUE] INDEX` over one or more columns of a table.
///
/// ```swift
/// let index = CreateIndex(name: "orders_user_id_placed_at_idx", table: "orders",
///                         columns: ["user_id", "placed_at"])
/// try index.sql(.postgres)
/// // CREATE INDEX "orders_user_id_placed_at_idx" ON "orders" ("user_id", "placed_at")
/// try await db.execute(index)
/// ```
///
/// ``CreateTable`` makes these for the columns flagged `indexed` and for the schema's
/// ``TableSchema/indexes``. See https://www.postgresql.org/docs/current/sql-createindex.html
/// and https://www.sqlite.org/lang_createindex.html.
public struct CreateIndex: SchemaStatement, Hashable {
  /// The index's name.
  public var name: String
  /// The indexed table.
  public var table: String
  /// The indexed columns, in order.
  public var columns: [String]
  /// Whether it is a UNIQUE index.
  public var isUnique: Bool
  /// Whether to write `IF NOT EXISTS` (an existing index of that name is left alone).
  public var ifNotExists: Bool

  /// An index named `name` on `table(columns)`.
  public init(name: String, table: String, columns: [String], isUnique: Bool = false, ifNotExists: Bool = false) {
    self.name = name
    self.table = table
    self.columns = columns
    self.isUnique = isUnique
    self.ifNotExists = ifNotExists
  }

  /// The index a schema declares on `table`; an unnamed one is named
  /// `<table>_<column>_..._idx`.
  public init(_ index: TableSchema.Index, table: String, ifNotExists: Bool = false) {
    let name = index.name.isEmpty ? Self.defaultName(table: table, columns: index.columns) : index.name
    self.init(name: name, table: table, columns: index.columns, isUnique: index.isUnique, ifNotExists: ifNotExists)
  }

  /// `<table>_<column>_..._idx`, PostgreSQL's own choice for an unnamed index.
  public static func defaultName(table: String, columns: [String]) -> String {
    ([table] + columns + ["idx"]).joined(separator: "_")
  }

  /// The one `CREATE INDEX` statement, the same in both dialects but for quoting.
  /// - Throws: ``MisuseError`` when the name, table or column list is empty.
  public func sql(_ dialect: SQLDialect) throws -> [RenderedSQL] {
    guard !name.isEmpty, !table.isEmpty else { throw MisuseError("an index needs a name and a table") }
    guard !columns.isEmpty, !columns.contains(where: \.isEmpty) else {
      throw MisuseError("index \"\(name)\" on \"\(table)\" needs at least one column, each with a name")
    }
    var text = isUnique ? "CREATE UNIQUE INDEX " : "CREATE INDEX "
    if ifNotExists { text += "IF NOT EXISTS " }
    text += dialect.quoteIdentifier(name) + " ON " + dialect.quoteIdentifier(table)
    text += " (" + columns.map(dialect.quoteIdentifier).joined(separator: ", ") + ")"
    return try validated([RenderedSQL(text: text, binds: [])], for: dialect)
  }
}
