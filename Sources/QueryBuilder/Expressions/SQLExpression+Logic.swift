import Model

extension SQLExpressible where Value == Bool {
  /// `(lhs) AND (rhs)`.
  public static func && <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Bool {
    binary(lhs.expression.parenthesized, "AND", rhs.expression.parenthesized)
  }

  /// `(lhs) OR (rhs)`.
  public static func || <R: SQLExpressible>(lhs: Self, rhs: R) -> SQLExpression<Bool> where R.Value == Bool {
    binary(lhs.expression.parenthesized, "OR", rhs.expression.parenthesized)
  }

  /// `NOT (operand)`.
  public static prefix func ! (operand: Self) -> SQLExpression<Bool> {
    SQLExpression("NOT " + operand.expression.parenthesized)
  }
}

extension SQLExpression where Value == Bool {
  /// A condition that always holds (`1 = 1`); the neutral start of an `&&` chain.
  public static var always: SQLExpression<Bool> { SQLExpression("1 = 1") }
  /// A condition that never holds (`1 = 0`).
  public static var never: SQLExpression<Bool> { SQLExpression("1 = 0") }
}
