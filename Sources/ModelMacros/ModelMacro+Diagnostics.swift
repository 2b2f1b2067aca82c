import SwiftDiagnostics
import SwiftSyntax

/// Everything `@Model` can reject, each with the message the compiler shows.
///
/// Messages name the property and say what to write instead: the reader is looking at
/// the model, not at the macro's source.
enum ModelMacroDiagnostic: DiagnosticMessage {
  case notAStruct
  case genericStruct
  case missingPrimaryKey
  case duplicateID(property: String, existing: String)
  case generatedKeyIsLet(property: String)
  case missingTypeAnnotation(property: String)
  case letWithInitialValue(property: String)
  case unsupportedType(property: String, type: String, reason: String)
  case unsupportedPattern
  case propertyWrapper(property: String, attribute: String)
  case markerOnSkippedProperty(marker: String, property: String, why: String)
  case columnNameNotLiteral
  case emptyColumnName
  case referencesNeedsType
  case duplicateColumnName(column: String, property: String, existing: String)
  case storedPropertyInConditionalBlock

  var message: String {
    switch self {
    case .notAStruct:
      "@Model applies to structs; a model is a value"
    case .genericStruct:
      "@Model does not support generic structs: a model's columns and schema need concrete types"
    case .missingPrimaryKey:
      "@Model needs a primary key: mark one property @ID"
    case .duplicateID(let property, let existing):
      "a model has one primary key: '\(existing)' is already marked @ID, so '\(property)' cannot be"
    case .generatedKeyIsLet(let property):
      "'\(property)' is an optional key, which the database generates and didInsert(primaryKey:) stores, so it must be 'var'"
    case .missingTypeAnnotation(let property):
      "'\(property)' needs an explicit type: @Model reads each column's type from its annotation, not from an initial value"
    case .letWithInitialValue(let property):
      "'\(property)' is a 'let' with an initial value, so it cannot be decoded from a row; make it 'var' or drop the value"
    case .unsupportedType(let property, let type, let reason):
      "'\(property)' has type '\(type)', which cannot be stored in a column: \(reason)"
    case .unsupportedPattern:
      "@Model properties need one name each; split the tuple pattern into separate properties"
    case .propertyWrapper(let property, let attribute):
      "'\(property)' uses @\(attribute): property wrappers are not supported on @Model properties (a column is a plain stored property)"
    case .markerOnSkippedProperty(let marker, let property, let why):
      "@\(marker) has no effect on '\(property)': \(why) is not a column"
    case .columnNameNotLiteral:
      "@Column needs the column's name as one string literal: @Column(\"email_address\")"
    case .emptyColumnName:
      "@Column needs a non-empty column name"
    case .referencesNeedsType:
      "@References needs the referenced model as 'Type.self': @References(Team.self, onDelete: .cascade)"
    case .duplicateColumnName(let column, let property, let existing):
      "column \"\(column)\" of '\(property)' is already the column of '\(existing)'; give one of them @Column(\"...\")"
    case .storedPropertyInConditionalBlock:
      "@Model cannot see stored properties inside #if; declare the model's columns unconditionally"
    }
  }

  var diagnosticID: MessageID {
    let id: String = switch self {
    case .notAStruct: "notAStruct"
    case .genericStruct: "genericStruct"
    case .missingPrimaryKey: "missingPrimaryKey"
    case .duplicateID: "duplicateID"
    case .generatedKeyIsLet: "generatedKeyIsLet"
    case .missingTypeAnnotation: "missingTypeAnnotation"
    case .letWithInitialValue: "letWithInitialValue"
    case .unsupportedType: "unsupportedType"
    case .unsupportedPattern: "unsupportedPattern"
    case .propertyWrapper: "propertyWrapper"
    case .markerOnSkippedProperty: "markerOnSkippedProperty"
    case .columnNameNotLiteral: "columnNameNotLiteral"
    case .emptyColumnName: "emptyColumnName"
    case .referencesNeedsType: "referencesNeedsType"
    case .duplicateColumnName: "duplicateColumnName"
    case .storedPropertyInConditionalBlock: "storedPropertyInConditionalBlock"
    }
    return MessageID(domain: "WrenModelMacro", id: id)
  }

  var severity: DiagnosticSeverity { .error }
}

/// The Fix-Its `@Model` offers.
struct ModelMacroFixIt: FixItMessage {
  let message: String
  let fixItID: MessageID

  /// Turn `let x = 1` into `var x = 1`.
  static let useVar = ModelMacroFixIt(message: "make it 'var'", fixItID: MessageID(domain: "WrenModelMacro", id: "useVar"))
}

/// The diagnostics of one expansion, collected so that every problem is reported at
/// once and the expansion can be abandoned if any was an error.
struct DiagnosticCollector {
  private(set) var diagnostics: [Diagnostic] = []

  var hasErrors: Bool { diagnostics.contains { $0.diagMessage.severity == .error } }

  mutating func error(_ message: ModelMacroDiagnostic, at node: some SyntaxProtocol, fixIts: [FixIt] = []) {
    diagnostics.append(Diagnostic(node: Syntax(node), message: message, fixIts: fixIts))
  }
}
