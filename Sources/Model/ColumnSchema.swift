/// What DDL and the query builder know about one column of a model.
///
/// `@Model` writes these; a hand-written conformance builds them with
/// ``column(_:property:type:primaryKey:generated:unique:indexed:default:references:)``.
public struct ColumnSchema: Sendable, Hashable {
  /// The column's SQL name.
  public var name: String
  /// The Swift property it maps to.
  public var property: String
  /// Its storage type.
  public var type: SQLColumnType
  /// Whether NULL is allowed.
  public var isNullable: Bool
  /// Whether it is (part of) the primary key.
  public var isPrimaryKey: Bool
  /// Whether the database generates its value (identity / INTEGER PRIMARY KEY).
  public var isGenerated: Bool
  /// Whether a UNIQUE constraint covers it alone.
  public var isUnique: Bool
  /// Whether an index covers it alone.
  public var isIndexed: Bool
  /// The DDL default, from the property's initial value.
  public var defaultValue: SQLValue?
  /// The foreign key it carries, if any.
  public var references: ForeignKey?

  /// A column; prefer the typed ``column(_:property:type:primaryKey:generated:unique:indexed:default:references:)``.
  public init(name: String, property: String, type: SQLColumnType, isNullable: Bool, isPrimaryKey: Bool = false,
              isGenerated: Bool = false, isUnique: Bool = false, isIndexed: Bool = false,
              defaultValue: SQLValue? = nil, references: ForeignKey? = nil) {
    self.name = name
    self.property = property
    self.type = type
    self.isNullable = isNullable
    self.isPrimaryKey = isPrimaryKey
    self.isGenerated = isGenerated
    self.isUnique = isUnique
    self.isIndexed = isIndexed
    self.defaultValue = defaultValue
    self.references = references
  }

  /// A column whose type and nullability come from the Swift type `T`.
  public static func column<T: SQLColumnValue>(
    _ name: String, property: String, type: T.Type, primaryKey: Bool = false, generated: Bool = false,
    unique: Bool = false, indexed: Bool = false, default defaultValue: T? = nil, references: ForeignKey? = nil
  ) -> ColumnSchema {
    ColumnSchema(name: name, property: property, type: T.sqlColumnType, isNullable: T.isSQLNullable && !primaryKey,
                 isPrimaryKey: primaryKey, isGenerated: generated, isUnique: unique, isIndexed: indexed,
                 defaultValue: defaultValue?.sqlValue, references: references)
  }

  /// A column for an enum stored as its raw value (declared `SQLValueConvertible`).
  @_disfavoredOverload
  public static func column<T: SQLValueConvertible & RawRepresentable>(
    _ name: String, property: String, type: T.Type, primaryKey: Bool = false, generated: Bool = false,
    unique: Bool = false, indexed: Bool = false, default defaultValue: T? = nil, references: ForeignKey? = nil
  ) -> ColumnSchema where T.RawValue: SQLColumnValue {
    ColumnSchema(name: name, property: property, type: T.RawValue.sqlColumnType, isNullable: false,
                 isPrimaryKey: primaryKey, isGenerated: generated, isUnique: unique, isIndexed: indexed,
                 defaultValue: defaultValue?.sqlValue, references: references)
  }

  /// A nullable column for an optional enum stored as its raw value.
  @_disfavoredOverload
  public static func column<T: SQLValueConvertible & RawRepresentable>(
    _ name: String, property: String, type: T?.Type, primaryKey: Bool = false, generated: Bool = false,
    unique: Bool = false, indexed: Bool = false, default defaultValue: T?? = nil, references: ForeignKey? = nil
  ) -> ColumnSchema where T.RawValue: SQLColumnValue {
    ColumnSchema(name: name, property: property, type: T.RawValue.sqlColumnType, isNullable: true,
                 isPrimaryKey: primaryKey, isGenerated: generated, isUnique: unique, isIndexed: indexed,
                 defaultValue: defaultValue.map { $0.sqlValue }, references: references)
  }
}

/// A foreign key from a column to another table's column.
public struct ForeignKey: Sendable, Hashable {
  /// What happens to referencing rows when the referenced row is deleted.
  public enum Action: String, Sendable, Hashable {
    /// Refuse the delete (the default).
    case noAction = "NO ACTION"
    /// Refuse the delete, checked at once.
    case restrict = "RESTRICT"
    /// Delete the referencing rows too.
    case cascade = "CASCADE"
    /// Set the referencing column to NULL.
    case setNull = "SET NULL"
  }

  /// The referenced table.
  public var table: String
  /// The referenced column; nil for the table's primary key (`REFERENCES "table"`).
  public var column: String?
  /// The action on delete.
  public var onDelete: Action

  /// A reference to `table(column)`, or to the table's primary key without `column`.
  public init(table: String, column: String? = nil, onDelete: Action = .noAction) {
    self.table = table
    self.column = column
    self.onDelete = onDelete
  }
}
