import CSQLite
import Model
import QueryBuilder

extension SQLiteDatabase {
  /// Runs the statement(s) and returns the number of rows changed by INSERT, UPDATE
  /// or DELETE (0 for other statements).
  ///
  /// ```swift
  /// try await db.execute("UPDATE users SET age = age + 1 WHERE id = \(id)")
  /// try await db.execute("CREATE TABLE a(x); CREATE TABLE b(y)")   // a script: no binds
  /// ```
  /// Text holding several statements runs them all, in order, when it has no binds.
  ///
  /// See https://www.sqlite.org/c3ref/step.html and https://www.sqlite.org/c3ref/changes.html.
  /// - Throws: ``DatabaseError``; ``MisuseError`` for NUL in the SQL, a bind count that
  ///   does not match the placeholders, binds in a multi-statement script, or a closed
  ///   database; `CancellationError` when the task is cancelled.
  @discardableResult
  public func execute(_ sql: SQL) async throws -> Int {
    if let route = TransactionRoute.current(for: self) { return try await route.execute(sql) }
    let rendered = sql.render(.sqlite)
    return try await perform(rendered, rowCount: { $0 }) { try $0.execute(rendered) }
  }

  /// Like ``execute(_:)``, stopped by SQLite (a progress handler that checks the
  /// deadline) after `timeout`: it then fails with `.queryCanceled`, and the database
  /// stays usable. nil: no limit.
  ///
  /// ```swift
  /// try await db.execute("DELETE FROM events WHERE at < \(cutoff)", timeout: .seconds(2))
  /// ```
  @discardableResult
  public func execute(_ sql: SQL, timeout: Duration?) async throws -> Int {
    if let route = TransactionRoute.current(for: self) { return try await route.execute(sql, timeout: timeout) }
    let rendered = sql.render(.sqlite)
    return try await perform(rendered, timeout: timeout, rowCount: { $0 }) { try $0.execute(rendered) }
  }

  /// Runs one statement and returns all of its rows.
  ///
  /// ```swift
  /// let rows = try await db.fetchAll("SELECT * FROM users WHERE age > \(18)")
  /// ```
  /// See https://www.sqlite.org/c3ref/step.html.
  /// - Throws: ``DatabaseError``; ``MisuseError`` as for ``execute(_:)``, and when the
  ///   SQL holds more than one statement; `CancellationError`.
  public func fetchAll(_ sql: SQL) async throws -> [Row] {
    if let route = TransactionRoute.current(for: self) { return try await route.fetchAll(sql) }
    let rendered = sql.render(.sqlite)
    return try await perform(rendered, rowCount: \.count) { try $0.fetchAll(rendered) }
  }

  /// Like ``fetchAll(_:)``, stopped after `timeout` with `.queryCanceled` (nil: no limit).
  public func fetchAll(_ sql: SQL, timeout: Duration?) async throws -> [Row] {
    if let route = TransactionRoute.current(for: self) { return try await route.fetchAll(sql, timeout: timeout) }
    let rendered = sql.render(.sqlite)
    return try await perform(rendered, timeout: timeout, rowCount: \.count) { try $0.fetchAll(rendered) }
  }

  /// Runs one statement to its first row and returns it, or nil; later rows are never
  /// computed.
  ///
  /// ```swift
  /// let row = try await db.fetchOne("SELECT * FROM users WHERE id = \(id)")
  /// ```
  /// See https://www.sqlite.org/c3ref/step.html.
  /// - Throws: as ``fetchAll(_:)``.
  public func fetchOne(_ sql: SQL) async throws -> Row? {
    if let route = TransactionRoute.current(for: self) { return try await route.fetchOne(sql) }
    let rendered = sql.render(.sqlite)
    return try await perform(rendered, rowCount: { $0 == nil ? 0 : 1 }) { try $0.fetchOne(rendered) }
  }

  /// Like ``fetchOne(_:)``, stopped after `timeout` with `.queryCanceled` (nil: no limit).
  public func fetchOne(_ sql: SQL, timeout: Duration?) async throws -> Row? {
    if let route = TransactionRoute.current(for: self) { return try await route.fetchOne(sql, timeout: timeout) }
    let rendered = sql.render(.sqlite)
    return try await perform(rendered, timeout: timeout, rowCount: { $0 == nil ? 0 : 1 }) { try $0.fetchOne(rendered) }
  }

  /// The statement's rows, stepped one at a time as they are consumed.
  ///
  /// ```swift
  /// for try await row in db.stream("SELECT * FROM big_table") { ... }
  /// ```
  /// Iterating holds the database from the first row until the end, an error, a
  /// `break`, or the iterator being dropped; other statements wait until then. Do not
  /// run statements on the same database inside the loop: they would wait forever.
  ///
  /// See https://www.sqlite.org/c3ref/step.html.
  public func stream(_ sql: SQL) -> RowSequence {
    if let route = TransactionRoute.current(for: self) { return route.stream(sql) }
    let rendered = sql.render(.sqlite)
    return RowSequence { [self] in try await self.openCursor(rendered) }
  }

  /// Takes the lock, prepares and binds; the cursor releases the lock when it ends.
  private func openCursor(_ rendered: RenderedSQL) async throws -> any RowCursor {
    try rendered.validate(for: .sqlite)
    try Task.checkCancellation()
    try await gate.enter(as: "a stream being iterated")
    do {
      let start: ContinuousClock.Instant? = logging.isEnabled ? .now : nil
      let statement = try connection.prepareSingle(rendered, for: "stream")
      try statement?.bind(rendered.binds, sql: rendered.text)
      return SQLiteRowCursor(connection: connection, gate: gate, statement: statement, rendered: rendered,
                             logging: start.map { (logging, $0) })
    } catch {
      gate.leave()
      throw error
    }
  }

  /// Runs `body` on the connection holding the lock (see ``run(_:rowCount:_:)``),
  /// stopped by SQLite after `timeout` when one is given.
  @inline(__always)
  private func perform<T: Sendable>(_ rendered: RenderedSQL, timeout: Duration? = nil, rowCount: (T) -> Int,
                                    _ body: (SQLiteConnectionHandle) throws -> T) async throws -> T {
    try rendered.validate(for: .sqlite)
    try await gate.enter()
    defer { gate.leave() }
    guard let timeout else { return try await run(rendered, rowCount: rowCount, body) }
    connection.setDeadline(.now + timeout)
    defer { connection.setDeadline(nil) }
    return try await run(rendered, rowCount: rowCount, body)
  }

  /// Runs `body` on the connection (the caller holds the lock), interrupting SQLite if
  /// the task is cancelled meanwhile, and logs the statement when logging is on (no
  /// clock is read when it is off: this is every statement's path).
  @inline(__always)
  func run<T: Sendable>(_ rendered: RenderedSQL, rowCount: (T) -> Int,
                        _ body: (SQLiteConnectionHandle) throws -> T) async throws -> T {
    let connection = self.connection
    guard logging.isEnabled else {
      return try await withTaskCancellationHandler {
        try Task.checkCancellation()
        return try body(connection)
      } onCancel: {
        connection.interrupt()
      }
    }
    let start = ContinuousClock.now
    do {
      let result = try await withTaskCancellationHandler {
        try Task.checkCancellation()
        return try body(connection)
      } onCancel: {
        connection.interrupt()
      }
      logging.logStatement(rendered, duration: .now - start, rows: rowCount(result))
      return result
    } catch {
      logging.logStatement(rendered, duration: .now - start, rows: nil, error: error)
      throw error
    }
  }
}
