import Model

extension Model {
  /// `INSERT ... RETURNING key`: stores the model; a generated key that was nil is
  /// filled in from the database.
  ///
  /// ```swift
  /// var alice = User(name: "Alice", ...)
  /// try await alice.insert(db)     // alice.id is now set
  /// ```
  /// - Throws: ``DatabaseError`` naming the model's fields behind a violated
  ///   constraint (``DatabaseError/modelFields``).
  public mutating func insert(_ db: any Database) async throws {
    let keyIsSet = !primaryKeyValue.isNull
    let plan = Self.insertPlan(for: columnValues, keyIsSet: keyIsSet)
    let template = ModelStatementTemplates.template(.insert(keyIsSet: keyIsSet), of: Self.self, db.dialect) {
      InsertStatement(table: Self.tableName, columns: plan.columns, rows: [plan.values],
                      returning: plan.returnsKey.map { [$0] } ?? []).sql
    }
    let sql = template.statement(plan.values)
    try await attributingErrors(to: Self.self, db: db, columns: plan.columns, rows: [plan.values]) {
      if plan.returnsKey == nil {
        try await db.execute(sql)
      } else {
        guard let row = try await db.fetchOne(sql) else {
          throw DatabaseError(code: .internalError, message: "INSERT ... RETURNING returned no row")
        }
        try didInsert(primaryKey: row[0])
      }
    }
  }

  /// The columns and values to insert: every column, except a generated key that is
  /// not set yet (the database assigns it and returns it).
  static func insertPlan(for values: [SQLValue], keyIsSet: Bool) -> (columns: [String], values: [SQLValue], returnsKey: String?) {
    var columns = schema.columns.map(\.name)
    var values = values
    guard !keyIsSet, let index = schema.columns.firstIndex(where: { $0.isPrimaryKey && $0.isGenerated }) else {
      return (columns, values, nil)
    }
    columns.remove(at: index)
    values.remove(at: index)
    return (columns, values, schema.columns[index].name)
  }
}
