/// One row of a result: values by position or by column name, with typed decoding.
///
/// ```swift
/// let name = try row["name", as: String.self]
/// let age: Int? = try row.decode(column: "age")
/// ```
///
/// Rows of one result share their storage, so a `Row` is two words and copying it is
/// cheap. A decoding failure is a ``RowDecodingError`` that names the column, the Swift
/// type asked for and the SQL type of the value.
public struct Row: Sendable {
  @usableFromInline let storage: RowStorage
  @usableFromInline let start: Int

  /// A row that views `storage` from `start`; backends build rows this way.
  @inlinable
  public init(storage: RowStorage, start: Int) {
    self.storage = storage
    self.start = start
  }

  /// A standalone row, mostly for tests.
  public init(columns: [String], values: [SQLValue]) {
    precondition(columns.count == values.count, "a row needs one value per column")
    self.init(storage: RowStorage(columns: RowColumns(names: columns), values: values), start: 0)
  }

  /// The result's columns.
  @inlinable public var columns: RowColumns { storage.columns }
  /// The number of columns.
  @inlinable public var count: Int { storage.columns.count }
  /// The values in column order.
  public var values: ArraySlice<SQLValue> { storage.values[start..<(start + count)] }

  /// The value at `index` (0-based).
  @inlinable
  public subscript(index: Int) -> SQLValue {
    precondition(index >= 0 && index < count, "column index out of range")
    return storage.values[start + index]
  }

  /// The value of the first column named `name`, or nil if there is no such column.
  public subscript(name: String) -> SQLValue? {
    guard let index = columns.index(of: name) else { return nil }
    return self[index]
  }

  /// The value of column `name` as `T`.
  /// - Throws: ``RowDecodingError`` if the column is missing or its value does not convert.
  public subscript<T: SQLValueConvertible>(name: String, as type: T.Type) -> T {
    get throws { try decode(type, column: name) }
  }

  /// The value at `index` as `T`.
  /// - Throws: ``RowDecodingError``.
  public subscript<T: SQLValueConvertible>(index: Int, as type: T.Type) -> T {
    get throws { try decode(type, at: index) }
  }

  /// Decodes the value at `index` as `T`.
  /// - Throws: ``RowDecodingError`` naming the column, `T` and the value's SQL type.
  @inlinable
  public func decode<T: SQLValueConvertible>(_ type: T.Type = T.self, at index: Int) throws -> T {
    guard index >= 0 && index < count else {
      throw RowDecodingError.missingColumn(String(index), expected: T.self, available: columns.names)
    }
    do {
      return try T(sqlValue: storage.values[start + index])
    } catch {
      throw RowDecodingError(column: columns.names[index], index: index, expectedType: T.self,
                             sqlType: sqlTypeName(at: index), underlying: error)
    }
  }

  /// Decodes the value of the first column named `name` as `T`.
  /// - Throws: ``RowDecodingError`` if the column is missing or the value does not convert.
  public func decode<T: SQLValueConvertible>(_ type: T.Type = T.self, column name: String) throws -> T {
    guard let index = columns.index(of: name) else {
      throw RowDecodingError.missingColumn(name, expected: T.self, available: columns.names)
    }
    return try decode(type, at: index)
  }

  /// The SQL type of the value at `index`: the column's declared type where the
  /// backend reports one, else the kind of the value.
  public func sqlTypeName(at index: Int) -> String {
    let declared = columns.typeNames[index]
    return declared.isEmpty ? self[index].kindName : declared
  }
}

extension Row: CustomStringConvertible {
  /// `[name: 'Alice', age: 30]`.
  public var description: String {
    "[" + zip(columns.names, values).map { "\($0): \($1)" }.joined(separator: ", ") + "]"
  }
}

/// The values of one or more rows with the same columns, stored contiguously.
///
/// Backends fill `values` row after row (`columns.count` values each) and hand out
/// ``Row``s that point into it.
public final class RowStorage: Sendable {
  /// The columns every row here has.
  public let columns: RowColumns
  /// All values, row-major.
  public let values: [SQLValue]

  /// Wraps row-major values.
  public init(columns: RowColumns, values: [SQLValue]) {
    self.columns = columns
    self.values = values
  }

  /// The number of rows stored.
  public var rowCount: Int { columns.count == 0 ? 0 : values.count / columns.count }

  /// Every row, in order.
  public var rows: [Row] {
    let width = columns.count
    guard width > 0 else { return [] }
    return (0..<rowCount).map { Row(storage: self, start: $0 * width) }
  }
}
