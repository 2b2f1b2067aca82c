import Model

extension Model {
  /// `UPDATE ... SET <every other column> WHERE key = $n`.
  /// - Throws: ``PersistenceError`` `.missingPrimaryKey` or `.notFound` (no row has
  ///   the key); ``DatabaseError`` naming the model's fields.
  public func update(_ db: any Database) async throws {
    let (key, keyValue) = try Self.requireKey(primaryKeyValue)
    let values = columnValues
    let assignments = zip(Self.schema.columns, values).filter { !$0.0.isPrimaryKey }.map { column, value in
      "\(identifier: column.name) = " + SQL(segments: [.bind(value)])
    }
    guard !assignments.isEmpty else { return }  // only a key: nothing to change
    let sql: SQL = "UPDATE \(identifier: Self.tableName) SET " + SQL.joined(assignments, separator: ", ")
      + " WHERE \(identifier: key.name) = " + SQL(segments: [.bind(keyValue)])
    let changed = try await attributingErrors(to: Self.self, db: db, columns: Self.schema.columns.map(\.name), rows: [values]) {
      try await db.execute(sql)
    }
    if changed == 0 {
      throw PersistenceError(.notFound, model: Self.self, table: Self.tableName, keyColumn: key.name, keyValue: keyValue)
    }
  }

  /// Inserts when the key is not set, else updates.
  /// - Throws: like ``insert(_:)`` and ``update(_:)``.
  public mutating func save(_ db: any Database) async throws {
    if primaryKeyValue.isNull { try await insert(db) } else { try await update(db) }
  }

  /// `DELETE ... WHERE key = $1`.
  /// - Returns: whether a row was deleted.
  /// - Throws: ``PersistenceError`` `.missingPrimaryKey`; ``DatabaseError``.
  @discardableResult
  public func delete(_ db: any Database) async throws -> Bool {
    let (key, keyValue) = try Self.requireKey(primaryKeyValue)
    let sql: SQL = "DELETE FROM \(identifier: Self.tableName) WHERE \(identifier: key.name) = " + SQL(segments: [.bind(keyValue)])
    return try await attributingErrors(to: Self.self, db: db) { try await db.execute(sql) } > 0
  }

  static func requireKey(_ value: SQLValue) throws -> (ColumnSchema, SQLValue) {
    guard let key = schema.primaryKey, !value.isNull else {
      throw PersistenceError(.missingPrimaryKey, model: Self.self, table: tableName)
    }
    return (key, value)
  }
}
