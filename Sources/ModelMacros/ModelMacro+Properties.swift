import SwiftDiagnostics
import SwiftParser
import SwiftSyntax

/// One stored property of a model, as `@Model` maps it to a column.
struct ModelProperty {
  /// A foreign key read from `@References(Team.self, onDelete: .cascade)`.
  struct Reference {
    /// `Team` in `Team.self`.
    var target: ExprSyntax
    /// Whether the model references itself (`Self.self` or its own name): its schema
    /// must not be read while it is being built.
    var isSelf: Bool
    /// The `onDelete:` argument, passed through as written.
    var onDelete: ExprSyntax?
  }

  /// The identifier as written, backticks kept, for generated Swift code.
  var name: String
  /// The identifier without backticks, for `property:` and snake-casing.
  var bareName: String
  /// Declared with `let`: decoded like a `var`, but never assigned afterwards.
  var isLet: Bool
  /// The declared type.
  var type: TypeSyntax
  /// The wrapped type when ``type`` is `T?` or `Optional<T>`.
  var optionalWrapped: TypeSyntax?
  /// The SQL column name.
  var columnName: String
  /// ``columnName`` as a Swift string literal.
  var columnLiteral: String
  /// The `@ID` attribute, when present.
  var idAttribute: AttributeSyntax?
  var isUnique = false
  var isIndexed = false
  var reference: Reference?
  /// The initial value, when it can serve as the DDL default.
  var defaultValue: ExprSyntax?
  /// Where diagnostics about the whole property point.
  var node: Syntax

  /// The type with one level of Optional removed: the key's `ID`.
  var nonOptionalType: TypeSyntax { optionalWrapped ?? type }
}

/// Reads a struct's members into ``ModelProperty`` values, reporting what `@Model`
/// cannot store.
struct ModelPropertyParser {
  /// The markers `@Model` understands on a property.
  static let markers: Set<String> = ["ID", "Column", "Unique", "Indexed", "References"]
  /// Built-in attributes that may sit on a stored property without changing storage.
  static let harmlessAttributes: Set<String> = [
    "available", "usableFromInline", "_spi", "exclusivity", "preconcurrency", "objc", "nonobjc",
  ]

  /// The model's own names, bare (`Place`) and as extended (`Geo.Place`), to
  /// recognise self-references.
  let modelNames: Set<String>
  /// What was found wrong so far.
  private(set) var diagnostics = DiagnosticCollector()

  init(modelNames: Set<String>) {
    self.modelNames = modelNames
  }

  /// The stored instance properties of `members`, in declaration order.
  mutating func properties(of members: MemberBlockItemListSyntax) -> [ModelProperty] {
    var result: [ModelProperty] = []
    for member in members {
      if let variable = member.decl.as(VariableDeclSyntax.self) {
        result += properties(of: variable)
      } else if let conditional = member.decl.as(IfConfigDeclSyntax.self), declaresStoredProperty(conditional) {
        let start = conditional.clauses.first?.poundKeyword ?? conditional.poundEndif
        diagnostics.error(.storedPropertyInConditionalBlock, at: start)
      }
    }
    return result
  }

  // MARK: - One declaration

