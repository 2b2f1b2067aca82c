import Model

/// A `DROP TABLE`, optionally `IF EXISTS` and (PostgreSQL only) `CASCADE`.
///
/// ```swift
/// try DropTable("users", ifExists: true).sql(.sqlite)    // DROP TABLE IF EXISTS "users"
/// try DropTable(User.self, cascade: true).sql(.postgres) // DROP TABLE "users" CASCADE
/// try DropTable("users", cascade: true).sql(.sqlite)     // throws MisuseError
/// ```
///
/// SQLite has no CASCADE: it drops the table and leaves referencing tables pointing at
/// nothing. Asking for CASCADE there throws rather than dropping the word and its
/// meaning. See https://www.postgresql.org/docs/current/sql-droptable.html and
/// https://www.sqlite.org/lang_droptable.html.
public struct DropTable: SchemaStatement, Hashable {
  /// The table's name.
  public var name: String
  /// Whether a missing table is fine (`IF EXISTS`) rather than an error.
  public var ifExists: Bool
  /// Whether to drop what depends on the table too: views, and the foreign-key
  /// constraints of other tables (not their rows). PostgreSQL only.
  public var cascade: Bool

  /// Drops the table `name`.
  public init(_ name: String, ifExists: Bool = false, cascade: Bool = false) {
    self.name = name
    self.ifExists = ifExists
    self.cascade = cascade
  }

  /// Drops a model's table.
  public init<M: Model>(_ model: M.Type, ifExists: Bool = false, cascade: Bool = false) {
    self.init(M.schema.name, ifExists: ifExists, cascade: cascade)
  }

  /// The one `DROP TABLE` statement.
  /// - Throws: ``MisuseError`` for CASCADE on SQLite, or an empty name.
  public func sql(_ dialect: SQLDialect) throws -> [RenderedSQL] {
    guard !name.isEmpty else { throw MisuseError("DROP TABLE needs a table name") }
    var text = "DROP TABLE "
    if ifExists { text += "IF EXISTS " }
    text += dialect.quoteIdentifier(name)
    if cascade {
      switch dialect {
      case .postgres: text += " CASCADE"
      case .sqlite:
        throw MisuseError("DROP TABLE ... CASCADE is not supported by SQLite; drop the dependent tables first")
      }
    }
    return try validated([RenderedSQL(text: text, binds: [])], for: dialect)
  }
}
