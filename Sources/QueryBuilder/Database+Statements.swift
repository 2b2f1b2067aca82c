import Model

/// The one door every statement goes through, whatever the database: render and
/// check the SQL, route it into the current task's atomic block on this database (if
/// any), log and time it, and only then call the backend's primitive (or the block's
/// session). Backends implement the primitives; they never see a statement that
/// skipped this.
extension Database {
  /// No limit unless the backend has one of its own.
  public var defaultStatementTimeout: Duration? { nil }

  /// The default logging: a `wren.sql` logger at debug level.
  public var statementLogging: StatementLogging { StatementLogging.standard }

  /// The current task's innermost atomic block on this database, if any.
  @inline(__always)
  public var currentRoute: TransactionRoute? { TransactionRoute.current(for: self) }

  // MARK: Statements

  /// Runs one statement and returns the number of rows it changed (0 for statements
  /// that change none), bounded by ``defaultStatementTimeout``.
  ///
  /// ```swift
  /// try await db.execute("UPDATE users SET age = age + 1 WHERE id = \(id)")
  /// ```
  /// Without binds a backend may run several `;`-separated statements.
  /// - Throws: ``DatabaseError``, ``MisuseError``, or `CancellationError`.
  @discardableResult
  public func execute(_ sql: SQL) async throws -> Int {
    try await execute(sql, timeout: defaultStatementTimeout)
  }

  /// Like ``execute(_:)``, stopped after `timeout` (nil: no limit): it then fails with
  /// `.queryCanceled` (cancelled on the server, or by SQLite itself) and the
  /// connection stays usable. Inside an atomic block the block's budget applies too.
  ///
  /// ```swift
  /// try await db.execute("REFRESH MATERIALIZED VIEW totals", timeout: .seconds(30))
  /// ```
  @discardableResult
  public func execute(_ sql: SQL, timeout: Duration?) async throws -> Int {
    try await perform(sql, timeout: timeout, rows: { $0 },
                      outside: { try await runExecute($0) },
                      inside: { try await $0.runExecute($1) })
  }

  /// Runs a query and returns all of its rows, bounded by ``defaultStatementTimeout``.
  ///
  /// ```swift
  /// let rows = try await db.fetchAll("SELECT * FROM users WHERE age > \(18)")
  /// ```
  /// - Throws: ``DatabaseError``, ``MisuseError``, or `CancellationError`.
  public func fetchAll(_ sql: SQL) async throws -> [Row] {
    try await fetchAll(sql, timeout: defaultStatementTimeout)
  }

  /// Like ``fetchAll(_:)``, stopped after `timeout` with `.queryCanceled` (nil: no limit).
  public func fetchAll(_ sql: SQL, timeout: Duration?) async throws -> [Row] {
    try await perform(sql, timeout: timeout, rows: \.count,
                      outside: { try await runFetchAll($0) },
                      inside: { try await $0.runFetchAll($1) })
  }

  /// Runs a query and returns its first row, or nil when it returns none.
  ///
  /// ```swift
  /// let row = try await db.fetchOne("SELECT * FROM users WHERE id = \(id)")
  /// ```
  /// - Throws: ``DatabaseError``, ``MisuseError``, or `CancellationError`.
  public func fetchOne(_ sql: SQL) async throws -> Row? {
    try await fetchOne(sql, timeout: defaultStatementTimeout)
  }

  /// Like ``fetchOne(_:)``, stopped after `timeout` with `.queryCanceled` (nil: no limit).
  public func fetchOne(_ sql: SQL, timeout: Duration?) async throws -> Row? {
    try await perform(sql, timeout: timeout, rows: { $0 == nil ? 0 : 1 },
                      outside: { try await runFetchOne($0) },
                      inside: { try await $0.runFetchOne($1) })
  }

  /// A lazily consumed sequence of the statement's rows; the statement runs when
  /// iteration starts, and stopping early (`break`, an error, cancellation) leaves the
  /// connection clean. The connection runs nothing else until the iteration ends: do
  /// not run other statements on the same connection inside the loop.
  ///
  /// ```swift
  /// for try await row in db.stream("SELECT * FROM big_table") { ... }
  /// ```
  public func stream(_ sql: SQL) -> RowSequence {
    let timeout = defaultStatementTimeout
    let route = currentRoute
    return RowSequence { [self] in
      let request = try StatementRequest(sql, for: dialect, timeout: timeout)
      let logging = statementLogging
      let cursor: any RowCursor
      if let route { cursor = try await route.openCursor(request) } else { cursor = try await runStream(request) }
      return logging.isEnabled ? LoggedCursor(cursor, request.rendered, logging: logging) : cursor
    }
  }

