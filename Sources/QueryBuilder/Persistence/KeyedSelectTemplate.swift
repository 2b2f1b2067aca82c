import Model

/// `SELECT <columns> FROM <table> WHERE <key> = ? LIMIT 1` for a model and dialect,
/// built from the query builder once (a ``ModelStatementTemplates`` entry):
/// `fetchOne(db, id:)` is the hottest model call, and building and rendering the query
/// on every call cost more than running it on SQLite.
@usableFromInline
struct KeyedSelectTemplate: Sendable {
  let template: BindTemplate

  /// The statement for `key`.
  @usableFromInline
  func statement(_ key: SQLValue) -> SQL {
    template.statement(key)
  }

  /// The template for `M` in `dialect`, built on first use.
  /// - Throws: ``PersistenceError`` `.missingPrimaryKey` when `M` has no single key.
  @usableFromInline
  static func template<M: Model>(for model: M.Type, _ dialect: SQLDialect) throws -> KeyedSelectTemplate {
    let template = try ModelStatementTemplates.template(.keyedSelect, of: M.self, dialect) {
      guard let primaryKey = M.schema.primaryKey else {
        throw PersistenceError(.missingPrimaryKey, model: M.self, table: M.tableName)
      }
      var query = Query<M>()
      var condition = SQL()
      condition.append(column: primaryKey.name, table: M.tableName)
      condition.append(unsafeRaw: " = ")
      condition.append(bind: .null)
      query.clauses.filters.append(condition)
      query.clauses.limit = 1
      return try query.statement(dialect)
    }
    return KeyedSelectTemplate(template: template)
  }
}
