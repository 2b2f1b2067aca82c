import SwiftSyntax
import SwiftSyntaxBuilder

/// What `@Model` writes for one struct, once its properties have been checked.
///
/// Everything that spells a type the user wrote (`Status`, `Team.self`, a default
/// `Status.active`, the `table:` expression) is a member of the struct, where names
/// resolve as in the struct's own body: a model nested in `enum Shop` may say
/// `Status` for `Shop.Status`. An extension at file scope would not see it. The
/// rest goes in the extension, so the struct keeps its memberwise initialiser
/// (an `init` among the members would suppress it); there, the row decoder lets
/// each property's type be inferred, and `didInsert` names the key's type `ID`.
struct ModelExpansion {
  /// Where the table's name comes from.
  enum TableName {
    /// A string literal, repeated in the schema.
    case literal(String)
    /// Any other expression for `table:`; the schema reads `tableName`.
    case expression(ExprSyntax)
  }

  /// The struct's own name, as its body spells it (`User`).
  var typeName: String
  /// `public `, `package ` or nothing.
  var access: String
  var table: TableName
  /// The columns, in declaration (= schema) order.
  var properties: [ModelProperty]
  var keyIndex: Int

  private var key: ModelProperty { properties[keyIndex] }
  /// A key declared Optional is nil until the database assigns it.
  private var isKeyGenerated: Bool { key.optionalWrapped != nil }

  /// `ID`, `tableName`, `Columns` and `schema`, added to the struct's body.
  func memberDecls() -> [DeclSyntax] {
    [
      "\(raw: access)typealias ID = \(raw: key.nonOptionalType.trimmedDescription)",
      "\(raw: tableNameDecl)",
      "\(raw: columnsDecl)",
      "\(raw: schemaDecl)",
    ]
  }

  /// The conformance of `extendedType` (`Shop.User`) with `init(row:layout:)`,
  /// `columnValues`, `primaryKeyValue` and, for a generated key, `didInsert`.
  /// `addsConformance` is false when the struct already declares it.
  func extensionDecl(extendedType: String, addsConformance: Bool) -> ExtensionDeclSyntax {
    let conformance = addsConformance ? ": Model" : ""
    var members = [
      rowInitDecl,
      columnValuesDecl,
      "\(access)var primaryKeyValue: SQLValue {\n\(key.name).sqlValue\n}",
    ]
    if isKeyGenerated {
      members.append("""
        \(access)mutating func didInsert(primaryKey: SQLValue) throws {
        self.\(key.name) = try ID(sqlValue: primaryKey)
        }
        """)
    }
    let source = "extension \(extendedType)\(conformance) {\n\(members.joined(separator: "\n\n"))\n}"
    let decl: DeclSyntax = "\(raw: source)"
    return decl.cast(ExtensionDeclSyntax.self)
  }

  // MARK: - Members

  private var tableNameDecl: String {
    switch table {
    case .literal(let literal): "\(access)static let tableName = \(literal)"
    case .expression(let expression): "\(access)static let tableName: String = \(expression.trimmedDescription)"
    }
  }

  private var columnsDecl: String {
    let handles = properties.enumerated().map { index, property in
      // The key's handle is never optional: a stored key is never NULL, so
      // `o.userID == u.id` compares two `Int64` columns.
      let value = index == keyIndex ? property.nonOptionalType : property.type
      return "\(access)let \(property.name): Column<\(typeName), \(value.trimmedDescription)>"
    }
    let assignments = properties.map { "self.\($0.name) = Column(\($0.columnLiteral), table: table)" }
    return """
      \(access)struct Columns: ModelColumns {
      \(handles.joined(separator: "\n"))

      \(access)init(table: String) {
      \(assignments.joined(separator: "\n"))
      }
      }
      """
  }

  private var schemaDecl: String {
    let name = switch table {
    case .literal(let literal): literal
    case .expression: "tableName"
    }
    let columns = properties.enumerated().map { index, property in
      ".column(\(columnArguments(property, isKey: index == keyIndex).joined(separator: ", "))),"
    }
    return """
      \(access)static let schema = TableSchema(
      name: \(name),
      columns: [
      \(columns.joined(separator: "\n"))
      ]
      )
      """
  }

  /// The arguments of `ColumnSchema.column(...)`, leaving out the defaults.
  private func columnArguments(_ property: ModelProperty, isKey: Bool) -> [String] {
    var arguments = [property.columnLiteral, "property: \"\(property.bareName)\"",
                     "type: \(property.type.trimmedDescription).self"]
    if isKey {
      arguments.append("primaryKey: true")
      if isKeyGenerated { arguments.append("generated: true") }
    }
    if property.isUnique { arguments.append("unique: true") }
    if property.isIndexed { arguments.append("indexed: true") }
    if let value = property.defaultValue { arguments.append("default: \(value.trimmedDescription)") }
    if let reference = property.reference { arguments.append("references: \(foreignKey(reference))") }
    return arguments
  }

  private func foreignKey(_ reference: ModelProperty.Reference) -> String {
    // No column: the reference is to the target's primary key, which SQL's
    // `REFERENCES "table"` means too. Reading the target's schema here instead would
    // hang when two models reference each other (each static schema waiting on the other).
    var arguments = reference.isSelf ? ["table: tableName"] : ["table: \(reference.target.trimmedDescription).tableName"]
    if let onDelete = reference.onDelete { arguments.append("onDelete: \(onDelete.trimmedDescription)") }
    return "ForeignKey(\(arguments.joined(separator: ", ")))"
  }

  private var rowInitDecl: String {
    let decodes = properties.enumerated().map { index, property in
      "self.\(property.name) = try row.decode(at: layout[\(index)])"
    }
    return """
      \(access)init(row: Row, layout: RowLayout) throws {
      \(decodes.joined(separator: "\n"))
      }
      """
  }

  private var columnValuesDecl: String {
    let values = properties.map { "\($0.name).sqlValue," }
    return """
      \(access)var columnValues: [SQLValue] {
      [
      \(values.joined(separator: "\n"))
      ]
      }
      """
  }
}
