import SwiftDiagnostics
import SwiftParser
import SwiftSyntax
import SwiftSyntaxMacros

/// `@Model`: writes a struct's `Model` conformance from its stored properties.
///
/// Every stored instance property becomes a column, in declaration order; computed,
/// static and lazy properties are skipped. As a member macro it adds `ID`,
/// `tableName`, `Columns` and `schema` to the struct; as an extension macro it adds
/// the conformance with `init(row:layout:)`, `columnValues`, `primaryKeyValue` and,
/// for a generated key, `didInsert(primaryKey:)` (see ``ModelExpansion`` for why).
///
/// Problems visible in the syntax are reported as errors on the offending node (by
/// the member role only, so each is reported once), and nothing is written then: the
/// errors would only multiply. Types that cannot be stored but look fine
/// syntactically fail to compile in the generated code, through the
/// `SQLColumnValue` / `SQLValueConvertible` constraints.
public struct ModelMacro: MemberMacro, ExtensionMacro {
  /// `ID`, `tableName`, `Columns` and `schema`, or nothing (with errors reported
  /// through `context`) when the struct cannot be a model as written.
  public static func expansion(
    of node: AttributeSyntax,
    providingMembersOf declaration: some DeclGroupSyntax,
    conformingTo protocols: [TypeSyntax],
    in context: some MacroExpansionContext
  ) throws -> [DeclSyntax] {
    let (expansion, diagnostics) = analyze(node, declaration, lexicalContext: context.lexicalContext)
    for diagnostic in diagnostics.diagnostics { context.diagnose(diagnostic) }
    return expansion?.memberDecls() ?? []
  }

  /// The `Model` extension of `type`, or none when the struct cannot be a model as
  /// written (the member role reports why).
  public static func expansion(
    of node: AttributeSyntax,
    attachedTo declaration: some DeclGroupSyntax,
    providingExtensionsOf type: some TypeSyntaxProtocol,
    conformingTo protocols: [TypeSyntax],
    in context: some MacroExpansionContext
  ) throws -> [ExtensionDeclSyntax] {
    guard let expansion = analyze(node, declaration, lexicalContext: context.lexicalContext).expansion else { return [] }
    return [expansion.extensionDecl(extendedType: type.trimmedDescription, addsConformance: !protocols.isEmpty)]
  }

  /// Reads and checks the struct: what to write, or nil if anything is wrong.
  private static func analyze(_ node: AttributeSyntax, _ declaration: some DeclGroupSyntax,
                              lexicalContext: [Syntax]) -> (expansion: ModelExpansion?, diagnostics: DiagnosticCollector) {
    var diagnostics = DiagnosticCollector()
    guard let structDecl = declaration.as(StructDeclSyntax.self) else {
      diagnostics.error(.notAStruct, at: node)
      return (nil, diagnostics)
    }
    if let generics = structDecl.genericParameterClause {
      diagnostics.error(.genericStruct, at: generics)
      return (nil, diagnostics)
    }
    let modelName = ModelPropertyParser.bareIdentifier(structDecl.name)
    var parser = ModelPropertyParser(modelNames: selfNames(modelName, lexicalContext: lexicalContext))
    let properties = parser.properties(of: structDecl.memberBlock.members)
    diagnostics = parser.diagnostics
    let key = primaryKey(of: properties, macro: node, diagnostics: &diagnostics)
    checkColumnNamesAreDistinct(properties, diagnostics: &diagnostics)
    guard !diagnostics.hasErrors, let key else { return (nil, diagnostics) }

    let expansion = ModelExpansion(
      typeName: structDecl.name.text,
      access: accessModifier(of: structDecl),
      table: tableName(argument: node, modelName: modelName),
      properties: properties,
      keyIndex: key
    )
    return (expansion, diagnostics)
  }

  /// The spellings that name the model from inside its own body: `Place`, and for
  /// `Geo.Place` also `Geo.Place` (the enclosing types come from the lexical context).
  private static func selfNames(_ modelName: String, lexicalContext: [Syntax]) -> Set<String> {
    var enclosing: [String] = lexicalContext.compactMap { context in
      if let extensionDecl = context.as(ExtensionDeclSyntax.self) {
        return extensionDecl.extendedType.trimmedDescription
      }
      guard context.isProtocol((any DeclGroupSyntax).self),
            let decl = context.asProtocol((any NamedDeclSyntax).self) else { return nil }
      return ModelPropertyParser.bareIdentifier(decl.name)
    }
    if enclosing.first == modelName { enclosing.removeFirst() }  // the struct itself, when listed
    var names: Set<String> = [modelName]
    var qualified = modelName
    for outer in enclosing {  // innermost first
      qualified = outer + "." + qualified
      names.insert(qualified)
    }
    return names
  }

  /// The index of the key: the one `@ID` property, else a property named `id`.
  private static func primaryKey(of properties: [ModelProperty], macro: AttributeSyntax,
                                 diagnostics: inout DiagnosticCollector) -> Int? {
    var key: Int?
    for (index, property) in properties.enumerated() {
      guard let attribute = property.idAttribute else { continue }
      if let key {
        diagnostics.error(.duplicateID(property: property.bareName, existing: properties[key].bareName), at: attribute)
      } else {
        key = index
      }
    }
    if key == nil { key = properties.firstIndex { $0.bareName == "id" } }
    if let key {
      let property = properties[key]
      if property.isLet, property.optionalWrapped != nil {
        diagnostics.error(.generatedKeyIsLet(property: property.bareName), at: property.node)
      }
      return key
    }
    // A property dropped for another error may have been the key: say only what is sure.
    if !diagnostics.hasErrors { diagnostics.error(.missingPrimaryKey, at: macro) }
    return nil
  }

  private static func checkColumnNamesAreDistinct(_ properties: [ModelProperty],
                                                  diagnostics: inout DiagnosticCollector) {
    var owners: [String: String] = [:]
    for property in properties {
      if let existing = owners[property.columnName] {
        diagnostics.error(.duplicateColumnName(column: property.columnName, property: property.bareName,
                                               existing: existing), at: property.node)
      } else {
        owners[property.columnName] = property.bareName
      }
    }
  }

  /// `public ` for a public (or open) struct, `package ` for a package one, else
  /// nothing: the members then get the extension's default, the type's own access.
  private static func accessModifier(of structDecl: StructDeclSyntax) -> String {
    for modifier in structDecl.modifiers {
      switch modifier.name.tokenKind {
      case .keyword(.public), .keyword(.open): return "public "
      case .keyword(.package): return "package "
      default: continue
      }
    }
    return ""
  }

  /// `table:` as given, or the snake_case of the type's name.
  private static func tableName(argument node: AttributeSyntax, modelName: String) -> ModelExpansion.TableName {
    if case .argumentList(let arguments) = node.arguments,
       let table = arguments.first(where: { $0.label?.text == "table" })?.expression {
      if let literal = table.as(StringLiteralExprSyntax.self), literal.representedLiteralValue != nil {
        return .literal(literal.trimmedDescription)
      }
      if !table.is(NilLiteralExprSyntax.self) {
        return .expression(table.trimmed)
      }
    }
    return .literal(ModelPropertyParser.literal(SnakeCase.convert(modelName)))
  }
}
