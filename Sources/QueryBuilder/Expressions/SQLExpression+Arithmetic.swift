import Model

/// Numeric types the query builder does arithmetic on. Not Float: PostgreSQL computes
/// `real` in single precision and SQLite in double, so results would differ.
public protocol SQLNumeric: SQLValueConvertible {}
extension Int: SQLNumeric {}
extension Int64: SQLNumeric {}
extension Int32: SQLNumeric {}
extension Int16: SQLNumeric {}
extension Double: SQLNumeric {}
extension Optional: SQLNumeric where Wrapped: SQLNumeric {}

extension SQLExpressible where Value: SQLNumeric {
  /// `(lhs + $1)`.
  public static func + (lhs: Self, rhs: Value) -> SQLExpression<Value> { arithmetic(lhs.expression.sql, "+", bind(rhs)) }
  /// `(lhs - $1)`.
  public static func - (lhs: Self, rhs: Value) -> SQLExpression<Value> { arithmetic(lhs.expression.sql, "-", bind(rhs)) }
  /// `(lhs * $1)`.
  public static func * (lhs: Self, rhs: Value) -> SQLExpression<Value> { arithmetic(lhs.expression.sql, "*", bind(rhs)) }
  /// `(lhs / $1)`: integer division truncates on both backends.
  public static func / (lhs: Self, rhs: Value) -> SQLExpression<Value> { arithmetic(lhs.expression.sql, "/", bind(rhs)) }

  /// `(lhs + rhs)`.
  public static func + <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Value> where R.Value == Value {
    arithmetic(lhs.expression.sql, "+", rhs.expression.sql)
  }
  /// `(lhs - rhs)`.
  public static func - <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Value> where R.Value == Value {
    arithmetic(lhs.expression.sql, "-", rhs.expression.sql)
  }
  /// `(lhs * rhs)`.
  public static func * <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Value> where R.Value == Value {
    arithmetic(lhs.expression.sql, "*", rhs.expression.sql)
  }
  /// `(lhs / rhs)`.
  public static func / <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Value> where R.Value == Value {
    arithmetic(lhs.expression.sql, "/", rhs.expression.sql)
  }
}

private func arithmetic<T>(_ lhs: SQL, _ op: String, _ rhs: SQL) -> SQLExpression<T> {
  var sql = SQL(unsafeRaw: "(")
  sql.append(lhs)
  sql.append(unsafeRaw: " \(op) ")
  sql.append(rhs)
  sql.append(unsafeRaw: ")")
  return SQLExpression(sql)
}

extension SQLExpressible where Value: OptionalValue, Value.Wrapped: SQLValueConvertible {
  /// `COALESCE(lhs, $1)`: the value, or `fallback` where it is NULL (non-optional).
  public func coalesce(_ fallback: Value.Wrapped) -> SQLExpression<Value.Wrapped> {
    var sql = SQL(unsafeRaw: "COALESCE(")
    sql.append(expression.sql)
    sql.append(unsafeRaw: ", ")
    sql.append(bind(fallback))
    sql.append(unsafeRaw: ")")
    return SQLExpression(sql)
  }

  /// `COALESCE(lhs, rhs)` with another expression of the wrapped type.
  public func coalesce<R: SQLExpressible>(_ fallback: R) -> SQLExpression<Value.Wrapped> where R.Value == Value.Wrapped {
    var sql = SQL(unsafeRaw: "COALESCE(")
    sql.append(expression.sql)
    sql.append(unsafeRaw: ", ")
    sql.append(fallback.expression.sql)
    sql.append(unsafeRaw: ")")
    return SQLExpression(sql)
  }
}
