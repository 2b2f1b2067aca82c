import Model

/// A DDL statement rendered per dialect: ``CreateTable``, ``CreateIndex``, ``DropTable``.
///
/// ```swift
/// for statement in try CreateTable(User.self).sql(.sqlite) { print(statement.text) }
/// try await db.execute(CreateIndex(name: "users_name_idx", table: "users", columns: ["name"]))
/// ```
///
/// DDL takes no bind parameters, so the rendered statements carry none: the few
/// values DDL holds (column defaults) are written as literals, safely quoted.
public protocol SchemaStatement: Sendable {
  /// The statements to run, in order, for `dialect`.
  /// - Throws: ``MisuseError`` when the statement cannot be expressed in `dialect` or
  ///   describes something no database would accept; nothing is silently left out.
  func sql(_ dialect: SQLDialect) throws -> [RenderedSQL]
}

extension SchemaStatement {
  /// Checks each rendered statement the way backends do before sending it.
  func validated(_ statements: [RenderedSQL], for dialect: SQLDialect) throws -> [RenderedSQL] {
    for statement in statements { try statement.validate(for: dialect) }
    return statements
  }
}
