/// A model's table: its name and columns in declaration order, plus indexes and
/// constraints over several columns.
public struct TableSchema: Sendable, Hashable {
  /// The table's SQL name.
  public var name: String
  /// The columns, in the order of the model's stored properties.
  public var columns: [ColumnSchema]
  /// Indexes over several columns (single-column ones are flagged on the column).
  public var indexes: [Index]

  /// An index over `columns`.
  public struct Index: Sendable, Hashable {
    /// The index's name.
    public var name: String
    /// The indexed columns, in order.
    public var columns: [String]
    /// Whether it is a UNIQUE index.
    public var isUnique: Bool

    /// An index; unnamed ones are named `<table>_<columns>_idx` when rendered.
    public init(name: String, columns: [String], isUnique: Bool = false) {
      self.name = name
      self.columns = columns
      self.isUnique = isUnique
    }
  }

  /// A table schema.
  public init(name: String, columns: [ColumnSchema], indexes: [Index] = []) {
    self.name = name
    self.columns = columns
    self.indexes = indexes
  }

  /// The primary key column, if there is exactly one.
  public var primaryKey: ColumnSchema? {
    let keys = columns.filter(\.isPrimaryKey)
    return keys.count == 1 ? keys[0] : nil
  }

  /// The column for the Swift property named `property`.
  public func column(forProperty property: String) -> ColumnSchema? {
    columns.first { $0.property == property }
  }

  /// The columns whose UNIQUE constraint or unique index is named `constraint` by the
  /// database's default naming (`<table>_<column>_key` on PostgreSQL), or whose name
  /// appears in a SQLite message (`users.email`).
  public func columns(forConstraint constraint: String) -> [ColumnSchema] {
    if constraint == "\(name)_pkey" { return columns.filter(\.isPrimaryKey) }
    for index in indexes where index.name == constraint {
      return index.columns.compactMap { column in columns.first { $0.name == column } }
    }
    return columns.filter { column in
      constraint == "\(name)_\(column.name)_key" || constraint == "\(name)_\(column.name)_fkey"
        || constraint == "\(name)_\(column.name)_check" || constraint == "\(name)_\(column.name)_not_null"
    }
  }
}
