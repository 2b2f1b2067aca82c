import Model

extension Model {
  /// The model with primary key `id`, or nil.
  /// - Throws: ``DatabaseError``, ``RowDecodingError``.
  @inlinable  // specialised for the concrete model where it is called
  public static func fetchOne(_ db: any Database, id: ID) async throws -> Self? {
    let statement = try KeyedSelectTemplate.template(for: Self.self, db.dialect).statement(id.sqlValue)
    guard let row = try await db.fetchOne(statement) else { return nil }
    return try Self(row: row, layout: RowLayout(sequentialFrom: 0, count: schema.columns.count))
  }

  /// The model with primary key `id`.
  /// - Throws: ``PersistenceError`` `.notFound`; ``DatabaseError``.
  public static func find(_ db: any Database, id: ID) async throws -> Self {
    guard let model = try await fetchOne(db, id: id) else {
      throw PersistenceError(.notFound, model: Self.self, table: tableName, keyColumn: schema.primaryKey?.name,
                             keyValue: id.sqlValue)
    }
    return model
  }

  /// Every row of the table.
  @inlinable
  public static func fetchAll(_ db: any Database) async throws -> [Self] { try await all.fetchAll(db) }

  /// The number of rows in the table.
  public static func count(_ db: any Database) async throws -> Int { try await all.count(db) }
}

extension Database {
  /// Models from raw SQL; columns are matched by name once per result, in any order.
  ///
  /// ```swift
  /// let users = try await db.fetchAll(User.self, "SELECT * FROM users WHERE age > \(18)")
  /// ```
  /// - Throws: ``DatabaseError``, ``RowDecodingError`` (a model column is missing).
  public func fetchAll<M: Model>(_ type: M.Type, _ sql: SQL) async throws -> [M] {
    let rows = try await fetchAll(sql)
    guard let first = rows.first else { return [] }
    let layout = try RowLayout(M.schema, columns: first.columns)
    return try rows.map { try M(row: $0, layout: layout) }
  }

  /// The first model from raw SQL, or nil.
  public func fetchOne<M: Model>(_ type: M.Type, _ sql: SQL) async throws -> M? {
    guard let row = try await fetchOne(sql) else { return nil }
    return try M(row: row, layout: RowLayout(M.schema, columns: row.columns))
  }
}
