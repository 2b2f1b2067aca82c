/// Where each of a model's columns sits in a result: resolved by name once per
/// result, then used by position for every row (no per-row name lookup).
///
/// ```swift
/// let layout = try RowLayout(User.schema, columns: rows[0].columns)
/// let users = try rows.map { try User(row: $0, layout: layout) }
/// ```
public struct RowLayout: Sendable {
  /// The positions found by name, or nil for consecutive columns from `offset`.
  @usableFromInline let mapped: [Int]?
  @usableFromInline let offset: Int
  @usableFromInline let count: Int

  /// The result position of each schema column, in schema order.
  public var positions: [Int] { mapped ?? Array(offset..<(offset + count)) }

  /// Finds each of `schema`'s columns among `columns`.
  /// - Throws: ``RowDecodingError`` naming the first column the result lacks.
  public init(_ schema: TableSchema, columns: RowColumns) throws {
    var positions: [Int] = []
    positions.reserveCapacity(schema.columns.count)
    for column in schema.columns {
      guard let position = columns.index(of: column.name) else {
        throw RowDecodingError.missingColumn(column.name, expected: Any.self, available: columns.names)
      }
      positions.append(position)
    }
    self.mapped = positions
    self.offset = 0
    self.count = positions.count
  }

  /// Columns in schema order, starting at `offset` (a model's columns selected in
  /// its own order, e.g. after another model's in a join). Allocates nothing: this is
  /// every keyed fetch's path.
  @inlinable
  public init(sequentialFrom offset: Int, count: Int) {
    self.mapped = nil
    self.offset = offset
    self.count = count
  }

  /// The result position of the `index`-th schema column.
  @inlinable
  public subscript(index: Int) -> Int {
    if let mapped { return mapped[index] }
    return offset + index
  }
}
