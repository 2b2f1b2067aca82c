import Model

extension DatabaseError {
  /// The same error, naming the model and the properties behind the violated
  /// constraint, so an app can turn a unique violation on `User.email` into a form
  /// error without parsing messages.
  ///
  /// PostgreSQL names the constraint (`users_email_address_key`) and, for NOT NULL,
  /// the column; SQLite names `table.column` pairs in its message, which the SQLite
  /// backend puts in `column` (comma-separated for several).
  public func attributed<M: Model>(to model: M.Type) -> DatabaseError {
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
///
/// `rows` are the values written to `columns`. SQLite's foreign key error names no
/// constraint and no column ("FOREIGN KEY constraint failed"), so for such an error the
/// fields are found by looking up each foreign key value of `rows` in the table it
/// references: the fields whose value is missing there.
func attributingErrors<M: Model, T>(to model: M.Type, db: any Database, columns: [String] = [],
                                    rows: [[SQLValue]] = [], _ body: () async throws -> T) async throws -> T {
  do {
    return try await body()
  } catch let error as DatabaseError {
    var attributed = error.attributed(to: model)
    if attributed.code == .foreignKeyViolation, attributed.modelFields.isEmpty, !rows.isEmpty {
      attributed.modelFields = await M.fieldsWithMissingReferences(columns: columns, rows: rows, db)
    }
    throw attributed
  }
}

extension Model {
  /// The properties whose foreign key value, in one of `rows` (values of `columns`), has
  /// no row to refer to. A lookup that fails (in a transaction PostgreSQL has aborted,
  /// say) names nothing.
  static func fieldsWithMissingReferences(columns: [String], rows: [[SQLValue]], _ db: any Database) async -> [String] {
    var fields: [String] = []
    for column in schema.columns {
      guard let reference = column.references, let index = columns.firstIndex(of: column.name),
            let target = await referencedColumn(reference, db) else { continue }
      var checked = Set<SQLValue>()
      for row in rows where index < row.count && !row[index].isNull && checked.insert(row[index]).inserted {
        let probe: SQL = "SELECT 1 FROM \(identifier: reference.table) WHERE \(identifier: target) = "
          + SQL(segments: [.bind(row[index])]) + " LIMIT 1"
        guard let found = try? await db.fetchAll(probe) else { break }
        if found.isEmpty {
          fields.append(column.property)
          break
        }
      }
    }
    return fields
  }

  /// The column a foreign key refers to: the one it names, or else the referenced
  /// table's primary key, looked up in SQLite's catalog (the only backend whose error
  /// leaves the constraint unnamed).
  private static func referencedColumn(_ reference: ForeignKey, _ db: any Database) async -> String? {
    if let column = reference.column { return column }
    switch db.dialect {
    case .sqlite:
      let keys = try? await db.fetchAll("SELECT name FROM pragma_table_info(\(reference.table)) WHERE pk > 0")
      guard let keys, keys.count == 1 else { return nil }
      return try? keys[0].decode(String.self, at: 0)
    case .postgres:
      return nil
    }
  }
}
