import Model

/// An inner join of two or more models; closures receive each model's columns.
///
/// ```swift
/// let rows = try await Order.join(User.self) { o, u in o.userID == u.id }
///   .where { _, u in u.name == "Alice" }
///   .select { o, u in (o.amount, u.email) }
///   .fetchAll(db)
/// let pairs: [(Order, User)] = try await Order.join(User.self) { o, u in o.userID == u.id }.fetchAll(db)
/// // A self-join: the second `employees` is aliased automatically (or name it with `as:`).
/// let withManagers = try await Employee.join(Employee.self, as: "manager") { e, m in e.managerID == m.id }
///   .fetchAll(db)   // [(Employee, Employee)]
/// ```
public struct Join<each M: Model>: Sendable {
  /// The clauses so far.
  public internal(set) var clauses = SelectClauses()
  var source: SQL
  /// What the statement calls each model's table, in order (its name or an alias).
  let references: [String]

  init(source: SQL, references: [String]) {
    self.source = source
    self.references = references
  }

  /// Keeps rows where `predicate` holds.
  public func `where`<P: SQLExpressible>(_ predicate: (repeat (each M).Columns) -> P) -> Self where P.Value == Bool {
    var copy = self
    copy.clauses.filters.append(Self.applying(references, predicate).expression.sql)
    return copy
  }

  /// Sorts by one term.
  public func order(_ ordering: (repeat (each M).Columns) -> Ordering) -> Self {
    var copy = self
    copy.clauses.orderings.append(Self.applying(references, ordering).sql)
    return copy
  }

  /// Sorts by several terms.
  public func order(_ orderings: (repeat (each M).Columns) -> [Ordering]) -> Self {
    var copy = self
    copy.clauses.orderings += Self.applying(references, orderings).map(\.sql)
    return copy
  }

  /// `GROUP BY` one or more expressions of the joined models, for a ``select(_:)`` of
  /// aggregates: `.group { o, u in u.name }`.
  public func group<each G: SQLExpressible>(_ groups: (repeat (each M).Columns) -> (repeat each G)) -> Self {
    var copy = self
    let grouped = Self.applying(references, groups)
    for sql in expressionList(repeat each grouped) { copy.clauses.groupings.append(sql) }
    return copy
  }

