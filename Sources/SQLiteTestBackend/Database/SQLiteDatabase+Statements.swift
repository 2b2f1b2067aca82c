import CSQLite
import Model
import QueryBuilder

/// The primitives behind the shared statement entry points (`execute`, `fetchAll`,
/// `fetchOne`, `stream`, `executeMany`): each takes the connection's turn, then runs
/// inline on the calling task. See https://www.sqlite.org/c3ref/step.html.
///
/// A statement's `timeout` is enforced by SQLite itself (a progress handler that
/// checks the deadline), so it holds even when no other thread is free; text holding
/// several statements runs them all, in order, when it has no binds.
extension SQLiteDatabase {
  /// How statements are logged.
  public var statementLogging: StatementLogging { logging }

  /// Runs the statement(s) and returns the rows changed by INSERT, UPDATE or DELETE
  /// (0 for other statements). See https://www.sqlite.org/c3ref/changes.html.
  /// - Throws: ``DatabaseError``; ``MisuseError`` for a bind count that does not match
  ///   the placeholders, binds in a multi-statement script, or a closed database;
  ///   `CancellationError` when the task is cancelled.
  public func runExecute(_ request: StatementRequest) async throws -> Int {
    try await perform(request) { try $0.execute(request.rendered) }
  }

  /// Runs one statement and returns all of its rows.
  /// - Throws: as ``runExecute(_:)``, and a ``MisuseError`` when the SQL holds more
  ///   than one statement.
  public func runFetchAll(_ request: StatementRequest) async throws -> [Row] {
    try await perform(request) { try $0.fetchAll(request.rendered) }
  }

  /// Runs one statement to its first row and returns it, or nil; later rows are never
  /// computed.
  public func runFetchOne(_ request: StatementRequest) async throws -> Row? {
    try await perform(request) { try $0.fetchOne(request.rendered) }
  }

  /// The statement's rows, stepped one at a time as they are consumed. Iterating holds
  /// the database from the first row until the end, an error, a `break`, or the
  /// iterator being dropped; other statements wait until then (at most the acquire
  /// timeout), so do not run statements on the same database inside the loop.
  public func runStream(_ request: StatementRequest) async throws -> any RowCursor {
    try Task.checkCancellation()
    try await gate.enter(as: "a stream being iterated")
    do {
      let statement = try connection.prepareSingle(request.rendered, for: "stream")
      try statement?.bind(request.rendered.binds, sql: request.rendered.text)
      return SQLiteRowCursor(connection: connection, gate: gate, statement: statement, rendered: request.rendered)
    } catch {
      gate.leave()
      throw error
    }
  }

  /// Takes the turn and runs `body` on the connection, stopped by SQLite after the
  /// request's timeout when it has one.
  @inline(__always)
  private func perform<T: Sendable>(_ request: StatementRequest,
                                    _ body: (SQLiteConnectionHandle) throws -> T) async throws -> T {
    try await gate.enter()
    defer { gate.leave() }
    return try await run(request, body)
  }

  /// Runs `body` on the connection (the caller holds the turn), interrupting SQLite if
  /// the task is cancelled meanwhile, stopped after the request's timeout.
  @inline(__always)
  func run<T: Sendable>(_ request: StatementRequest, _ body: (SQLiteConnectionHandle) throws -> T) async throws -> T {
    let connection = self.connection
    if let timeout = request.timeout { connection.setDeadline(.now + timeout) }
    defer { if request.timeout != nil { connection.setDeadline(nil) } }
    return try await withTaskCancellationHandler {
      try Task.checkCancellation()
      return try body(connection)
    } onCancel: {
      connection.interrupt()
    }
  }
}
