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
      ? "SELECT COUNT(*) FROM (" + counting.unresolved(selecting: M.selection(as: reference)) + ") AS counted"
      : counting.unresolved(selecting: "COUNT(*)")
    return try await db.fetchValue(try sql.resolved(for: db.dialect), as: Int.self) ?? 0
  }

  /// Whether any row matches.
  /// - Throws: ``MisuseError`` for a query with a row lock (see ``existsExpression``)
  ///   or what the dialect cannot express; ``DatabaseError``.
  public func exists(_ db: any Database) async throws -> Bool {
    let sql: SQL = "SELECT EXISTS (" + existsSubquery + ")"
    return try await db.fetchValue(try sql.resolved(for: db.dialect), as: Bool.self) ?? false
  }

  /// `EXISTS (subquery)` as a condition for another query; it may refer to the outer
  /// query's columns (a correlated subquery). The subquery is rendered with that
  /// query, for its dialect, and what the dialect cannot express in it throws then.
  ///
  /// A query with a row lock is refused (rendering the outer statement throws, on
  /// every dialect): EXISTS reads at most one row, so the rows the query matches
  /// would not be the rows locked. Fetch the rows to lock them.
  public var existsExpression: SQLExpression<Bool> {
    SQLExpression("EXISTS (" + existsSubquery + ")")
  }

  /// `SELECT 1 ... LIMIT 1`, without the ordering; refused everywhere for a locking
  /// query (its lock is written as asked, so that it is never silently dropped).
  private var existsSubquery: SQL {
    var sql = SQL()
    if clauses.lock != nil {
      for dialect in SQLDialect.allCases {
        sql.refuse(dialect, MisuseError("exists of a query with forUpdate/forShare: EXISTS reads at most one row, so the rows the query matches would not be locked; fetch the rows to lock them"))
      }
    }
    var probe = self
    probe.clauses.orderings = []
    probe.clauses.limit = 1
    sql.append(probe.unresolved(selecting: "1"))
    return sql
  }
}
