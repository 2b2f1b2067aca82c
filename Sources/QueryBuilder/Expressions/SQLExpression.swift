import Model

/// A typed piece of SQL: `SQLExpression<Bool>` is a condition, `SQLExpression<Int>` a
/// count. Built from columns, values and operators; never from text, except through
/// ``init(unsafeRaw:)`` and the ``sql(_:)`` escape hatch.
///
/// ```swift
/// User.where { $0.age >= 18 && $0.name.like("A%") }   // SQLExpression<Bool>
/// ```
public struct SQLExpression<Value>: SQLExpressible {
  /// The expression's SQL (columns, binds and text).
  public let sql: SQL

  /// An expression of type `Value` made of `sql`.
  public init(_ sql: SQL) { self.sql = sql }

  /// Itself.
  public var expression: SQLExpression<Value> { self }

  /// A raw SQL fragment typed as `Value`, with binds for its interpolations and
  /// columns for interpolated columns:
  /// `SQLExpression<Bool>.sql("lower(\(u.name)) = \(name)")`.
  public static func sql(_ fragment: SQL) -> SQLExpression<Value> { SQLExpression(fragment) }
}

/// Anything usable as a typed expression: columns, expressions, aggregates.
public protocol SQLExpressible<Value>: Sendable {
  /// The Swift type the expression's value decodes as.
  associatedtype Value
  /// The expression itself.
  var expression: SQLExpression<Value> { get }
}

extension Column: SQLExpressible {
  /// The column as an expression.
  public var expression: SQLExpression<Value> {
    var sql = SQL()
    sql.append(column: name, table: table)
    return SQLExpression(sql)
  }
}

extension SQL.Interpolation {
  /// `\(u.name)` in a raw fragment: the column, rendered like any other.
  public mutating func appendInterpolation<E: SQLExpressible>(_ expression: E) {
    appendInterpolation(expression.expression.sql)
  }
}

/// `Optional` seen from the query builder: lets `== nil`, `coalesce` and
/// aggregates name the wrapped type.
public protocol OptionalValue {
  /// The wrapped type.
  associatedtype Wrapped
}

extension Optional: OptionalValue {}

extension SQLExpression {
  /// `(sql)`: parenthesised, so it can stand inside a larger expression unchanged.
  var parenthesized: SQL {
    var result = SQL(unsafeRaw: "(")
    result.append(sql)
    result.append(unsafeRaw: ")")
    return result
  }
}

/// Builds `lhs op rhs` from already-typed parts.
@usableFromInline
func binary<T>(_ lhs: SQL, _ op: String, _ rhs: SQL) -> SQLExpression<T> {
  var sql = lhs
  sql.append(unsafeRaw: " \(op) ")
  sql.append(rhs)
  return SQLExpression(sql)
}

/// A value as a bind.
@usableFromInline
func bind(_ value: some SQLValueConvertible) -> SQL {
  SQL(segments: [.bind(value.sqlValue)])
}