  private mutating func properties(of variable: VariableDeclSyntax) -> [ModelProperty] {
    let isStatic = variable.modifiers.contains { ["static", "class"].contains($0.name.text) }
    let isLazy = variable.modifiers.contains { $0.name.text == "lazy" }
    let isLet = variable.bindingSpecifier.tokenKind == .keyword(.let)
    var markerAttributes: [AttributeSyntax] = []
    var otherAttributes: [AttributeSyntax] = []
    for element in variable.attributes {
      guard case .attribute(let attribute) = element else { continue }
      let name = Self.attributeName(attribute)
      if Self.markers.contains(name) {
        markerAttributes.append(attribute)
      } else if !Self.harmlessAttributes.contains(name) {
        otherAttributes.append(attribute)
      }
    }

    var result: [ModelProperty] = []
    for (binding, type) in Self.bindingsWithTypes(variable.bindings) {
      let displayName = binding.pattern.trimmedDescription
      let notAColumn = isStatic ? "a static property" : isLazy ? "a lazy property"
        : Self.isComputed(binding) ? "a computed property" : nil
      if let notAColumn {
        for marker in markerAttributes {
          let marker = (name: Self.attributeName(marker), node: marker)
          diagnostics.error(.markerOnSkippedProperty(marker: marker.name, property: displayName, why: notAColumn),
                            at: marker.node)
        }
        continue
      }
      for attribute in otherAttributes {
        let name = attribute.attributeName.trimmedDescription
        diagnostics.error(.propertyWrapper(property: displayName, attribute: name), at: attribute)
      }
      guard let identifier = binding.pattern.as(IdentifierPatternSyntax.self) else {
        diagnostics.error(.unsupportedPattern, at: binding.pattern)
        continue
      }
      if isLet, binding.initializer != nil {
        let fixIt = FixIt(message: ModelMacroFixIt.useVar, changes: [
          .replace(oldNode: Syntax(variable.bindingSpecifier),
                   newNode: Syntax(variable.bindingSpecifier.with(\.tokenKind, .keyword(.var)))),
        ])
        diagnostics.error(.letWithInitialValue(property: displayName), at: variable.bindingSpecifier, fixIts: [fixIt])
      }
      guard let type else {
        diagnostics.error(.missingTypeAnnotation(property: displayName), at: binding.pattern)
        continue
      }
      if let reason = UnsupportedTypeFinder.reason(for: type) {
        let message = ModelMacroDiagnostic.unsupportedType(property: displayName, type: type.trimmedDescription,
                                                           reason: reason)
        diagnostics.error(message, at: type)
        continue
      }
      if let property = property(identifier, type: type, isLet: isLet, initializer: binding.initializer?.value,
                                 markers: markerAttributes) {
        result.append(property)
      }
    }
    return result
  }

  private mutating func property(_ identifier: IdentifierPatternSyntax, type: TypeSyntax, isLet: Bool,
                                 initializer: ExprSyntax?, markers: [AttributeSyntax]) -> ModelProperty? {
    let name = identifier.identifier.text
    let bareName = Self.bareIdentifier(identifier.identifier)
    let snake = SnakeCase.convert(bareName)
    var property = ModelProperty(
      name: name, bareName: bareName, isLet: isLet, type: type.trimmed,
      optionalWrapped: Self.optionalWrapped(type)?.trimmed,
      columnName: snake, columnLiteral: Self.literal(snake), node: Syntax(identifier))
    var valid = true
    for marker in markers {
      switch Self.attributeName(marker) {
      case "ID":
        property.idAttribute = property.idAttribute ?? marker
      case "Column":
        guard let literal = Self.columnNameLiteral(marker) else {
          diagnostics.error(.columnNameNotLiteral, at: marker)
          valid = false
          continue
        }
        guard let value = literal.representedLiteralValue, !value.isEmpty else {
          let problem: ModelMacroDiagnostic = literal.representedLiteralValue == nil
            ? .columnNameNotLiteral : .emptyColumnName
          diagnostics.error(problem, at: marker)
          valid = false
          continue
        }
        property.columnName = value
        property.columnLiteral = literal.trimmedDescription
      case "Unique":
        property.isUnique = true
      case "Indexed":
        property.isIndexed = true
      case "References":
        guard let reference = reference(marker) else {
          diagnostics.error(.referencesNeedsType, at: marker)
          valid = false
          continue
        }
        property.reference = reference
      default:
        break
      }
    }
    if let initializer, DefaultValue.isUsableAsDefault(initializer) {
      property.defaultValue = initializer.trimmed
    }
    return valid ? property : nil
  }

  // MARK: - Markers

  private static func columnNameLiteral(_ attribute: AttributeSyntax) -> StringLiteralExprSyntax? {
    guard case .argumentList(let arguments) = attribute.arguments, arguments.count == 1,
          let argument = arguments.first, argument.label == nil else { return nil }
    return argument.expression.as(StringLiteralExprSyntax.self)
  }

