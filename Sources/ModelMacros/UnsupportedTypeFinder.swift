import SwiftSyntax

/// Finds the part of a property's type that a column can never hold, when it can be
/// seen in the syntax: tuples, functions, dictionaries, implicitly unwrapped
/// optionals, existentials and metatypes. Any other unsupported type is caught by
/// the compiler through the `SQLColumnValue` constraint of the generated schema.
final class UnsupportedTypeFinder: SyntaxVisitor {
  private(set) var reason: String?

  /// Why `type` cannot be a column's type, or nil if nothing visible rules it out.
  static func reason(for type: TypeSyntax) -> String? {
    let finder = UnsupportedTypeFinder(viewMode: .sourceAccurate)
    finder.walk(type)
    return finder.reason
  }

  private func found(_ reason: String) -> SyntaxVisitorContinueKind {
    if self.reason == nil { self.reason = reason }
    return .skipChildren
  }

  override func visit(_ node: TupleTypeSyntax) -> SyntaxVisitorContinueKind {
    // `(Int)` is only parentheses.
    if node.elements.count == 1, let only = node.elements.first, only.firstName == nil, only.ellipsis == nil {
      return .visitChildren
    }
    return found("tuples are not supported")
  }

  override func visit(_ node: FunctionTypeSyntax) -> SyntaxVisitorContinueKind {
    found("function types are not supported")
  }

  override func visit(_ node: DictionaryTypeSyntax) -> SyntaxVisitorContinueKind {
    found("dictionaries are not supported")
  }

  override func visit(_ node: ImplicitlyUnwrappedOptionalTypeSyntax) -> SyntaxVisitorContinueKind {
    found("implicitly unwrapped optionals are not supported; use '?' for a nullable column")
  }

  override func visit(_ node: SomeOrAnyTypeSyntax) -> SyntaxVisitorContinueKind {
    found("existential and opaque types are not supported; a column needs a concrete type")
  }

  override func visit(_ node: MetatypeTypeSyntax) -> SyntaxVisitorContinueKind {
    found("metatypes are not supported")
  }

  override func visit(_ node: IdentifierTypeSyntax) -> SyntaxVisitorContinueKind {
    node.name.text == "Dictionary" && node.genericArgumentClause != nil
      ? found("dictionaries are not supported") : .visitChildren
  }
}
