import Model

extension Model {
  /// Inserts many models in as few statements as possible, and returns them with
  /// generated keys filled in.
  ///
  /// ```swift
  /// let saved = try await User.insertAll(db, [u1, u2, u3])
  /// ```
  /// On PostgreSQL the rows travel as one array parameter per column,
  /// `INSERT ... SELECT * FROM unnest($1::bigint[], $2::text[], ...)`, up to 10,000
  /// rows per statement; on SQLite as multi-row
  /// `INSERT ... VALUES` under its bind limit. NULLs are kept either way.
  ///
  /// Generated keys come back through `RETURNING` and are assigned in ascending order:
  /// both PostgreSQL identities and SQLite rowids are allocated in the order the rows
  /// are processed, which is the order given.
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
      let perStatement = width == 0 ? 1  // DEFAULT VALUES inserts one row
        : db.dialect.supportsArrayParameters ? arrayInsertBatchSize
        : Swift.max(1, db.dialect.maxBindCount / width)
      var start = 0
      while start < indices.count {
        let chunk = Array(indices[start..<Swift.min(start + perStatement, indices.count)])
        try await insertChunk(db, chunk, into: &result, keyIsSet: keyIsSet)
        start += chunk.count
      }
    }
    return result
  }

  /// The most rows one array-parameter `INSERT` carries.
  static var arrayInsertBatchSize: Int { 10_000 }

  private static func insertChunk(_ db: any Database, _ chunk: [Int], into models: inout [Self], keyIsSet: Bool) async throws {
    var rows: [[SQLValue]] = []
    rows.reserveCapacity(chunk.count)
    let plan = insertPlan(for: models[chunk[0]].columnValues, keyIsSet: keyIsSet)
    for index in chunk { rows.append(insertPlan(for: models[index].columnValues, keyIsSet: keyIsSet).values) }
    let returning = plan.returnsKey.map { [$0] } ?? []
    let sql = db.dialect.supportsArrayParameters && !plan.columns.isEmpty
      ? arrayInsert(columns: plan.columns, rows: rows, returning: returning)
      : InsertStatement(table: tableName, columns: plan.columns, rows: rows, returning: returning).sql
    try await attributingErrors(to: Self.self, db: db, columns: plan.columns, rows: rows) {
      guard plan.returnsKey != nil else {
        try await db.execute(sql)
        return
      }
      let keys = try await db.fetchAll(sql).map { $0[0] }
      guard keys.count == chunk.count else {
        throw DatabaseError(code: .internalError, message: "INSERT returned \(keys.count) keys for \(chunk.count) rows")
      }
      let sorted = try keys.sorted { try Int64(sqlValue: $0) < Int64(sqlValue: $1) }
      for (index, key) in zip(chunk, sorted) { try models[index].didInsert(primaryKey: key) }
    }
  }

  /// `INSERT INTO t (a, b) SELECT * FROM unnest($1::type[], $2::type[]) [RETURNING k]`:
  /// one array per column, cast to the column's type so the server knows the element
  /// type of each parameter.
  private static func arrayInsert(columns: [String], rows: [[SQLValue]], returning: [String]) -> SQL {
    var sql: SQL = "INSERT INTO \(identifier: tableName) ("
    sql.append(SQL.joined(columns.map { "\(identifier: $0)" }, separator: ", "))
    sql.append(unsafeRaw: ") SELECT * FROM unnest(")
    for (position, name) in columns.enumerated() {
      if position > 0 { sql.append(unsafeRaw: ", ") }
      var values: [SQLValue] = []
      values.reserveCapacity(rows.count)
      for row in rows { values.append(row[position]) }
      sql.append(bind: .array(values))
      let type = schema.columns.first { $0.name == name }?.type
      sql.append(unsafeRaw: "::" + (type.map { SQLDialect.postgres.columnType($0) } ?? "text") + "[]")
    }
    sql.append(unsafeRaw: ")")
    if !returning.isEmpty {
      sql.append(unsafeRaw: " RETURNING ")
      sql.append(SQL.joined(returning.map { "\(identifier: $0)" }, separator: ", "))
    }
    return sql
  }
}
