import Model

/// A SELECT of chosen expressions instead of whole models; rows decode into tuples.
///
/// ```swift
/// let names: [String] = try await User.select { $0.name }.where { $0.id.in([1, 2, 3]) }.fetchAll(db)
/// let byStatus = try await User.select { ($0.status, $0.id.count()) }
///   .group { $0.status }.having { $0.id.count() > 1 }.fetchAll(db)   // [(Status, Int)]
/// ```
public struct Projection<M: Model, each V: SQLValueConvertible>: Sendable {
  /// The clauses so far.
  public internal(set) var clauses: SelectClauses
  let selection: [SQL]
  /// The table's alias in the statement, if it has one.
  let alias: String?

  init(clauses: SelectClauses, selection: [SQL], alias: String?) {
    self.clauses = clauses
    self.selection = selection
    self.alias = alias
  }

  /// The model's columns as the statement names them.
  private var columns: M.Columns { M.Columns(table: alias ?? M.tableName) }

  /// Keeps rows where `predicate` holds.
  public func `where`<P: SQLExpressible>(_ predicate: (M.Columns) -> P) -> Self where P.Value == Bool {
    var copy = self
    copy.clauses.filters.append(predicate(columns).expression.sql)
    return copy
  }

  /// `GROUP BY` one or more expressions: `.group { $0.status }` or `.group { ($0.a, $0.b) }`.
  public func group<each G: SQLExpressible>(_ groups: (M.Columns) -> (repeat each G)) -> Self {
    var copy = self
    for sql in expressionList(repeat each groups(columns)) { copy.clauses.groupings.append(sql) }
    return copy
  }

  /// `HAVING` a condition on the groups.
  public func having<P: SQLExpressible>(_ predicate: (M.Columns) -> P) -> Self where P.Value == Bool {
    var copy = self
    copy.clauses.havings.append(predicate(columns).expression.sql)
    return copy
  }

  /// Sorts by one term.
  public func order(_ ordering: (M.Columns) -> Ordering) -> Self {
    var copy = self
    copy.clauses.orderings.append(ordering(columns).sql)
    return copy
  }

  /// Sorts by several terms.
  public func order(_ orderings: (M.Columns) -> [Ordering]) -> Self {
    var copy = self
    copy.clauses.orderings += orderings(columns).map(\.sql)
    return copy
  }

  /// At most `count` rows.
  public func limit(_ count: Int) -> Self {
    var copy = self
    copy.clauses.limit = Swift.max(0, count)
    return copy
  }

  /// Skips the first `count` rows.
  public func offset(_ count: Int) -> Self {
    var copy = self
    copy.clauses.offset = Swift.max(0, count)
    return copy
  }

  /// `SELECT DISTINCT`.
  public func distinct() -> Self {
    var copy = self
    copy.clauses.isDistinct = true
    return copy
  }

  /// The statement's SQL and binds for `dialect`.
  /// - Throws: ``MisuseError`` for a clause the dialect cannot express.
  public func sql(_ dialect: SQLDialect) throws -> RenderedSQL {
    try statement(dialect).render(dialect)
  }

  /// The SELECT, columns still model columns, for any dialect: as a subquery it is
  /// checked for the outer statement's dialect when that statement is rendered.
  func unresolved() -> SQL {
    clauses.select(SQL.joined(selection, separator: ", "), from: SQL(segments: [.table(M.tableName, alias: alias)]))
  }

  func statement(_ dialect: SQLDialect) throws -> SQL { try unresolved().resolved(for: dialect) }

  /// Every row as a tuple (a single value when one expression is selected).
  /// - Throws: ``DatabaseError``, ``MisuseError``, ``RowDecodingError``.
  public func fetchAll(_ db: any Database) async throws -> [(repeat each V)] {
    try await db.fetchAll(try statement(db.dialect)).map { try decodeTuple($0, repeat (each V).self) }
  }

  /// The first row as a tuple, or nil.
  public func fetchOne(_ db: any Database) async throws -> (repeat each V)? {
    var limited = self
    limited.clauses.limit = 1
    guard let row = try await db.fetchOne(try limited.statement(db.dialect)) else { return nil }
    let tuple: (repeat each V) = try decodeTuple(row, repeat (each V).self)
    return tuple
  }
}

/// Decodes columns 0, 1, ... of `row` as the pack's types, in order.
func decodeTuple<each T: SQLValueConvertible>(_ row: Row, from start: Int = 0, _ types: repeat (each T).Type) throws -> (repeat each T) {
  var index = start
  func next<U: SQLValueConvertible>(_ type: U.Type) throws -> U {
    defer { index += 1 }
    return try row.decode(U.self, at: index)
  }
  return (repeat try next(each types))
}

/// The SQL of each expression in a pack.
func expressionList<each E: SQLExpressible>(_ expressions: repeat each E) -> [SQL] {
  var list: [SQL] = []
  for expression in repeat each expressions { list.append(expression.expression.sql) }
  return list
}

extension Query {
  /// Selects expressions instead of whole models: `User.select { ($0.name, $0.age) }`.
  public func select<each E: SQLExpressible>(_ selection: (M.Columns) -> (repeat each E))
    -> Projection<M, repeat (each E).Value> where repeat (each E).Value: SQLValueConvertible {
    Projection(clauses: clauses, selection: expressionList(repeat each selection(columns)), alias: alias)
  }
}

extension Model {
  /// Selects expressions from every row: `User.select { ($0.name, $0.age) }`.
  public static func select<each E: SQLExpressible>(_ selection: (Columns) -> (repeat each E))
    -> Projection<Self, repeat (each E).Value> where repeat (each E).Value: SQLValueConvertible {
    Query<Self>().select(selection)
  }

  /// Selects one expression from every row: `User.select { $0.name }`.
  public static func select<E: SQLExpressible>(_ selection: (Columns) -> E)
    -> Projection<Self, E.Value> where E.Value: SQLValueConvertible {
    Query<Self>().select(selection)
  }
}

extension Query {
  /// Selects one expression. Written apart from the tuple form because the type checker
  /// cannot infer a one-element pack from context: without it,
  /// `$0.id.in(Order.select { $0.userID })` does not compile.
  public func select<E: SQLExpressible>(_ selection: (M.Columns) -> E)
    -> Projection<M, E.Value> where E.Value: SQLValueConvertible {
    Projection(clauses: clauses, selection: [selection(columns).expression.sql], alias: alias)
  }
}

extension SQLExpressible where Value: SQLValueConvertible {
  /// `x IN (SELECT y FROM ...)` with a one-column projection of the same type.
  ///
  /// The subquery is rendered with the statement that holds it, for that statement's
  /// dialect; what the dialect cannot express in it (a row lock on SQLite) makes that
  /// statement's `sql(_:)` and fetches throw. On PostgreSQL a locking subquery is
  /// sent as written, which is how a queue claims rows:
  ///
  /// ```swift
  /// let next = Job.where { $0.state == .queued }.order { $0.id.asc() }.limit(10)
  ///   .forUpdate(skipLocked: true).select { $0.id }
  /// try await Job.aliased("claimed").where { $0.id.in(next) }.update(db) { $0.state = .running }
  /// ```
  public func `in`<N: Model>(_ subquery: Projection<N, Value>) -> SQLExpression<Bool> {
    SQLExpression(expression.sql + " IN (" + subquery.unresolved() + ")")
  }
}
