/// A typed handle on one column of a model, for the query builder:
/// `Column<User, Int?>` is the nullable integer column `age` of `users`.
///
/// `@Model` writes one per stored property in the model's `Columns` struct, so
/// `User.where { $0.age >= 18 }` compiles only when 18 is an `Int?`. Deliberately not
/// Equatable: `==` between columns builds SQL, it does not compare handles.
public struct Column<Root, Value: SQLValueConvertible>: Sendable {
  /// The column's SQL name.
  public let name: String
  /// The table (or alias) it belongs to.
  public let table: String

  /// A handle on `table.name`.
  public init(_ name: String, table: String) {
    self.name = name
    self.table = table
  }
}
