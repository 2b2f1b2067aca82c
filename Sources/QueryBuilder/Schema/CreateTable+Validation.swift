import Model

extension CreateTable {
  /// Rejects, before anything is rendered, a schema that no database would create as
  /// described, or would create meaning something else.
  /// - Throws: ``MisuseError`` naming the table and column.
  func validate() throws {
    guard !schema.name.isEmpty else { throw MisuseError("CREATE TABLE needs a table name") }
    guard !schema.columns.isEmpty else { throw MisuseError("table \"\(schema.name)\" has no columns") }
    var seen = Set<String>()
    for column in schema.columns {
      guard !column.name.isEmpty else { throw MisuseError("table \"\(schema.name)\" has a column without a name") }
      guard seen.insert(column.name).inserted else {
        throw MisuseError("table \"\(schema.name)\" declares the column \"\(column.name)\" twice")
      }
      try validateGenerated(column)
      if let value = column.defaultValue, !Self.column(ofType: column.type, accepts: value) {
        throw MisuseError("default of \(subject(column)) is a \(value.kindName) value, which does not fit "
                            + "its type \(column.type) (or is out of its range)")
      }
      if let reference = column.references, reference.onDelete == .setNull, !column.isNullable {
        throw MisuseError("\(subject(column)) is NOT NULL, so its foreign key cannot be ON DELETE SET NULL")
      }
    }
    for index in schema.indexes {
      for name in index.columns where !seen.contains(name) {
        throw MisuseError("index \"\(index.name)\" on \"\(schema.name)\" names the column \"\(name)\", which the table does not have")
      }
    }
  }

  /// A generated key is what both dialects can generate: the one primary key column,
  /// of an integer type, with no default of its own.
  private func validateGenerated(_ column: ColumnSchema) throws {
    guard column.isGenerated else { return }
    guard column.isPrimaryKey, !hasCompositeKey else {
      throw MisuseError("\(subject(column)) is generated, but only a single-column primary key can be")
    }
    guard column.type.isInteger else {
      throw MisuseError("\(subject(column)) is a generated key of type \(column.type); generated keys are integers")
    }
    guard column.defaultValue == nil else {
      throw MisuseError("\(subject(column)) is generated, so it cannot have a default too")
    }
  }

  /// Whether a default of `value`'s kind means the same in a column of `type` on both
  /// dialects (PostgreSQL would reject most mismatches; SQLite would store them).
  static func column(ofType type: SQLColumnType, accepts value: SQLValue) -> Bool {
    switch (value, type) {
    case (.null, _): true
    case (.int(let integer), .int16): Int16(exactly: integer) != nil
    case (.int(let integer), .int32): Int32(exactly: integer) != nil
    case (.int, .int64), (.int, .float), (.int, .double), (.int, .decimal): true
    case (.double, .float), (.double, .double): true
    case (.bool, .bool), (.text, .text), (.bytes, .bytes), (.timestamp, .timestamp), (.uuid, .uuid),
         (.decimal, .decimal): true
    default: false
    }
  }
}
