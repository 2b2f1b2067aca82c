import CSQLite
import Model
import QueryBuilder

/// Steps one statement lazily, a row per `next()`, holding the database's lock from
/// opening until the last row, an error, `close()` or `deinit` — whichever is first.
/// Ending rewinds the statement (back to the cache) and releases the lock;
/// giving the turn back is synchronous, so `deinit` can do it.
///
/// See https://www.sqlite.org/c3ref/step.html.
final class SQLiteRowCursor: RowCursor {
  private let connection: SQLiteConnectionHandle
  /// The database's turn, given back when the cursor ends; nil when the cursor runs
  /// in a transaction's session, which holds the turn itself.
  private let gate: SQLiteConnectionGate?
  private let rendered: RenderedSQL
  /// The running statement; nil once the cursor has ended.
  private var statement: SQLiteStatement?
  private var isLocked = true

  /// A cursor over a prepared, bound statement (nil: no statement, no rows); the
  /// caller holds `gate`'s turn and hands it over.
  init(connection: SQLiteConnectionHandle, gate: SQLiteConnectionGate?, statement: SQLiteStatement?,
       rendered: RenderedSQL) {
    self.connection = connection
    self.gate = gate
    self.statement = statement
    self.rendered = rendered
  }

  deinit {
    finish(error: nil)
  }

  /// The next row, or nil at the end (when the lock is released at once).
  /// - Throws: ``DatabaseError``, or `CancellationError` when the task is cancelled
  ///   (the running step is interrupted); the cursor has ended then.
  func next() async throws -> Row? {
    guard let statement else {
      finish(error: nil)
      return nil
    }
    let connection = self.connection
    let resultCode = await withTaskCancellationHandler {
      Task.isCancelled ? SQLITE_INTERRUPT : statement.step()
    } onCancel: {
      connection.interrupt()
    }
    switch resultCode {
    case SQLITE_ROW:
      let columns = statement.columns()
      var values: [SQLValue] = []
      values.reserveCapacity(columns.count)
      statement.appendRow(to: &values, width: Int32(columns.count))
      return Row(storage: RowStorage(columns: columns, values: values), start: 0)
    case SQLITE_DONE:
      finish(error: nil)
      return nil
    default:
      let error = resultCode == SQLITE_INTERRUPT && Task.isCancelled
        ? CancellationError()
        : connection.error(resultCode, rendered)
      finish(error: error)
      throw error
    }
  }

  /// Stops early: rewinds the statement and releases the database.
  func close() async {
    finish(error: nil)
  }

  private func finish(error: (any Error)?) {
    guard isLocked else { return }
    isLocked = false
    statement?.reset()
    statement = nil
    gate?.leave()
  }
}

@available(*, unavailable, message: "a cursor holds the database's lock and belongs to the task iterating it")
extension SQLiteRowCursor: Sendable {}
