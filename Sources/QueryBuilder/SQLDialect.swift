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
  ///
  /// PostgreSQL's protocol counts parameters in 16 bits (65,535), but libpq drops the
  /// connection ("lost synchronization with server: got message type "t"") when the
  /// ParameterDescription of a described statement is over 30,000 bytes: 6 + 4 per
  /// parameter, so 7,498 is the most a statement can carry through the PostgreSQL
  /// backend (which describes every statement with binds). See `pqParseInput3` in
  /// libpq's `fe-protocol3.c`.
  public var maxBindCount: Int {
    switch self {
    case .postgres: 7_498
    case .sqlite: 32_766  // SQLITE_MAX_VARIABLE_NUMBER since 3.32
    }
  }

  /// Whether a statement can take an array as one bind parameter (PostgreSQL's
  /// `int8[]`, ...): then many rows travel as one array per column (`unnest`).
  public var supportsArrayParameters: Bool {
    switch self {
    case .postgres: true
    case .sqlite: false
    }
  }

  /// `name` as a quoted identifier: wrapped in double quotes, embedded quotes doubled.
  /// Both dialects use the SQL-standard form.
  @inlinable
  public func quoteIdentifier(_ name: String) -> String {
    // The common case (no quote inside) skips the general-purpose search and replace,
    // which profiling showed dominating statement rendering.
    guard name.utf8Contains(UInt8(ascii: "\"")) else { return "\"" + name + "\"" }
    return "\"" + name.replacing("\"", with: "\"\"") + "\""
  }
}
