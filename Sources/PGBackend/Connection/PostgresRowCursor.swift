import CLibPQ
import Model
import QueryBuilder

/// Reads a statement's rows one at a time in libpq's single-row mode
/// (https://www.postgresql.org/docs/current/libpq-single-row-mode.html).
///
/// Not Sendable: it belongs to the task iterating it. It holds the connection from
/// open to end, so other tasks' statements wait and nothing interleaves. Only what
/// the reader asked for is read from the socket, so TCP flow control keeps memory
/// flat for any result size. Closing early cancels the statement on the server and
/// drains the rest, so the connection is clean for the next user.
final class PostgresRowCursor: RowCursor {
  private let connection: PostgresConnection
  private let handle: PostgresConnectionHandle
  private let sql: RenderedSQL
  private let statement: PreparedStatement
  private var clock: StatementClock
  private var finished = false
  /// Whether the cursor took the connection (and gives it back when it ends); false
  /// inside a transaction's session, which holds it. There, stopping early reads the
  /// rest instead of cancelling: a cancelled statement would abort the transaction.
  private let ownsConnection: Bool

  private init(connection: PostgresConnection, handle: PostgresConnectionHandle, sql: RenderedSQL,
               statement: PreparedStatement, clock: StatementClock, ownsConnection: Bool) {
    self.connection = connection
    self.handle = handle
    self.sql = sql
    self.statement = statement
    self.clock = clock
    self.ownsConnection = ownsConnection
  }

  /// Prepares and sends the statement in single-row mode: on `heldHandle` (a
  /// transaction's session), or on the connection taken for the cursor's lifetime.
  static func open(_ sql: RenderedSQL, on connection: PostgresConnection, heldHandle: PostgresConnectionHandle? = nil,
                   timeout: Duration?) async throws -> PostgresRowCursor {
    try sql.validate(for: .postgres)
    let handle: PostgresConnectionHandle
    if let heldHandle { handle = heldHandle } else { handle = try await connection.acquireHandle() }
    handle.canceller.begin()
    var clock = StatementClock(timeout: timeout)
    do {
      let statement = try await withTaskCancellationHandler {
        let (statement, parameters) = try await handle.prepared(sql, clock: &clock) { statement in
          try PostgresParameters(sql.binds, types: statement.parameterTypes, sql: sql)
        }
        try Task.checkCancellation()  // see PostgresConnectionHandle.runOnce
        let sent = parameters.withCArrays { values, lengths, formats in
          PQsendQueryPrepared(handle.conn, statement.name, Int32(sql.binds.count), values, lengths, formats,
                              statement.resultFormat)
        }
        guard sent == 1 else { throw handle.connectionLost(sql) }
        _ = PQsetSingleRowMode(handle.conn)
        try await handle.flush(&clock, sql: sql)
        return statement
      } onCancel: {
        handle.canceller.cancel(.taskCancelled)
      }
      return PostgresRowCursor(connection: connection, handle: handle, sql: sql, statement: statement, clock: clock,
                               ownsConnection: heldHandle == nil)
    } catch {
      _ = await handle.canceller.end()
      let broken = handle.isBroken
      connection.giveBack(handle, owned: heldHandle == nil)
      throw broken ? connection.lostError(from: error) : error
    }
  }

  /// The next row, or nil after the last.
  /// - Throws: ``DatabaseError`` or `CancellationError`; the cursor is finished then.
  func next() async throws -> Row? {
    guard !finished else { return nil }
    do {
      let handle = self.handle
      let result = try await withTaskCancellationHandler {
        try await handle.nextResult(&clock, sql: sql)
      } onCancel: {
        handle.canceller.cancel(.taskCancelled)
      }
      guard let result else {
        await finish()
        return nil
      }
      switch result.status {
      case PGRES_SINGLE_TUPLE:
        return result.rows(columns: statement.columns, types: statement.columnTypes).first
      case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
        return try await next()  // the closing zero-row result; NULL follows
      default:
        let error = result.isError ? result.databaseError(sql: sql)
          : DatabaseError(code: .internalError, message: "unexpected result status in a row stream", sql: sql.text)
        await drainAndFinish()
        throw await translate(error)
      }
    } catch let error as DatabaseError {
      await drainAndFinish()
      throw error
    }
  }

  /// Stops early: cancels the statement on the server and drains what is left.
  func close() async {
    guard !finished else { return }
    if ownsConnection { handle.canceller.cancel(.taskCancelled) }
    await drainAndFinish()
  }

  private var cancelReason: PostgresCanceller.Reason?

  private func translate(_ error: DatabaseError) async -> any Error {
    // As for other statements: a server that went away mid-stream is a connection failure.
    if handle.isBroken { return connection.lostError(from: error) }
    guard error.code == .queryCanceled else { return error }
    if case .taskCancelled? = cancelReason { return CancellationError() }
    return error
  }

  private func drainAndFinish() async {
    guard !finished else { return }
    while !handle.isBroken, let _ = try? await handle.nextResult(&clock, sql: sql) {}
    await finish()
  }

  private func finish() async {
    guard !finished else { return }
    finished = true
    cancelReason = await handle.canceller.end()
    connection.giveBack(handle, owned: ownsConnection)
  }

  deinit {
    guard !finished else { return }
    // Dropped mid-stream: cancel, drain and give the connection back in the background.
    let handle = self.handle, connection = self.connection, sql = self.sql, owned = ownsConnection
    var clock = self.clock
    if owned { handle.canceller.cancel(.taskCancelled) }
    Task {
      while !handle.isBroken, let _ = try? await handle.nextResult(&clock, sql: sql) {}
      _ = await handle.canceller.end()
      connection.giveBack(handle, owned: owned)
    }
  }
}
