import Model

extension DatabaseError {
  /// The same error, naming the model and the properties behind the violated
  /// constraint, so an app can turn a unique violation on `User.email` into a form
  /// error without parsing messages.
  ///
  /// PostgreSQL names the constraint (`users_email_address_key`) and, for NOT NULL,
  /// the column; SQLite names `table.column` pairs in its message, which the SQLite
  /// backend puts in `column` (comma-separated for several).
  func attributed<M: Model>(to model: M.Type) -> DatabaseError {
    var error = self
    error.modelName = String(describing: model)
    let schema = M.schema
    var columns: [ColumnSchema] = []
    if let constraint = error.constraint { columns = schema.columns(forConstraint: constraint) }
    if columns.isEmpty, let column = error.column {
      let names = column.split(separator: ",").map { $0.trimmingPrefix(while: { $0 == " " }) }.map(String.init)
      columns = names.compactMap { name in schema.columns.first { $0.name == name } }
    }
    error.modelFields = columns.map(\.property)
    return error
  }
}

/// Runs a model write, attributing a database error to the model's fields.
func attributingErrors<M: Model, T>(to model: M.Type, _ body: () async throws -> T) async throws -> T {
  do {
    return try await body()
  } catch let error as DatabaseError {
    throw error.attributed(to: model)
  }
}
