import Model

extension Model {
  /// Inserts many models in as few statements as the dialect's bind limit allows
  /// (multi-row `INSERT ... VALUES`, NULLs included), and returns them with generated
  /// keys filled in.
  ///
  /// ```swift
  /// let saved = try await User.insertAll(db, [u1, u2, u3])
  /// ```
  /// Generated keys come back through `RETURNING` and are assigned in ascending order:
  /// both PostgreSQL identities and SQLite rowids are allocated in the order the
  /// VALUES rows are processed, which is the order given.
  /// - Throws: ``DatabaseError`` naming the model's fields. Statements run one after
  ///   another: put the call in a transaction to make it all-or-nothing.
  @discardableResult
  public static func insertAll(_ db: any Database, _ models: [Self]) async throws -> [Self] {
    guard !models.isEmpty else { return [] }
    var result = models
    // Models whose generated key is unset omit the key column; the others carry it.
    let unkeyed = models.indices.filter { models[$0].primaryKeyValue.isNull }
    let keyed = models.indices.filter { !models[$0].primaryKeyValue.isNull }
    for (indices, keyIsSet) in [(keyed, true), (unkeyed, false)] where !indices.isEmpty {
      let width = insertPlan(for: models[indices[0]].columnValues, keyIsSet: keyIsSet).columns.count
      let perStatement = Swift.max(1, db.dialect.maxBindCount / Swift.max(1, width))
      var start = 0
      while start < indices.count {
        let chunk = Array(indices[start..<Swift.min(start + perStatement, indices.count)])
        try await insertChunk(db, chunk, into: &result, keyIsSet: keyIsSet)
        start += chunk.count
      }
    }
    return result
  }

  private static func insertChunk(_ db: any Database, _ chunk: [Int], into models: inout [Self], keyIsSet: Bool) async throws {
    var rows: [[SQLValue]] = []
    rows.reserveCapacity(chunk.count)
    let plan = insertPlan(for: models[chunk[0]].columnValues, keyIsSet: keyIsSet)
    for index in chunk { rows.append(insertPlan(for: models[index].columnValues, keyIsSet: keyIsSet).values) }
    let statement = InsertStatement(table: tableName, columns: plan.columns, rows: rows,
                                    returning: plan.returnsKey.map { [$0] } ?? [])
    try await attributingErrors(to: Self.self, db: db, columns: plan.columns, rows: rows) {
      guard plan.returnsKey != nil else {
        try await db.execute(statement.sql)
        return
      }
      let keys = try await db.fetchAll(statement.sql).map { $0[0] }
      guard keys.count == chunk.count else {
        throw DatabaseError(code: .internalError, message: "INSERT returned \(keys.count) keys for \(chunk.count) rows")
      }
      let sorted = try keys.sorted { try Int64(sqlValue: $0) < Int64(sqlValue: $1) }
      for (index, key) in zip(chunk, sorted) { try models[index].didInsert(primaryKey: key) }
    }
  }
}