  /// Runs one statement, written with `$1` … `$n` placeholders, once per row of
  /// values, as one atomic batch: if any row fails, none of them stays. Returns the
  /// rows changed in all. PostgreSQL sends the whole batch in one pipeline; SQLite
  /// runs the rows one by one. Inside an atomic block the batch gets a savepoint of
  /// its own, so a failing batch whose error is caught leaves the block usable.
  ///
  /// ```swift
  /// try await db.executeMany("INSERT INTO t (a, b) VALUES ($1, $2)", [[1, "x"], [2, "y"]])
  /// ```
  /// - Throws: ``MisuseError`` before anything runs for a row with the wrong number
  ///   of values or interpolated values in `sql`; the failing row's
  ///   ``DatabaseError`` with ``DatabaseError/batchRow`` set.
  @discardableResult
  public func executeMany(_ sql: SQL, _ rows: [[SQLValue]]) async throws -> Int {
    let batch = try BatchStatement(sql)
    try batch.check(rows)
    guard !rows.isEmpty else { return 0 }
    let timeout = defaultStatementTimeout
    let logging = statementLogging
    let started: ContinuousClock.Instant? = logging.isEnabled ? .now : nil
    let logged = RenderedSQL(text: batch.postgresText + " -- executeMany, \(rows.count) rows", binds: [])
    do {
      let changed = currentRoute == nil
        ? try await runBatch(batch, rows, timeout: timeout)
        : try await runBatchInBlock(batch, rows, timeout: timeout)
      if let started { logging.logStatement(logged, duration: .now - started, rows: changed) }
      return changed
    } catch {
      if let started { logging.logStatement(logged, duration: .now - started, rows: nil, error: error) }
      throw error
    }
  }

  /// ``executeMany(_:_:)-(_,[[SQLValue]])`` with rows of Swift values:
  /// `try await db.executeMany("INSERT INTO t (a, b) VALUES ($1, $2)", [[1, "x"], [2, "y"]])`.
  @discardableResult
  public func executeMany(_ sql: SQL, _ rows: [[any SQLValueConvertible]]) async throws -> Int {
    try await executeMany(sql, rows.map { $0.map(\.sqlValue) })
  }

  /// Runs the batch atomically: in a block of its own, or a savepoint inside the
  /// current one; the block's session runs the rows (PostgreSQL: one pipeline).
  public func runBatch(_ batch: BatchStatement, _ rows: [[SQLValue]], timeout: Duration?) async throws -> Int {
    try await runBatchInBlock(batch, rows, timeout: timeout)
  }

  /// The batch in a nested block (a savepoint) of the current task's block, or in a
  /// block of its own, on that block's session.
  private func runBatchInBlock(_ batch: BatchStatement, _ rows: [[SQLValue]], timeout: Duration?) async throws -> Int {
    try await atomic {
      guard let route = currentRoute else { throw MisuseError("internal: executeMany lost its atomic block") }
      return try await route.runBatch(batch, rows, timeout: timeout)
    }
  }

  // MARK: The door

  /// Renders and checks `sql`, then runs it in the current block (`inside`) or on
  /// the database (`outside`), logged and timed when logging is on (no clock is read
  /// when it is off: this is every statement's path).
  @inline(__always)
  private func perform<T>(_ sql: SQL, timeout: Duration?, rows: (T) -> Int,
                          outside: (StatementRequest) async throws -> T,
                          inside: (TransactionRoute, StatementRequest) async throws -> T) async throws -> T {
    let request = try StatementRequest(sql, for: dialect, timeout: timeout)
    let route = currentRoute
    let logging = statementLogging
    guard logging.isEnabled else {
      if let route { return try await inside(route, request) }
      return try await outside(request)
    }
    let started = ContinuousClock.now
    do {
      let result: T
      if let route { result = try await inside(route, request) } else { result = try await outside(request) }
      logging.logStatement(request.rendered, duration: .now - started, rows: rows(result))
      return result
    } catch {
      logging.logStatement(request.rendered, duration: .now - started, rows: nil, error: error)
      throw error
    }
  }
}

/// A cursor that logs its statement, with its duration and rows, when it ends.
private final class LoggedCursor: RowCursor {
  private let cursor: any RowCursor
  private let rendered: RenderedSQL
  private let logging: StatementLogging
  private let started = ContinuousClock.now
  private var rows = 0
  private var logged = false

  init(_ cursor: any RowCursor, _ rendered: RenderedSQL, logging: StatementLogging) {
    self.cursor = cursor
    self.rendered = rendered
    self.logging = logging
  }

  deinit { log(error: nil) }

  func next() async throws -> Row? {
    do {
      guard let row = try await cursor.next() else {
        log(error: nil)
        return nil
      }
      rows += 1
      return row
    } catch {
      log(error: error)
      throw error
    }
  }

  func close() async {
    await cursor.close()
    log(error: nil)
  }

  private func log(error: (any Error)?) {
    guard !logged else { return }
    logged = true
    logging.logStatement(rendered, duration: .now - started, rows: error == nil ? rows : nil, error: error)
  }
}
