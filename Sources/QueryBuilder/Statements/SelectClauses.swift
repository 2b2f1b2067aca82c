import Model

/// The clauses every SELECT shape shares (models, projections, joins).
public struct SelectClauses: Sendable {
  var filters: [SQL] = []
  var orderings: [SQL] = []
  var groupings: [SQL] = []
  var havings: [SQL] = []
  var limit: Int?
  var offset: Int?
  var isDistinct = false
  var lock: RowLock?

  /// A row lock taken by `SELECT ... FOR UPDATE / FOR SHARE` (PostgreSQL only).
  enum RowLock: Sendable {
    case forUpdate(skipLocked: Bool, noWait: Bool)
    case forShare(skipLocked: Bool, noWait: Bool)
  }

  /// `SELECT [DISTINCT] <selection> FROM <source> [WHERE] [GROUP BY] [HAVING] [ORDER BY]
  /// [LIMIT] [OFFSET] [FOR UPDATE]`, for any dialect: what differs is written as
  /// dialect text, and a clause a dialect cannot express (a row lock on SQLite) is
  /// refused for it, so the statement, or any statement it becomes a subquery of,
  /// throws when it is rendered for that dialect (see ``SQL/resolved(for:)``).
  func select(_ selection: SQL, from source: SQL) -> SQL {
    var sql = SQL(unsafeRaw: isDistinct ? "SELECT DISTINCT " : "SELECT ")
    sql.append(selection)
    sql.append(unsafeRaw: " FROM ")
    sql.append(source)
    appendFilters(to: &sql)
    if !groupings.isEmpty {
      sql.append(unsafeRaw: " GROUP BY ")
      sql.append(SQL.joined(groupings, separator: ", "))
    }
    if !havings.isEmpty {
      sql.append(unsafeRaw: " HAVING ")
      sql.append(Self.conjunction(havings))
    }
    if !orderings.isEmpty {
      sql.append(unsafeRaw: " ORDER BY ")
      sql.append(SQL.joined(orderings, separator: ", "))
    }
    appendLimit(to: &sql)
    appendLock(to: &sql)
    return sql
  }

  /// ` WHERE a AND b` (nothing when unfiltered).
  func appendFilters(to sql: inout SQL) {
    guard !filters.isEmpty else { return }
    sql.append(unsafeRaw: " WHERE ")
    sql.append(Self.conjunction(filters))
  }

  private func appendLimit(to sql: inout SQL) {
    if let limit { sql.append(unsafeRaw: " LIMIT \(limit)") }
    if let offset {
      // SQLite takes OFFSET only after a LIMIT; -1 means no limit there.
      if limit == nil { sql.append(SQL(segments: [.dialectText(postgres: "", sqlite: " LIMIT -1")])) }
      sql.append(unsafeRaw: " OFFSET \(offset)")
    }
  }

  /// The lock clause as PostgreSQL takes it, refused for the dialects that cannot take it.
  private func appendLock(to sql: inout SQL) {
    guard let lock else { return }
    let (clause, skipLocked, noWait): (String, Bool, Bool) = switch lock {
    case .forUpdate(let s, let n): ("FOR UPDATE", s, n)
    case .forShare(let s, let n): ("FOR SHARE", s, n)
    }
    sql.append(unsafeRaw: " " + clause)
    if skipLocked { sql.append(unsafeRaw: " SKIP LOCKED") }
    if noWait { sql.append(unsafeRaw: " NOWAIT") }
    for dialect in SQLDialect.allCases {
      switch dialect {
      case .sqlite:
        sql.refuse(dialect, MisuseError("FOR UPDATE / FOR SHARE row locks are PostgreSQL-only; SQLite locks the whole database for a write transaction (use an atomic block)"))
      case .postgres:
        // PostgreSQL's grammar takes one of them: `SKIP LOCKED NOWAIT` is a syntax error.
        if skipLocked && noWait {
          sql.refuse(dialect, MisuseError("\(clause) takes either SKIP LOCKED or NOWAIT, not both"))
        }
      }
    }
  }

  /// The conditions joined with AND, each parenthesised.
  static func conjunction(_ conditions: [SQL]) -> SQL {
    guard conditions.count > 1 else { return conditions.first ?? "1 = 1" }
    return SQL.joined(conditions.map { "(" + $0 + ")" }, separator: " AND ")
  }

  /// Checks that a statement that is not a SELECT uses only WHERE.
  func requireOnlyFilters(for statement: String) throws {
    if !orderings.isEmpty || limit != nil || offset != nil || !groupings.isEmpty || !havings.isEmpty
      || isDistinct || lock != nil {
      throw MisuseError("\(statement) takes only `where` conditions; order, limit, offset, distinct, group, having and row locks would be dropped")
    }
  }
}
