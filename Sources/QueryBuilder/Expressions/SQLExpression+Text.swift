import Model

/// Text types pattern matching applies to: String and String?.
public protocol SQLTextValue: SQLValueConvertible {}
extension String: SQLTextValue {}
extension Optional: SQLTextValue where Wrapped == String {}

extension SQLExpressible where Value: SQLTextValue {
  /// `lhs LIKE $1`: `%` matches any run of characters, `_` one character.
  /// Case-sensitive on both backends (SQLite connections set `case_sensitive_like`).
  public func like(_ pattern: String) -> SQLExpression<Bool> {
    binary(expression.sql, "LIKE", bind(pattern))
  }

  /// `lhs NOT LIKE $1`.
  public func notLike(_ pattern: String) -> SQLExpression<Bool> {
    binary(expression.sql, "NOT LIKE", bind(pattern))
  }

  /// A case-insensitive LIKE: `lower(lhs) LIKE lower($1)` on both backends (SQLite's
  /// `lower` folds ASCII letters only).
  public func ilike(_ pattern: String) -> SQLExpression<Bool> {
    var sql = SQL(unsafeRaw: "lower(")
    sql.append(expression.sql)
    sql.append(unsafeRaw: ") LIKE lower(")
    sql.append(bind(pattern))
    sql.append(unsafeRaw: ")")
    return SQLExpression(sql)
  }

  /// Case-insensitive equality: `lower(lhs) = lower($1)`.
  public func equalsIgnoringCase(_ text: String) -> SQLExpression<Bool> {
    var sql = SQL(unsafeRaw: "lower(")
    sql.append(expression.sql)
    sql.append(unsafeRaw: ") = lower(")
    sql.append(bind(text))
    sql.append(unsafeRaw: ")")
    return SQLExpression(sql)
  }
}
