import Model

/// An inner join of two or more models; closures receive each model's columns.
///
/// ```swift
/// let rows = try await Order.join(User.self) { o, u in o.userID == u.id }
///   .where { _, u in u.name == "Alice" }
///   .select { o, u in (o.amount, u.email) }
///   .fetchAll(db)
/// let pairs: [(Order, User)] = try await Order.join(User.self) { o, u in o.userID == u.id }.fetchAll(db)
/// ```
public struct Join<each M: Model>: Sendable {
  /// The clauses so far.
  public internal(set) var clauses = SelectClauses()
  var source: SQL

  init(source: SQL) { self.source = source }

  /// Keeps rows where `predicate` holds.
  public func `where`<P: SQLExpressible>(_ predicate: (repeat (each M).Columns) -> P) -> Self where P.Value == Bool {
    var copy = self
    copy.clauses.filters.append(predicate(repeat (each M).columns).expression.sql)
    return copy
  }

  /// Sorts by one term.
  public func order(_ ordering: (repeat (each M).Columns) -> Ordering) -> Self {
    var copy = self
    copy.clauses.orderings.append(ordering(repeat (each M).columns).sql)
    return copy
  }

  /// Sorts by several terms.
  public func order(_ orderings: (repeat (each M).Columns) -> [Ordering]) -> Self {
    var copy = self
    copy.clauses.orderings += orderings(repeat (each M).columns).map(\.sql)
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

  /// Joins one more model.
  public func join<N: Model, P: SQLExpressible>(_ model: N.Type, on condition: (repeat (each M).Columns, N.Columns) -> P)
    -> Join<repeat each M, N> where P.Value == Bool {
    var next = Join<repeat each M, N>(source: source)
    next.clauses = clauses
    // Called from the extended join, where the closure's parameters are one pack.
    next.source = next.source + joinClause("JOIN", N.self, Join<repeat each M, N>.applying(condition))
    return next
  }

  /// LEFT JOINs a last model: rows without a match keep it as nil.
  public func leftJoin<N: Model, P: SQLExpressible>(_ model: N.Type, on condition: (repeat (each M).Columns, N.Columns) -> P)
    -> LeftJoin<repeat each M, N> where P.Value == Bool {
    LeftJoin(clauses: clauses, source: source + joinClause("LEFT JOIN", N.self, Join<repeat each M, N>.applying(condition)))
  }

  /// Applies a closure to every joined model's columns. (A closure whose pack is
  /// followed by another parameter cannot be called directly; as the parameters of
  /// the extended join it is one pack.)
  static func applying<R>(_ body: (repeat (each M).Columns) -> R) -> R { body(repeat (each M).columns) }

  /// Selects expressions from the joined models.
  public func select<each E: SQLExpressible>(_ selection: (repeat (each M).Columns) -> (repeat each E))
    -> JoinProjection<repeat (each E).Value> where repeat (each E).Value: SQLValueConvertible {
    JoinProjection(clauses: clauses, source: source, selection: expressionList(repeat each selection(repeat (each M).columns)))
  }

  /// The statement's SQL and binds for `dialect`.
  public func sql(_ dialect: SQLDialect) throws -> RenderedSQL { try statement(dialect).render(dialect) }

  func statement(_ dialect: SQLDialect) throws -> SQL {
    var selections: [SQL] = []
    for model in repeat (each M).self { selections.append(model.selection) }
    return try clauses.select(SQL.joined(selections, separator: ", "), from: source, dialect: dialect).resolvingColumns()
  }

  /// Every row as a tuple of models.
  /// - Throws: ``DatabaseError``, ``MisuseError``, ``RowDecodingError``.
  public func fetchAll(_ db: any Database) async throws -> [(repeat each M)] {
    try await db.fetchAll(try statement(db.dialect)).map { row in
      var offset = 0
      func next<N: Model>(_ type: N.Type) throws -> N {
        let count = N.schema.columns.count
        defer { offset += count }
        return try N(row: row, layout: RowLayout(sequentialFrom: offset, count: count))
      }
      return (repeat try next((each M).self))
    }
  }
}

/// Inner joins followed by a LEFT JOIN of `L`: rows decode `L` as nil where it had no match.
public struct LeftJoin<each M: Model, L: Model>: Sendable {
  /// The clauses so far.
  public internal(set) var clauses: SelectClauses
  var source: SQL

  /// Keeps rows where `predicate` holds.
  public func `where`<P: SQLExpressible>(_ predicate: (repeat (each M).Columns, L.Columns) -> P) -> Self where P.Value == Bool {
    var copy = self
    copy.clauses.filters.append(Join<repeat each M, L>.applying(predicate).expression.sql)
    return copy
  }

