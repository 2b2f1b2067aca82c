import Model

extension Database {
  /// Runs a DDL statement: each statement it renders for ``dialect``, in order.
  ///
  /// ```swift
  /// try await db.execute(CreateIndex(name: "users_name_idx", table: "users", columns: ["name"]))
  /// ```
  ///
  /// The statements run one by one, not as a unit: inside a ``Migrator`` migration they
  /// share its transaction, so a failure leaves none of them behind.
  /// - Throws: ``MisuseError`` when the statement cannot be rendered for the dialect
  ///   (before anything runs); ``DatabaseError`` from the database.
  public func execute(_ statement: some SchemaStatement) async throws {
    for rendered in try statement.sql(dialect) {
      // Rendered DDL has no binds; its text goes to the database as it is.
      try await execute(SQL(unsafeRaw: rendered.text))
    }
  }

  /// Creates a model's table and its indexes, from ``Model/schema``.
  ///
  /// ```swift
  /// try await db.create(User.self, ifNotExists: true)
  /// ```
  /// - Parameter ifNotExists: leave an existing table (and index) of the same name alone.
  /// - Throws: ``MisuseError`` for a schema no database would create as described
  ///   (see ``CreateTable/sql(_:)``); ``DatabaseError`` (`.duplicateObject` when the
  ///   table exists and `ifNotExists` is false).
  public func create<M: Model>(_ model: M.Type, ifNotExists: Bool = false) async throws {
    for text in try ModelTableDDL.texts(of: M.self, ifNotExists: ifNotExists, dialect) {
      try await execute(SQL(unsafeRaw: text))
    }
  }

  /// Creates the table `schema` describes, and its indexes.
  ///
  /// ```swift
  /// try await db.create(table: TableSchema(name: "tags", columns: [
  ///   .column("id", property: "id", type: Int64?.self, primaryKey: true, generated: true),
  ///   .column("label", property: "label", type: String.self, unique: true),
  /// ]))
  /// ```
  /// - Throws: as ``create(_:ifNotExists:)``.
  public func create(table schema: TableSchema, ifNotExists: Bool = false) async throws {
    try await execute(CreateTable(schema, ifNotExists: ifNotExists))
  }

  /// Drops a model's table.
  ///
  /// ```swift
  /// try await db.drop(User.self, ifExists: true)
  /// ```
  /// - Parameters:
  ///   - ifExists: a missing table is fine rather than an error.
  ///   - cascade: drop dependent views and other tables' foreign-key constraints too
  ///     (PostgreSQL only).
  /// - Throws: ``MisuseError`` for `cascade` on SQLite; ``DatabaseError``
  ///   (`.undefinedTable` when the table is missing and `ifExists` is false).
  public func drop<M: Model>(_ model: M.Type, ifExists: Bool = false, cascade: Bool = false) async throws {
    try await execute(DropTable(M.self, ifExists: ifExists, cascade: cascade))
  }

  /// Drops the table named `name`.
  ///
  /// ```swift
  /// try await db.drop(table: "legacy_users", ifExists: true)
  /// ```
  /// - Throws: as ``drop(_:ifExists:cascade:)``.
  public func drop(table name: String, ifExists: Bool = false, cascade: Bool = false) async throws {
    try await execute(DropTable(name, ifExists: ifExists, cascade: cascade))
  }
}
