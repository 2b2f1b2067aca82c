import Model

extension Query {
  /// Every matching model.
  /// - Throws: ``DatabaseError``, ``MisuseError``, ``RowDecodingError``.
  @inlinable  // specialised for the concrete model where it is called: decoding stays out of generic code
  public func fetchAll(_ db: any Database) async throws -> [M] {
    let rows = try await db.fetchAll(try statement(db.dialect))
    let layout = RowLayout(sequentialFrom: 0, count: M.schema.columns.count)
    return try rows.map { try M(row: $0, layout: layout) }
  }

  /// The first matching model (the query is limited to one row).
  /// - Throws: ``DatabaseError``, ``MisuseError``, ``RowDecodingError``.
  public func fetchOne(_ db: any Database) async throws -> M? {
    var limited = self
    limited.clauses.limit = 1
    guard let row = try await db.fetchOne(try limited.statement(db.dialect)) else { return nil }
    return try M(row: row, layout: RowLayout(sequentialFrom: 0, count: M.schema.columns.count))
  }

  /// The number of matching rows.
  /// - Throws: ``MisuseError`` for a query with a row lock (PostgreSQL cannot lock the
  ///   rows behind an aggregate; fetch the locked rows instead); ``DatabaseError``.
  public func count(_ db: any Database) async throws -> Int {
    if clauses.lock != nil {
      throw MisuseError("count() of a query with forUpdate/forShare: rows behind an aggregate cannot be locked; fetch the rows to lock them")
    }
    var counting = self
    counting.clauses.orderings = []
    let needsSubquery = clauses.isDistinct || clauses.limit != nil || clauses.offset != nil
    let sql: SQL = needsSubquery
      ? "SELECT COUNT(*) FROM (" + (try counting.unresolved(selecting: M.selection(as: reference), db.dialect)) + ") AS counted"
      : try counting.unresolved(selecting: "COUNT(*)", db.dialect)
    return try await db.fetchValue(try sql.resolvingColumns(), as: Int.self) ?? 0
  }

  /// Whether any row matches.
  public func exists(_ db: any Database) async throws -> Bool {
    let sql: SQL = "SELECT EXISTS (" + (try existsSubquery(db.dialect)) + ")"
    return try await db.fetchValue(try sql.resolvingColumns(), as: Bool.self) ?? false
  }

  /// `EXISTS (subquery)` as a condition for another query; it may refer to the outer
  /// query's columns (a correlated subquery).
  public var existsExpression: SQLExpression<Bool> {
    // Row locks are dropped from a subquery, so rendering cannot fail.
    let inner = (try? existsSubquery(.postgres)) ?? "SELECT 1"
    return SQLExpression("EXISTS (" + inner + ")")
  }

  private func existsSubquery(_ dialect: SQLDialect) throws -> SQL {
    var probe = self
    probe.clauses.orderings = []
    probe.clauses.lock = nil
    probe.clauses.limit = 1
    return try probe.unresolved(selecting: "1", dialect)
  }
}