  /// Sorts by one term.
  public func order(_ ordering: (repeat (each M).Columns, L.Columns) -> Ordering) -> Self {
    var copy = self
    copy.clauses.orderings.append(Join<repeat each M, L>.applying(ordering).sql)
    return copy
  }

  /// At most `count` rows.
  public func limit(_ count: Int) -> Self {
    var copy = self
    copy.clauses.limit = Swift.max(0, count)
    return copy
  }

  /// Selects expressions; use `.orNull` on `L`'s columns, which are NULL without a match.
  public func select<each E: SQLExpressible>(_ selection: (repeat (each M).Columns, L.Columns) -> (repeat each E))
    -> JoinProjection<repeat (each E).Value> where repeat (each E).Value: SQLValueConvertible {
    let selected = Join<repeat each M, L>.applying(selection)
    return JoinProjection(clauses: clauses, source: source, selection: expressionList(repeat each selected))
  }

  /// The statement's SQL and binds for `dialect`.
  public func sql(_ dialect: SQLDialect) throws -> RenderedSQL { try statement(dialect).render(dialect) }

  func statement(_ dialect: SQLDialect) throws -> SQL {
    var selections: [SQL] = []
    for model in repeat (each M).self { selections.append(model.selection) }
    selections.append(L.selection)
    return try clauses.select(SQL.joined(selections, separator: ", "), from: source, dialect: dialect).resolvingColumns()
  }

  /// Every row: the inner-joined models, and `L` or nil.
  public func fetchAll(_ db: any Database) async throws -> [(repeat each M, L?)] {
    try await db.fetchAll(try statement(db.dialect)).map { row in
      var offset = 0
      func next<N: Model>(_ type: N.Type) throws -> N {
        let count = N.schema.columns.count
        defer { offset += count }
        return try N(row: row, layout: RowLayout(sequentialFrom: offset, count: count))
      }
      let models = (repeat try next((each M).self))
      // No match: every column of L is NULL, its primary key included.
      let keyIndex = L.schema.columns.firstIndex(where: \.isPrimaryKey) ?? 0
      let optional: L? = row[offset + keyIndex].isNull ? nil : try next(L.self)
      return (repeat each models, optional)
    }
  }
}

/// Expressions selected from a join.
public struct JoinProjection<each V: SQLValueConvertible>: Sendable {
  /// The clauses so far.
  public internal(set) var clauses: SelectClauses
  let source: SQL
  let selection: [SQL]

  /// At most `count` rows.
  public func limit(_ count: Int) -> Self {
    var copy = self
    copy.clauses.limit = Swift.max(0, count)
    return copy
  }

  /// `SELECT DISTINCT`.
  public func distinct() -> Self {
    var copy = self
    copy.clauses.isDistinct = true
    return copy
  }

  /// The statement's SQL and binds for `dialect`.
  public func sql(_ dialect: SQLDialect) throws -> RenderedSQL { try statement(dialect).render(dialect) }

  func statement(_ dialect: SQLDialect) throws -> SQL {
    try clauses.select(SQL.joined(selection, separator: ", "), from: source, dialect: dialect).resolvingColumns()
  }

  /// Every row as a tuple.
  public func fetchAll(_ db: any Database) async throws -> [(repeat each V)] {
    try await db.fetchAll(try statement(db.dialect)).map { try decodeTuple($0, repeat (each V).self) }
  }
}

extension Model {
  /// An inner join with another model on `condition`.
  public static func join<N: Model, P: SQLExpressible>(_ model: N.Type, on condition: (Columns, N.Columns) -> P)
    -> Join<Self, N> where P.Value == Bool {
    Join<Self, N>(source: SQL(segments: [.table(tableName)]) + joinClause("JOIN", N.self, condition(columns, N.columns)))
  }

  /// A left join with another model: rows without a match keep it as nil.
  public static func leftJoin<N: Model, P: SQLExpressible>(_ model: N.Type, on condition: (Columns, N.Columns) -> P)
    -> LeftJoin<Self, N> where P.Value == Bool {
    LeftJoin(clauses: SelectClauses(),
             source: SQL(segments: [.table(tableName)]) + joinClause("LEFT JOIN", N.self, condition(columns, N.columns)))
  }
}

extension SQLExpressible where Value: SQLValueConvertible {
  /// The expression read as optional: for columns of a left-joined model.
  public var orNull: SQLExpression<Value?> { SQLExpression(expression.sql) }
}

private func joinClause<N: Model>(_ kind: String, _ model: N.Type, _ condition: some SQLExpressible) -> SQL {
  " \(unsafeRaw: kind) " + SQL(segments: [.table(N.tableName)]) + " ON " + condition.expression.expression.sql
}
