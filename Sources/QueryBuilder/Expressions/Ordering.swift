import Model

/// One `ORDER BY` term: `$0.name.asc()`, `$0.age.desc(nulls: .first)`.
///
/// Without `nulls:`, NULLs sort as PostgreSQL sorts them (last ascending, first
/// descending) on both backends: SQLite is given the explicit clause.
public struct Ordering: Sendable {
  /// Where NULLs go.
  public enum Nulls: Sendable {
    /// Before every value.
    case first
    /// After every value.
    case last
  }

  /// The rendered term.
  public let sql: SQL

  init(_ expression: SQL, descending: Bool, nulls: Nulls?) {
    var sql = expression
    sql.append(unsafeRaw: descending ? " DESC" : " ASC")
    switch nulls {
    case .first?: sql.append(unsafeRaw: " NULLS FIRST")
    case .last?: sql.append(unsafeRaw: " NULLS LAST")
    case nil:
      // PostgreSQL's default, made explicit for SQLite (whose default is the opposite).
      sql.append(SQL(segments: [.dialectText(postgres: "", sqlite: descending ? " NULLS FIRST" : " NULLS LAST")]))
    }
    self.sql = sql
  }
}

extension SQLExpressible {
  /// Ascending order.
  public func asc(nulls: Ordering.Nulls? = nil) -> Ordering {
    Ordering(expression.sql, descending: false, nulls: nulls)
  }

  /// Descending order.
  public func desc(nulls: Ordering.Nulls? = nil) -> Ordering {
    Ordering(expression.sql, descending: true, nulls: nulls)
  }
}
