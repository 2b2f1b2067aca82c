import Model

extension Model {
  /// `INSERT ... ON CONFLICT (column) DO UPDATE SET <the other columns> = excluded...
  /// RETURNING key`: inserts, or updates the row that has the same value in `column`.
  ///
  /// ```swift
  /// try await alice.upsert(db, onConflict: \.handle)
  /// ```
  /// - Throws: ``DatabaseError`` naming the model's fields.
  public mutating func upsert<V>(_ db: any Database, onConflict column: KeyPath<Columns, Column<Self, V>>) async throws {
    try await upsert(db, conflictTarget: [Self.columns[keyPath: column].name])
  }

  /// Upsert on the primary key.
  public mutating func upsert(_ db: any Database) async throws {
    guard let key = Self.schema.primaryKey else {
      throw PersistenceError(.missingPrimaryKey, model: Self.self, table: Self.tableName)
    }
    try await upsert(db, conflictTarget: [key.name])
  }

  private mutating func upsert(_ db: any Database, conflictTarget: [String]) async throws {
    let plan = Self.insertPlan(for: columnValues, keyIsSet: !primaryKeyValue.isNull)
    let key = Self.schema.primaryKey?.name
    let updated = plan.columns.filter { !conflictTarget.contains($0) && $0 != key }
    let statement = InsertStatement(table: Self.tableName, columns: plan.columns, rows: [plan.values],
                                    conflict: .doUpdate(target: conflictTarget, columns: updated),
                                    returning: key.map { [$0] } ?? [])
    try await attributingErrors(to: Self.self, db: db, columns: plan.columns, rows: [plan.values]) {
      if let row = try await db.fetchOne(statement.sql), plan.returnsKey != nil {
        try didInsert(primaryKey: row[0])
      }
    }
  }
}
