import Model

extension Model {
  /// The model with primary key `id`, or nil.
  /// - Throws: ``DatabaseError``, ``RowDecodingError``.
  public static func fetchOne(_ db: any Database, id: ID) async throws -> Self? {
    try await keyed(id).fetchOne(db)
  }

  /// The model with primary key `id`.
  /// - Throws: ``PersistenceError`` `.notFound`; ``DatabaseError``.
  public static func find(_ db: any Database, id: ID) async throws -> Self {
    guard let model = try await fetchOne(db, id: id) else {
      throw PersistenceError(.notFound, model: Self.self, table: tableName)
    }
    return model
  }

  /// Every row of the table.
  public static func fetchAll(_ db: any Database) async throws -> [Self] { try await all.fetchAll(db) }

  /// The number of rows in the table.
  public static func count(_ db: any Database) async throws -> Int { try await all.count(db) }

  private static func keyed(_ id: ID) throws -> Query<Self> {
    guard let key = schema.primaryKey else {
      throw PersistenceError(.missingPrimaryKey, model: Self.self, table: tableName)
    }
    let condition = Column<Self, ID>(key.name, table: tableName) == id
    var query = Query<Self>()
    query.clauses.filters.append(condition.sql)
    return query
  }
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
