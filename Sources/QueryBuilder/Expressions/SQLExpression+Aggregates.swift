import Model

extension SQLExpressible {
  /// `COUNT(x)`: the number of non-NULL values.
  public func count() -> SQLExpression<Int> { function("COUNT", expression.sql) }

  /// `COUNT(DISTINCT x)`.
  public func countDistinct() -> SQLExpression<Int> { function("COUNT", "DISTINCT " + expression.sql) }
}

extension SQLExpression where Value == Int {
  /// `COUNT(*)`: the number of rows.
  public static var countAll: SQLExpression<Int> { SQLExpression("COUNT(*)") }
}

extension SQLExpressible where Value: SQLNumeric & SQLColumnValue {
  /// `SUM(x)`, NULL over no rows. Cast so both backends return the column's kind:
  /// PostgreSQL sums `bigint` as `numeric` and would otherwise not decode as an integer.
  @_disfavoredOverload
  public func sum() -> SQLExpression<Value?> { SQLExpression(castSum(expression.sql, Value.sqlColumnType)) }

  /// `AVG(x)` as a double, NULL over no rows.
  public func average() -> SQLExpression<Double?> {
    SQLExpression("CAST(" + functionCall("AVG", expression.sql) + " AS DOUBLE PRECISION)")
  }
}

extension SQLExpressible where Value: SQLNumeric & SQLColumnValue & OptionalValue {
  /// `SUM(x)` over a nullable column, NULL over no rows.
  public func sum() -> SQLExpression<Value> { SQLExpression(castSum(expression.sql, Value.sqlColumnType)) }
}

extension SQLExpressible where Value: SQLValueConvertible {
  /// `MIN(x)`, NULL over no rows.
  @_disfavoredOverload
  public func min() -> SQLExpression<Value?> { function("MIN", expression.sql) }
  /// `MAX(x)`, NULL over no rows.
  @_disfavoredOverload
  public func max() -> SQLExpression<Value?> { function("MAX", expression.sql) }
}

extension SQLExpressible where Value: SQLValueConvertible & OptionalValue {
  /// `MIN(x)` over a nullable column.
  public func min() -> SQLExpression<Value> { function("MIN", expression.sql) }
  /// `MAX(x)` over a nullable column.
  public func max() -> SQLExpression<Value> { function("MAX", expression.sql) }
}

private func function<T>(_ name: String, _ argument: SQL) -> SQLExpression<T> {
  SQLExpression(functionCall(name, argument))
}

private func functionCall(_ name: String, _ argument: SQL) -> SQL {
  var sql = SQL(unsafeRaw: name + "(")
  sql.append(argument)
  sql.append(unsafeRaw: ")")
  return sql
}

private func castSum(_ argument: SQL, _ type: SQLColumnType) -> SQL {
  let target: String
  switch type {
  case .float, .double: target = "DOUBLE PRECISION"
  default: target = "BIGINT"
  }
  return "CAST(" + functionCall("SUM", argument) + " AS \(unsafeRaw: target))"
}