  private func reference(_ attribute: AttributeSyntax) -> ModelProperty.Reference? {
    guard case .argumentList(let arguments) = attribute.arguments, let first = arguments.first, first.label == nil,
          let access = first.expression.as(MemberAccessExprSyntax.self), access.declName.baseName.text == "self",
          access.declName.argumentNames == nil, let base = access.base else { return nil }
    var onDelete: ExprSyntax?
    for argument in arguments.dropFirst() {
      guard argument.label?.text == "onDelete" else { return nil }
      onDelete = argument.expression.trimmed
    }
    let target = base.trimmedDescription
    let isSelf = target == "Self" || modelNames.contains(target)
    return ModelProperty.Reference(target: base.trimmed, isSelf: isSelf, onDelete: onDelete)
  }

  // MARK: - Syntax helpers

  /// `Column` for `@Column("x")` and for a qualified `@Model.Column("x")`.
  static func attributeName(_ attribute: AttributeSyntax) -> String {
    if let member = attribute.attributeName.as(MemberTypeSyntax.self) { return member.name.text }
    if let identifier = attribute.attributeName.as(IdentifierTypeSyntax.self) { return identifier.name.text }
    return attribute.attributeName.trimmedDescription
  }

  /// Each binding with its type; in `var a, b: Int`, `a` takes the type written after `b`.
  static func bindingsWithTypes(_ bindings: PatternBindingListSyntax) -> [(PatternBindingSyntax, TypeSyntax?)] {
    var result: [(PatternBindingSyntax, TypeSyntax?)] = []
    var following: TypeSyntax?
    for binding in bindings.reversed() {
      if let annotated = binding.typeAnnotation?.type {
        following = annotated
      } else if binding.initializer != nil || binding.accessorBlock != nil {
        following = nil
      }
      result.append((binding, binding.typeAnnotation?.type ?? following))
    }
    return result.reversed()
  }

  /// A getter or get/set block makes a computed property; willSet/didSet alone do not.
  static func isComputed(_ binding: PatternBindingSyntax) -> Bool {
    switch binding.accessorBlock?.accessors {
    case nil: false
    case .getter: true
    case .accessors(let accessors):
      accessors.contains { !["willSet", "didSet"].contains($0.accessorSpecifier.text) }
    }
  }

  /// `T` for `T?`, `Optional<T>` and `Swift.Optional<T>`.
  static func optionalWrapped(_ type: TypeSyntax) -> TypeSyntax? {
    if let optional = type.as(OptionalTypeSyntax.self) { return optional.wrappedType }
    let generic: GenericArgumentClauseSyntax?
    if let identifier = type.as(IdentifierTypeSyntax.self), identifier.name.text == "Optional" {
      generic = identifier.genericArgumentClause
    } else if let member = type.as(MemberTypeSyntax.self), member.name.text == "Optional",
              member.baseType.trimmedDescription == "Swift" {
      generic = member.genericArgumentClause
    } else {
      return nil
    }
    guard let arguments = generic?.arguments, arguments.count == 1,
          case .type(let wrapped) = arguments.first?.argument else { return nil }
    return wrapped
  }

  /// `default` for `` `default` ``.
  static func bareIdentifier(_ token: TokenSyntax) -> String {
    let text = token.text
    guard text.count >= 2, text.hasPrefix("`"), text.hasSuffix("`") else { return text }
    return String(text.dropFirst().dropLast())
  }

  /// A Swift string literal for `text`, which is an identifier's snake_case (no escapes needed).
  static func literal(_ text: String) -> String {
    "\"\(text)\""
  }

  private func declaresStoredProperty(_ conditional: IfConfigDeclSyntax) -> Bool {
    conditional.clauses.contains { clause in
      guard case .decls(let members) = clause.elements else { return false }
      return members.contains { member in
        if let nested = member.decl.as(IfConfigDeclSyntax.self) { return declaresStoredProperty(nested) }
        guard let variable = member.decl.as(VariableDeclSyntax.self) else { return false }
        let isInstanceStorage = !variable.modifiers.contains { ["static", "class", "lazy"].contains($0.name.text) }
        return isInstanceStorage && variable.bindings.contains { !Self.isComputed($0) }
      }
    }
  }
}
