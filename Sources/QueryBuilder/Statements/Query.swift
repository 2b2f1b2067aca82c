import Model

/// A SELECT of whole models, built as a value: every method returns a new query.
///
/// ```swift
/// let adults = try await User
///   .where { $0.age >= 18 && $0.name.like("A%") }
///   .order { $0.name.asc() }
///   .limit(10)
///   .fetchAll(db)
/// ```
public struct Query<M: Model>: Sendable {
  /// The clauses so far.
  public internal(set) var clauses = SelectClauses()

  /// An unfiltered query of every row.
  public init() {}

  /// Keeps rows where `predicate` holds (ANDed with earlier conditions).
  public func `where`<P: SQLExpressible>(_ predicate: (M.Columns) -> P) -> Query where P.Value == Bool {
    var copy = self
    copy.clauses.filters.append(predicate(M.columns).expression.sql)
    return copy
  }

  /// Sorts by one term (after earlier ones).
  public func order(_ ordering: (M.Columns) -> Ordering) -> Query {
    var copy = self
    copy.clauses.orderings.append(ordering(M.columns).sql)
    return copy
  }

  /// Sorts by several terms, in order.
  public func order(_ orderings: (M.Columns) -> [Ordering]) -> Query {
    var copy = self
    copy.clauses.orderings += orderings(M.columns).map(\.sql)
    return copy
  }

  /// At most `count` rows.
  public func limit(_ count: Int) -> Query {
    var copy = self
    copy.clauses.limit = Swift.max(0, count)
    return copy
  }

  /// Skips the first `count` rows.
  public func offset(_ count: Int) -> Query {
    var copy = self
    copy.clauses.offset = Swift.max(0, count)
    return copy
  }

  /// `SELECT DISTINCT`.
  public func distinct() -> Query {
    var copy = self
    copy.clauses.isDistinct = true
    return copy
  }

  /// `FOR UPDATE [SKIP LOCKED] [NOWAIT]`: locks the selected rows until the end of the
  /// transaction. PostgreSQL only: rendering for SQLite throws.
  public func forUpdate(skipLocked: Bool = false, noWait: Bool = false) -> Query {
    var copy = self
    copy.clauses.lock = .forUpdate(skipLocked: skipLocked, noWait: noWait)
    return copy
  }

  /// `FOR SHARE [SKIP LOCKED] [NOWAIT]` (PostgreSQL only).
  public func forShare(skipLocked: Bool = false, noWait: Bool = false) -> Query {
    var copy = self
    copy.clauses.lock = .forShare(skipLocked: skipLocked, noWait: noWait)
    return copy
  }

  /// The statement's SQL and binds for `dialect`, without running it.
  /// - Throws: ``MisuseError`` for a clause the dialect cannot express.
  public func sql(_ dialect: SQLDialect) throws -> RenderedSQL {
    try statement(dialect).render(dialect)
  }

  /// The statement as run (columns resolved).
  @usableFromInline
  func statement(_ dialect: SQLDialect) throws -> SQL {
    try unresolved(selecting: M.selection, dialect).resolvingColumns()
  }

  /// The SELECT with `selection`, columns still model columns (for use as a subquery).
  func unresolved(selecting selection: SQL, _ dialect: SQLDialect) throws -> SQL {
    try clauses.select(selection, from: SQL(segments: [.table(M.tableName)]), dialect: dialect)
  }
}

extension Model {
  /// Every row of the model's table.
  public static var all: Query<Self> { Query() }

  /// Rows where `predicate` holds: `User.where { $0.age >= 18 }`.
  public static func `where`<P: SQLExpressible>(_ predicate: (Columns) -> P) -> Query<Self> where P.Value == Bool {
    Query().where(predicate)
  }

  /// Every row, sorted.
  public static func order(_ ordering: (Columns) -> Ordering) -> Query<Self> { Query().order(ordering) }

  /// Every row, sorted by several terms.
  public static func order(_ orderings: (Columns) -> [Ordering]) -> Query<Self> { Query().order(orderings) }

  /// The first `count` rows.
  public static func limit(_ count: Int) -> Query<Self> { Query().limit(count) }

  /// The model's columns, in schema order, unqualified unless the statement joins.
  static var selection: SQL {
    SQL.joined(schema.columns.map { column in
      var sql = SQL()
      sql.append(column: column.name, table: tableName)
      return sql
    }, separator: ", ")
  }
}
