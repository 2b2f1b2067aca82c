import Synchronization

/// The column names and SQL type names of a result, shared by all of its rows.
///
/// Built once per result (per prepared statement where the backend caches them).
/// Rows decoded by position (models, `row[0]`) never look names up; name lookups
/// scan a short list and use dictionaries, built on the first lookup, for a long one.
public final class RowColumns: Sendable {
  /// Column names in result order.
  public let names: [String]
  /// The database's name for each column's type (`int8`, `timestamptz`, `TEXT`, ...),
  /// or an empty string where the backend does not know it.
  public let typeNames: [String]
  private let index = Mutex<NameIndex?>(nil)

  /// Lists up to this long are scanned; longer ones get dictionaries.
  private static let scanLimit = 16

  private struct NameIndex {
    var exact: [String: Int] = [:]
    var folded: [String: Int] = [:]
  }

  /// Makes a column list; `typeNames` defaults to unknown.
  public init(names: [String], typeNames: [String]? = nil) {
    self.names = names
    self.typeNames = typeNames ?? Array(repeating: "", count: names.count)
  }

  /// The number of columns.
  public var count: Int { names.count }

  /// The position of the first column named `name`: an exact match first, then a
  /// case-insensitive one (SQL folds unquoted names).
  public func index(of name: String) -> Int? {
    if names.count <= Self.scanLimit {
      if let exact = names.firstIndex(of: name) { return exact }
      let folded = name.lowercased()
      return names.firstIndex { $0.lowercased() == folded }
    }
    return index.withLock { index in
      if index == nil {
        var built = NameIndex()
        for (position, name) in names.enumerated().reversed() {  // reversed: first one wins
          built.exact[name] = position
          built.folded[name.lowercased()] = position
        }
        index = built
      }
      guard let index else { return nil }
      return index.exact[name] ?? index.folded[name.lowercased()]
    }
  }
}
