/// The column names and SQL type names of a result, shared by all of its rows.
///
/// Built once per result; name lookups use a dictionary built at the same time, so
/// resolving a column name costs one hash lookup per result, not per row.
public final class RowColumns: Sendable {
  /// Column names in result order.
  public let names: [String]
  /// The database's name for each column's type (`int8`, `timestamptz`, `TEXT`, ...),
  /// or an empty string where the backend does not know it.
  public let typeNames: [String]
  private let indexByName: [String: Int]
  private let indexByLowercasedName: [String: Int]

  /// Makes a column list; `typeNames` defaults to unknown.
  public init(names: [String], typeNames: [String]? = nil) {
    self.names = names
    self.typeNames = typeNames ?? Array(repeating: "", count: names.count)
    var exact: [String: Int] = [:]
    var folded: [String: Int] = [:]
    for (index, name) in names.enumerated().reversed() {  // reversed: first one wins
      exact[name] = index
      folded[name.lowercased()] = index
    }
    indexByName = exact
    indexByLowercasedName = folded
  }

  /// The number of columns.
  public var count: Int { names.count }

  /// The position of the first column named `name`: an exact match first, then a
  /// case-insensitive one (SQL folds unquoted names).
  public func index(of name: String) -> Int? {
    indexByName[name] ?? indexByLowercasedName[name.lowercased()]
  }
}
