import Model

/// One statement on its way to a backend's primitives, past the entry point that every
/// statement goes through (``Database/execute(_:timeout:)`` and its siblings): the SQL
/// as built, the same rendered for the backend's dialect and checked, and its time
/// limit.
public struct StatementRequest: Sendable {
  /// The statement as built (its segments tell a pool whether it may change the
  /// session; see ``SQL/isPlainModelStatement``).
  public let sql: SQL
  /// The statement rendered for the backend's dialect and validated.
  public let rendered: RenderedSQL
  /// How long it may run (nil: no limit).
  public let timeout: Duration?

  /// A request; the entry point makes them, backends and tests may too.
  public init(sql: SQL, rendered: RenderedSQL, timeout: Duration?) {
    self.sql = sql
    self.rendered = rendered
    self.timeout = timeout
  }

  /// `sql` rendered for `dialect` and validated.
  /// - Throws: ``MisuseError`` for SQL the dialect cannot take (a NUL byte, ...).
  public init(_ sql: SQL, for dialect: SQLDialect, timeout: Duration?) throws {
    let rendered = sql.render(dialect)
    try rendered.validate(for: dialect)
    self.init(sql: sql, rendered: rendered, timeout: timeout)
  }

  /// The same request with `timeout` (the shorter of its own and a block's budget).
  public func bounded(by limit: Duration?) -> StatementRequest {
    StatementRequest(sql: sql, rendered: rendered, timeout: TransactionRoute.earlier(timeout, limit))
  }
}
