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
  /// The name the table goes by in the statement, when it is not its own (see
  /// ``aliased(_:)``).
  public internal(set) var alias: String?

  /// An unfiltered query of every row.
  public init() {}

  /// The same query with its table called `alias` (`FROM "users" AS "alias"`): needed
  /// when a subquery reads the outer query's table, so each side's columns say which
  /// row they mean.
  ///
  /// ```swift
  /// // Employees who manage someone: a subquery over the same table.
  /// let managers = try await Employee.where { e in
  ///   Employee.aliased("report").where { $0.managerID == e.id }.existsExpression
  /// }.fetchAll(db)
  /// ```
  public func aliased(_ alias: String) -> Query {
    var copy = self
    copy.alias = alias
    return copy
  }

  /// What the statement calls the table: its alias, or its name.
  var reference: String { alias ?? M.tableName }

  /// The model's columns as the statement names them.
  var columns: M.Columns { M.Columns(table: reference) }

  /// The FROM item: the table, with its alias if it has one.
  var fromItem: SQL { SQL(segments: [.table(M.tableName, alias: alias)]) }

  /// Keeps rows where `predicate` holds (ANDed with earlier conditions).
  public func `where`<P: SQLExpressible>(_ predicate: (M.Columns) -> P) -> Query where P.Value == Bool {
    var copy = self
    copy.clauses.filters.append(predicate(columns).expression.sql)
    return copy
  }

  /// Sorts by one term (after earlier ones).
  public func order(_ ordering: (M.Columns) -> Ordering) -> Query {
    var copy = self
    copy.clauses.orderings.append(ordering(columns).sql)
    return copy
  }

  /// Sorts by several terms, in order.
  public func order(_ orderings: (M.Columns) -> [Ordering]) -> Query {
    var copy = self
    copy.clauses.orderings += orderings(columns).map(\.sql)
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
  /// transaction. PostgreSQL only: rendering for SQLite throws, for the query itself
  /// and for any statement that has it as a subquery (`$0.id.in(locked.select { $0.id })`,
  /// the queue pattern with `skipLocked`). `count` and `exists` refuse a locking query.
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

  /// The statement as run in `dialect` (checked for it, columns resolved).
  @usableFromInline
  func statement(_ dialect: SQLDialect) throws -> SQL {
    try unresolved(selecting: M.selection(as: reference)).resolved(for: dialect)
  }

  /// The SELECT with `selection`, columns still model columns, for any dialect (for
  /// use as a subquery: what a dialect cannot express throws when the outer statement
  /// is rendered for it).
  func unresolved(selecting selection: SQL) -> SQL {
    clauses.select(selection, from: fromItem)
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

  /// Every row, with the table called `alias` in the statement (see ``Query/aliased(_:)``).
  public static func aliased(_ alias: String) -> Query<Self> { Query().aliased(alias) }

  /// The model's columns, in schema order, of the table called `reference` in the
  /// statement; unqualified unless the statement reads several tables.
  static func selection(as reference: String) -> SQL {
    SQL.joined(schema.columns.map { column in
      var sql = SQL()
      sql.append(column: column.name, table: reference)
      return sql
    }, separator: ", ")
  }
}
