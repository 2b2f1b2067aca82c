import Model

/// The `SET` list of an UPDATE, written as assignments to the model's columns:
///
/// ```swift
/// try await User.where { $0.status == .banned }.update(db) { $0.age = nil }
/// try await User.all.update(db) { $0.age = $0.age + 1 }      // expressions too
/// ```
@dynamicMemberLookup
public struct Updates<M: Model> {
  var assignments: [(column: String, value: SQL)] = []
  /// The model's columns as the statement names them.
  let columns: M.Columns

  /// A column read as an expression, or set to one (`$0.age = $0.age + 1`).
  public subscript<V>(dynamicMember keyPath: KeyPath<M.Columns, Column<M, V>>) -> SQLExpression<V> {
    get { columns[keyPath: keyPath].expression }
    set { assignments.append((columns[keyPath: keyPath].name, newValue.sql)) }
  }

  /// A column set to a value (`$0.age = nil`, `$0.name = name`): set-only, the getter
  /// is unavailable at compile time.
  @_disfavoredOverload
  public subscript<V>(dynamicMember keyPath: KeyPath<M.Columns, Column<M, V>>) -> V {
    @available(*, unavailable, message: "read a column as an expression: assign it from $0.column")
    get { fatalError("unreachable: the getter is unavailable") }
    set { assignments.append((columns[keyPath: keyPath].name, bind(newValue))) }
  }
}

extension Query {
  /// `UPDATE ... SET ... WHERE ...`; returns the number of rows changed.
  /// - Throws: ``MisuseError`` when nothing is assigned, the query has clauses an
  ///   UPDATE cannot carry (order, limit, ...), or a subquery in it has a clause the
  ///   dialect cannot express; ``DatabaseError``.
  @discardableResult
  public func update(_ db: any Database, set: (inout Updates<M>) -> Void) async throws -> Int {
    try await db.execute(try updateStatement(db.dialect, set: set))
  }

  /// The UPDATE's SQL, for inspection.
  public func updateSQL(_ dialect: SQLDialect, set: (inout Updates<M>) -> Void) throws -> RenderedSQL {
    try updateStatement(dialect, set: set).render(dialect)
  }

  private func updateStatement(_ dialect: SQLDialect, set: (inout Updates<M>) -> Void) throws -> SQL {
    try clauses.requireOnlyFilters(for: "UPDATE")
    var updates = Updates<M>(columns: columns)
    set(&updates)
    guard !updates.assignments.isEmpty else { throw MisuseError("UPDATE of \(M.tableName) assigns no column") }
    // PostgreSQL rejects `SET a = 1, a = 2` while SQLite keeps the last: refuse on both.
    var assigned = Set<String>()
    for (column, _) in updates.assignments where !assigned.insert(column).inserted {
      throw MisuseError("UPDATE of \(M.tableName) assigns column \(column) more than once")
    }
    var sql: SQL = "UPDATE " + fromItem + " SET "
    sql.append(SQL.joined(updates.assignments.map { "\(identifier: $0.column) = " + $0.value }, separator: ", "))
    clauses.appendFilters(to: &sql)
    return try sql.resolved(for: dialect)
  }

  /// `DELETE FROM ... WHERE ...`; returns the number of rows deleted.
  /// - Throws: ``MisuseError`` for clauses a DELETE cannot carry, or a subquery in it
  ///   with a clause the dialect cannot express; ``DatabaseError``.
  @discardableResult
  public func delete(_ db: any Database) async throws -> Int {
    try await db.execute(try deleteStatement(db.dialect))
  }

  /// The DELETE's SQL, for inspection.
  public func deleteSQL(_ dialect: SQLDialect) throws -> RenderedSQL { try deleteStatement(dialect).render(dialect) }

  private func deleteStatement(_ dialect: SQLDialect) throws -> SQL {
    try clauses.requireOnlyFilters(for: "DELETE")
    var sql: SQL = "DELETE FROM " + fromItem
    clauses.appendFilters(to: &sql)
    return try sql.resolved(for: dialect)
  }
}
