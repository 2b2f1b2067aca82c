import SwiftSyntax

/// Which initial values become a column's DDL default.
enum DefaultValue {
  /// Literals, enum cases and references to constants (`0`, `"x"`, `.active`,
  /// `Status.active`, `-1`, `[]`) are kept. A value computed by a call (`UUID()`,
  /// `Date()`) or a closure is not: the DDL default would be one value frozen when the
  /// schema was built, not a fresh one per row. `nil` needs no default.
  static func isUsableAsDefault(_ expression: ExprSyntax) -> Bool {
    if let literal = expression.as(StringLiteralExprSyntax.self) {
      return literal.segments.allSatisfy { $0.is(StringSegmentSyntax.self) }
    }
    if expression.is(IntegerLiteralExprSyntax.self) || expression.is(FloatLiteralExprSyntax.self)
      || expression.is(BooleanLiteralExprSyntax.self) {
      return true
    }
    if let prefix = expression.as(PrefixOperatorExprSyntax.self) {
      return prefix.operator.text == "-"
        && (prefix.expression.is(IntegerLiteralExprSyntax.self) || prefix.expression.is(FloatLiteralExprSyntax.self))
    }
    if let access = expression.as(MemberAccessExprSyntax.self) {
      guard access.declName.argumentNames == nil else { return false }
      guard let base = access.base else { return true }
      return base.is(DeclReferenceExprSyntax.self) || base.is(MemberAccessExprSyntax.self) && isUsableAsDefault(base)
    }
    if let reference = expression.as(DeclReferenceExprSyntax.self) {
      return reference.argumentNames == nil && reference.baseName.tokenKind != .keyword(.self)
    }
    if let array = expression.as(ArrayExprSyntax.self) {
      return array.elements.allSatisfy { isUsableAsDefault($0.expression) }
    }
    if let tuple = expression.as(TupleExprSyntax.self), tuple.elements.count == 1, let only = tuple.elements.first,
       only.label == nil {
      return isUsableAsDefault(only.expression)
    }
    return false
  }
}
