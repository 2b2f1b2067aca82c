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
  public func min() -> SQLExpression<Value?> { SQLExpression(extremum(.min, expression.sql, Value.self)) }
  /// `MAX(x)`, NULL over no rows.
  @_disfavoredOverload
  public func max() -> SQLExpression<Value?> { SQLExpression(extremum(.max, expression.sql, Value.self)) }
}

extension SQLExpressible where Value: SQLValueConvertible & OptionalValue {
  /// `MIN(x)` over a nullable column.
  public func min() -> SQLExpression<Value> { SQLExpression(extremum(.min, expression.sql, Value.self)) }
  /// `MAX(x)` over a nullable column.
  public func max() -> SQLExpression<Value> { SQLExpression(extremum(.max, expression.sql, Value.self)) }
}

private enum Extremum: String { case min = "MIN", max = "MAX" }

/// `MIN(x)` / `MAX(x)`, spelled so that PostgreSQL has the function: it has neither
/// for `boolean` nor for `uuid`. Booleans take `BOOL_AND` / `BOOL_OR` (the same thing,
/// false < true); UUIDs compare as their canonical text byte by byte, which is both how
/// `uuid` sorts and how SQLite, storing that text, compares them.
private func extremum(_ kind: Extremum, _ argument: SQL, _ type: Any.Type) -> SQL {
  let name = kind.rawValue
  switch (type as? any SQLColumnValue.Type)?.sqlColumnType {
  case .bool?:
    let postgres = kind == .min ? "BOOL_AND(" : "BOOL_OR("
    return SQL(segments: [.dialectText(postgres: postgres, sqlite: name + "(")]) + argument + ")"
  case .uuid?:
    return SQL(segments: [.dialectText(postgres: "CAST(" + name + "(CAST(", sqlite: name + "(")]) + argument
      + SQL(segments: [.dialectText(postgres: " AS TEXT) COLLATE \"C\") AS UUID)", sqlite: ")")])
  default:
    return functionCall(name, argument)
  }
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
