/// The SQL flavours Wren renders. Every place the two differ is a `switch` over
/// this enum, so an exhaustive switch shows where each difference lives.
public enum SQLDialect: String, Sendable, Hashable, CaseIterable {
  /// PostgreSQL: `$1` placeholders.
  case postgres
  /// SQLite: `?1` placeholders.
  case sqlite

  /// The placeholder for the `position`-th bind (1-based).
  @inlinable
  public func placeholder(_ position: Int) -> String {
    switch self {
    case .postgres: "$" + String(position)
    case .sqlite: "?" + String(position)
    }
  }

  /// The largest number of binds one statement may carry.
  public var maxBindCount: Int {
    switch self {
    case .postgres: 65_535
    case .sqlite: 32_766  // SQLITE_MAX_VARIABLE_NUMBER since 3.32
    }
  }

  /// `name` as a quoted identifier: wrapped in double quotes, embedded quotes doubled.
  /// Both dialects use the SQL-standard form.
  @inlinable
  public func quoteIdentifier(_ name: String) -> String {
    "\"" + name.replacing("\"", with: "\"\"") + "\""
  }
}