  /// `HAVING` a condition on the groups.
  public func having<P: SQLExpressible>(_ predicate: (repeat (each M).Columns) -> P) -> Self where P.Value == Bool {
    var copy = self
    copy.clauses.havings.append(Self.applying(references, predicate).expression.sql)
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

  /// Joins one more model; `alias` names its table in the statement (by default its
  /// own name, or `name_2`, `name_3`, ... when the join already reads that table).
  public func join<N: Model, P: SQLExpressible>(_ model: N.Type, as alias: String? = nil,
                                                on condition: (repeat (each M).Columns, N.Columns) -> P)
    -> Join<repeat each M, N> where P.Value == Bool {
    let references = references + [joinReference(N.self, alias, taken: references)]
    // Called on the extended join, where the closure's parameters are one pack.
    let on = Join<repeat each M, N>.applying(references, condition)
    var next = Join<repeat each M, N>(source: source + joinClause("JOIN", N.self, references, on), references: references)
    next.clauses = clauses
    return next
  }

  /// LEFT JOINs a last model: rows without a match keep it as nil. `alias` as for
  /// ``join(_:as:on:)``.
  public func leftJoin<N: Model, P: SQLExpressible>(_ model: N.Type, as alias: String? = nil,
                                                    on condition: (repeat (each M).Columns, N.Columns) -> P)
    -> LeftJoin<repeat each M, N> where P.Value == Bool {
    let references = references + [joinReference(N.self, alias, taken: references)]
    let on = Join<repeat each M, N>.applying(references, condition)
    return LeftJoin(clauses: clauses, source: source + joinClause("LEFT JOIN", N.self, references, on),
                    references: references)
  }

  /// Applies a closure to every joined model's columns, named as `references` says.
  /// (A closure whose pack is followed by another parameter cannot be called
  /// directly; as the parameters of the extended join it is one pack.)
  static func applying<R>(_ references: [String], _ body: (repeat (each M).Columns) -> R) -> R {
    var index = 0
    func columns<N: Model>(_ model: N.Type) -> N.Columns {
      defer { index += 1 }
      return N.Columns(table: references[index])
    }
    return body(repeat columns((each M).self))
  }

  /// Every joined model's columns, in order, as the statement names them.
  static func selections(_ references: [String]) -> [SQL] {
    var selections: [SQL] = []
    for model in repeat (each M).self { selections.append(model.selection(as: references[selections.count])) }
    return selections
  }

  /// Selects expressions from the joined models.
  public func select<each E: SQLExpressible>(_ selection: (repeat (each M).Columns) -> (repeat each E))
    -> JoinProjection<repeat (each E).Value> where repeat (each E).Value: SQLValueConvertible {
    let selected = Self.applying(references, selection)
    return JoinProjection(clauses: clauses, source: source, selection: expressionList(repeat each selected))
  }

  /// The statement's SQL and binds for `dialect`.
  public func sql(_ dialect: SQLDialect) throws -> RenderedSQL { try statement(dialect).render(dialect) }

  func statement(_ dialect: SQLDialect) throws -> SQL {
    try clauses.select(SQL.joined(Self.selections(references), separator: ", "), from: source).resolved(for: dialect)
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
  /// What the statement calls each model's table, `L`'s last.
  let references: [String]

  /// Keeps rows where `predicate` holds.
  public func `where`<P: SQLExpressible>(_ predicate: (repeat (each M).Columns, L.Columns) -> P) -> Self where P.Value == Bool {
    var copy = self
    copy.clauses.filters.append(Join<repeat each M, L>.applying(references, predicate).expression.sql)
    return copy
  }

  /// Sorts by one term.
  public func order(_ ordering: (repeat (each M).Columns, L.Columns) -> Ordering) -> Self {
    var copy = self
    copy.clauses.orderings.append(Join<repeat each M, L>.applying(references, ordering).sql)
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
    let selected = Join<repeat each M, L>.applying(references, selection)
    return JoinProjection(clauses: clauses, source: source, selection: expressionList(repeat each selected))
  }

  /// The statement's SQL and binds for `dialect`.
  public func sql(_ dialect: SQLDialect) throws -> RenderedSQL { try statement(dialect).render(dialect) }

  func statement(_ dialect: SQLDialect) throws -> SQL {
    let selections = Join<repeat each M, L>.selections(references)
    return try clauses.select(SQL.joined(selections, separator: ", "), from: source).resolved(for: dialect)
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
    try clauses.select(SQL.joined(selection, separator: ", "), from: source).resolved(for: dialect)
  }

  /// Every row as a tuple.
  public func fetchAll(_ db: any Database) async throws -> [(repeat each V)] {
    try await db.fetchAll(try statement(db.dialect)).map { try decodeTuple($0, repeat (each V).self) }
  }
}

extension Query {
  /// An inner join with another model on `condition`; the query's filters come along.
  /// `alias` names `N`'s table in the statement (by default its own name, or `name_2`
  /// when it is this query's table: a self-join).
  public func join<N: Model, P: SQLExpressible>(_ model: N.Type, as alias: String? = nil,
                                                on condition: (M.Columns, N.Columns) -> P)
    -> Join<M, N> where P.Value == Bool {
    let references = [reference, joinReference(N.self, alias, taken: [reference])]
    let on = condition(columns, N.Columns(table: references[1]))
    var join = Join<M, N>(source: fromItem + joinClause("JOIN", N.self, references, on), references: references)
    join.clauses = clauses
    return join
  }

  /// A left join with another model: rows without a match keep it as nil. `alias` as
  /// for ``join(_:as:on:)``.
  public func leftJoin<N: Model, P: SQLExpressible>(_ model: N.Type, as alias: String? = nil,
                                                    on condition: (M.Columns, N.Columns) -> P)
    -> LeftJoin<M, N> where P.Value == Bool {
    let references = [reference, joinReference(N.self, alias, taken: [reference])]
    let on = condition(columns, N.Columns(table: references[1]))
    return LeftJoin(clauses: clauses, source: fromItem + joinClause("LEFT JOIN", N.self, references, on),
                    references: references)
  }
}

extension Model {
  /// An inner join with another model on `condition`; `alias` as for ``Query/join(_:as:on:)``.
  public static func join<N: Model, P: SQLExpressible>(_ model: N.Type, as alias: String? = nil,
                                                       on condition: (Columns, N.Columns) -> P)
    -> Join<Self, N> where P.Value == Bool {
    Query<Self>().join(model, as: alias, on: condition)
  }

  /// A left join with another model: rows without a match keep it as nil.
  public static func leftJoin<N: Model, P: SQLExpressible>(_ model: N.Type, as alias: String? = nil,
                                                           on condition: (Columns, N.Columns) -> P)
    -> LeftJoin<Self, N> where P.Value == Bool {
    Query<Self>().leftJoin(model, as: alias, on: condition)
  }
}

extension SQLExpressible where Value: SQLValueConvertible {
  /// The expression read as optional: for columns of a left-joined model.
  public var orNull: SQLExpression<Value?> { SQLExpression(expression.sql) }
}

/// ` JOIN "table" [AS "alias"] ON condition` for the last of `references`.
private func joinClause<N: Model>(_ kind: String, _ model: N.Type, _ references: [String],
                                  _ condition: some SQLExpressible) -> SQL {
  let reference = references.last ?? N.tableName
  let alias = reference == N.tableName ? nil : reference
  return " \(unsafeRaw: kind) " + SQL(segments: [.table(N.tableName, alias: alias)]) + " ON "
    + condition.expression.expression.sql
}

/// The name a newly joined `N` goes by: `alias` if given, else its table's name, else
/// (that name is taken: a self-join) `name_2`, `name_3`, ...
private func joinReference<N: Model>(_ model: N.Type, _ alias: String?, taken: [String]) -> String {
  if let alias { return alias }
  guard taken.contains(N.tableName) else { return N.tableName }
  var suffix = 2
  while taken.contains("\(N.tableName)_\(suffix)") { suffix += 1 }
  return "\(N.tableName)_\(suffix)"
}
