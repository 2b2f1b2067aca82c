import Model

// Comparisons of an expression with a value of its own type, or with another
// expression of the same type. A value of another type does not compile:
// `$0.age == "x"` is an error when `age` is an `Int?`.
extension SQLExpressible where Value: SQLValueConvertible {
  /// `lhs = $1`, or `lhs IS NULL` when the value is nil.
  public static func == (lhs: Self, rhs: Value) -> SQLExpression<Bool> {
    let value = rhs.sqlValue
    if value.isNull { return SQLExpression(lhs.expression.sql + " IS NULL") }
    return binary(lhs.expression.sql, "=", bind(rhs))
  }

  /// `lhs <> $1`, or `lhs IS NOT NULL` when the value is nil.
  public static func != (lhs: Self, rhs: Value) -> SQLExpression<Bool> {
    let value = rhs.sqlValue
    if value.isNull { return SQLExpression(lhs.expression.sql + " IS NOT NULL") }
    return binary(lhs.expression.sql, "<>", bind(rhs))
  }

  /// `lhs < $1`.
  public static func < (lhs: Self, rhs: Value) -> SQLExpression<Bool> { binary(lhs.expression.sql, "<", bind(rhs)) }
  /// `lhs <= $1`.
  public static func <= (lhs: Self, rhs: Value) -> SQLExpression<Bool> { binary(lhs.expression.sql, "<=", bind(rhs)) }
  /// `lhs > $1`.
  public static func > (lhs: Self, rhs: Value) -> SQLExpression<Bool> { binary(lhs.expression.sql, ">", bind(rhs)) }
  /// `lhs >= $1`.
  public static func >= (lhs: Self, rhs: Value) -> SQLExpression<Bool> { binary(lhs.expression.sql, ">=", bind(rhs)) }

  /// `lhs = rhs` for two expressions of one type (a join condition, say).
  public static func == <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Value {
    binary(lhs.expression.sql, "=", rhs.expression.sql)
  }
  /// `lhs <> rhs`.
  public static func != <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Value {
    binary(lhs.expression.sql, "<>", rhs.expression.sql)
  }
  /// `lhs < rhs`.
  public static func < <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Value {
    binary(lhs.expression.sql, "<", rhs.expression.sql)
  }
  /// `lhs <= rhs`.
  public static func <= <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Value {
    binary(lhs.expression.sql, "<=", rhs.expression.sql)
  }
  /// `lhs > rhs`.
  public static func > <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Value {
    binary(lhs.expression.sql, ">", rhs.expression.sql)
  }
  /// `lhs >= rhs`.
  public static func >= <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Value {
    binary(lhs.expression.sql, ">=", rhs.expression.sql)
  }

  /// `lhs = rhs` where `rhs` is the optional form of this type (a nullable foreign
  /// key against a key, say).
  public static func == <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Value? {
    binary(lhs.expression.sql, "=", rhs.expression.sql)
  }

  /// `lhs = rhs` where `lhs` is optional and `rhs` is not.
  public static func == <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool>
  where Value: OptionalValue, R.Value == Value.Wrapped {
    binary(lhs.expression.sql, "=", rhs.expression.sql)
  }

  /// `lhs IN ($1, $2, ...)`; an empty list is false (never the invalid `IN ()`).
  public func `in`(_ values: some Sequence<Value>) -> SQLExpression<Bool> {
    let binds = values.map { bind($0) }
    guard !binds.isEmpty else { return SQLExpression("1 = 0") }
    var sql = expression.sql
    sql.append(unsafeRaw: " IN (")
    sql.append(SQL.joined(binds, separator: ", "))
    sql.append(unsafeRaw: ")")
    return SQLExpression(sql)
  }

  /// `lhs NOT IN ($1, $2, ...)`; an empty list is true.
  public func notIn(_ values: some Sequence<Value>) -> SQLExpression<Bool> {
    let binds = values.map { bind($0) }
    guard !binds.isEmpty else { return SQLExpression("1 = 1") }
    var sql = expression.sql
    sql.append(unsafeRaw: " NOT IN (")
    sql.append(SQL.joined(binds, separator: ", "))
    sql.append(unsafeRaw: ")")
    return SQLExpression(sql)
  }

  /// `lhs BETWEEN $1 AND $2` (inclusive at both ends).
  public func between(_ lower: Value, and upper: Value) -> SQLExpression<Bool> {
    var sql = expression.sql
    sql.append(unsafeRaw: " BETWEEN ")
    sql.append(bind(lower))
    sql.append(unsafeRaw: " AND ")
    sql.append(bind(upper))
    return SQLExpression(sql)
  }

  /// `lhs BETWEEN $1 AND $2` for a closed range.
  public func between(_ range: ClosedRange<Value>) -> SQLExpression<Bool> where Value: Comparable {
    between(range.lowerBound, and: range.upperBound)
  }

  /// `lhs IS NULL`.
  public var isNull: SQLExpression<Bool> { SQLExpression(expression.sql + " IS NULL") }
  /// `lhs IS NOT NULL`.
  public var isNotNull: SQLExpression<Bool> { SQLExpression(expression.sql + " IS NOT NULL") }
}
