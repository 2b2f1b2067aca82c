import Model

// Comparisons of an expression with a value of its own type, or with another
// expression of the same type. A value of another type does not compile:
// `$0.age == "x"` is an error when `age` is an `Int?`.
extension SQLExpressible where Value: SQLValueConvertible {
  /// `lhs = $1`, or `lhs IS NULL` when the value is nil.
  public static func == (lhs: Self, rhs: Value) -> SQLExpression<Bool> {
    let value = rhs.sqlValue
    if value.isNull { return lhs.isNull }
    return binary(lhs.operand, "=", bind(rhs))
  }

  /// `lhs <> $1`, or `lhs IS NOT NULL` when the value is nil.
  public static func != (lhs: Self, rhs: Value) -> SQLExpression<Bool> {
    let value = rhs.sqlValue
    if value.isNull { return lhs.isNotNull }
    return binary(lhs.operand, "<>", bind(rhs))
  }

  /// `lhs < $1`.
  public static func < (lhs: Self, rhs: Value) -> SQLExpression<Bool> { binary(lhs.operand, "<", bind(rhs)) }
  /// `lhs <= $1`.
  public static func <= (lhs: Self, rhs: Value) -> SQLExpression<Bool> { binary(lhs.operand, "<=", bind(rhs)) }
  /// `lhs > $1`.
  public static func > (lhs: Self, rhs: Value) -> SQLExpression<Bool> { binary(lhs.operand, ">", bind(rhs)) }
  /// `lhs >= $1`.
  public static func >= (lhs: Self, rhs: Value) -> SQLExpression<Bool> { binary(lhs.operand, ">=", bind(rhs)) }

  /// `lhs = rhs` for two expressions of one type (a join condition, say).
  public static func == <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Value {
    binary(lhs.operand, "=", rhs.operand)
  }
  /// `lhs <> rhs`.
  public static func != <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Value {
    binary(lhs.operand, "<>", rhs.operand)
  }
  /// `lhs < rhs`.
  public static func < <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Value {
    binary(lhs.operand, "<", rhs.operand)
  }
  /// `lhs <= rhs`.
  public static func <= <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Value {
    binary(lhs.operand, "<=", rhs.operand)
  }
  /// `lhs > rhs`.
  public static func > <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Value {
    binary(lhs.operand, ">", rhs.operand)
  }
  /// `lhs >= rhs`.
  public static func >= <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Value {
    binary(lhs.operand, ">=", rhs.operand)
  }

  /// `lhs IN ($1, $2, ...)`; an empty list is false (never the invalid `IN ()`).
  /// A nil in the list matches NULL, as `== nil` does: `(lhs IN (...) OR lhs IS NULL)`
  /// (a NULL bind inside `IN` would match nothing).
  public func `in`(_ values: some Sequence<Value>) -> SQLExpression<Bool> {
    let values = values.map(\.sqlValue)
    let binds = values.filter { !$0.isNull }.map { SQL(segments: [.bind($0)]) }
    let hasNull = binds.count < values.count
    if binds.isEmpty { return hasNull ? isNull : SQLExpression("1 = 0") }
    var sql = SQL(unsafeRaw: hasNull ? "(" : "")
    sql.append(operand)
    sql.append(unsafeRaw: " IN (")
    sql.append(SQL.joined(binds, separator: ", "))
    sql.append(unsafeRaw: ")")
    if hasNull {
      sql.append(unsafeRaw: " OR ")
      sql.append(operand)
      sql.append(unsafeRaw: " IS NULL)")
    }
    return SQLExpression(sql)
  }

  /// `lhs NOT IN ($1, $2, ...)`; an empty list is true. A nil in the list excludes
  /// NULL, as `!= nil` does: `(lhs NOT IN (...) AND lhs IS NOT NULL)` (a NULL bind
  /// inside `NOT IN` would make the condition false for every row).
  public func notIn(_ values: some Sequence<Value>) -> SQLExpression<Bool> {
    let values = values.map(\.sqlValue)
    let binds = values.filter { !$0.isNull }.map { SQL(segments: [.bind($0)]) }
    let hasNull = binds.count < values.count
    if binds.isEmpty { return hasNull ? isNotNull : SQLExpression("1 = 1") }
    var sql = SQL(unsafeRaw: hasNull ? "(" : "")
    sql.append(operand)
    sql.append(unsafeRaw: " NOT IN (")
    sql.append(SQL.joined(binds, separator: ", "))
    sql.append(unsafeRaw: ")")
    if hasNull {
      sql.append(unsafeRaw: " AND ")
      sql.append(operand)
      sql.append(unsafeRaw: " IS NOT NULL)")
    }
    return SQLExpression(sql)
  }

  /// `lhs BETWEEN $1 AND $2` (inclusive at both ends).
  public func between(_ lower: Value, and upper: Value) -> SQLExpression<Bool> {
    var sql = operand
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
  public var isNull: SQLExpression<Bool> { SQLExpression(operand + " IS NULL") }
  /// `lhs IS NOT NULL`.
  public var isNotNull: SQLExpression<Bool> { SQLExpression(operand + " IS NOT NULL") }
}

extension SQLExpressible {
  /// The expression as the operand of a comparison. A condition built from several
  /// parts is parenthesised, so that `($0.a > 1) == $0.b` and `(x && y) == false`
  /// keep their grouping: unparenthesised, PostgreSQL rejects `"a" > $1 = "b"` (its
  /// comparison operators do not associate) and both backends read `x AND y = $1` as
  /// `x AND (y = $1)`. Columns, binds and non-boolean expressions (arithmetic is
  /// parenthesised already; function calls delimit themselves) stay as they are.
  var operand: SQL {
    let sql = expression.sql
    guard Value.self == Bool.self || Value.self == Bool?.self else { return sql }
    if sql.segments.count == 1 {
      switch sql.segments[0] {
      case .column, .bind, .identifier, .table: return sql
      case .text, .dialectText: break
      }
    }
    return expression.parenthesized
  }
}
