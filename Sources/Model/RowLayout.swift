/// Where each of a model's columns sits in a result: resolved by name once per
/// result, then used by position for every row (no per-row name lookup).
///
/// ```swift
/// let layout = try RowLayout(User.schema, columns: rows[0].columns)
/// let users = try rows.map { try User(row: $0, layout: layout) }
/// ```
public struct RowLayout: Sendable {
  /// The result position of each schema column, in schema order.
  public let positions: [Int]

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
    self.positions = positions
  }

  /// Columns in schema order, starting at `offset` (a model's columns selected in
  /// its own order, e.g. after another model's in a join).
  public init(sequentialFrom offset: Int, count: Int) {
    positions = Array(offset..<(offset + count))
  }

  /// The result position of the `index`-th schema column.
  @inlinable
  public subscript(index: Int) -> Int { positions[index] }
}
