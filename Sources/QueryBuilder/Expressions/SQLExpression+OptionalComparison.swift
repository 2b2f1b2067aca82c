import Model

// Comparisons between an optional and a non-optional expression of the same wrapped
// type (a nullable foreign key against a key, a nullable column against another
// table's required one), in either order. NULL compares as SQL says: unknown, so the
// row does not match.
extension SQLExpressible where Value: SQLValueConvertible {
  /// `lhs = rhs` where `rhs` is the optional form of this type.
  public static func == <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Value? {
    binary(lhs.operand, "=", rhs.operand)
  }

  /// `lhs <> rhs` where `rhs` is the optional form of this type.
  public static func != <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Value? {
    binary(lhs.operand, "<>", rhs.operand)
  }

  /// `lhs < rhs` where `rhs` is the optional form of this type.
  public static func < <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Value? {
    binary(lhs.operand, "<", rhs.operand)
  }

  /// `lhs <= rhs` where `rhs` is the optional form of this type.
  public static func <= <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Value? {
    binary(lhs.operand, "<=", rhs.operand)
  }

  /// `lhs > rhs` where `rhs` is the optional form of this type.
  public static func > <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Value? {
    binary(lhs.operand, ">", rhs.operand)
  }

  /// `lhs >= rhs` where `rhs` is the optional form of this type.
  public static func >= <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Value? {
    binary(lhs.operand, ">=", rhs.operand)
  }
}

extension SQLExpressible where Value: SQLValueConvertible & OptionalValue {
  /// `lhs = rhs` where `lhs` is optional and `rhs` is not.
  public static func == <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Value.Wrapped {
    binary(lhs.operand, "=", rhs.operand)
  }

  /// `lhs <> rhs` where `lhs` is optional and `rhs` is not.
  public static func != <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Value.Wrapped {
    binary(lhs.operand, "<>", rhs.operand)
  }

  /// `lhs < rhs` where `lhs` is optional and `rhs` is not.
  public static func < <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Value.Wrapped {
    binary(lhs.operand, "<", rhs.operand)
  }

  /// `lhs <= rhs` where `lhs` is optional and `rhs` is not.
  public static func <= <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Value.Wrapped {
    binary(lhs.operand, "<=", rhs.operand)
  }

  /// `lhs > rhs` where `lhs` is optional and `rhs` is not.
  public static func > <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Value.Wrapped {
    binary(lhs.operand, ">", rhs.operand)
  }

  /// `lhs >= rhs` where `lhs` is optional and `rhs` is not.
  public static func >= <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Value.Wrapped {
    binary(lhs.operand, ">=", rhs.operand)
  }

  /// `lhs BETWEEN $1 AND $2` for a closed range of the wrapped type (a NULL is in no range).
  public func between(_ range: ClosedRange<Value.Wrapped>) -> SQLExpression<Bool> where Value.Wrapped: SQLValueConvertible {
    var sql = operand
    sql.append(unsafeRaw: " BETWEEN ")
    sql.append(bind(range.lowerBound))
    sql.append(unsafeRaw: " AND ")
    sql.append(bind(range.upperBound))
    return SQLExpression(sql)
  }
}
