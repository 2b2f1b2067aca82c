import Model

/// One connection held by one transaction: what a backend hands the atomic-block
/// machinery (``Database/openSession()``), which writes BEGIN, SAVEPOINT, COMMIT and
/// the rest through it. Statements on a session run on its connection without
/// waiting for anyone: the machinery serialises them.
public protocol DatabaseSession: AnyObject, Sendable {
  /// The dialect of the connection.
  var dialect: SQLDialect { get }

  /// Runs a statement on the held connection; returns the rows it changed. Its
  /// `timeout` bounds it (nil: none).
  /// - Throws: ``DatabaseError``, ``MisuseError``, `CancellationError`.
  func runExecute(_ request: StatementRequest) async throws -> Int

  /// Runs a query on the held connection and returns its rows.
  func runFetchAll(_ request: StatementRequest) async throws -> [Row]

  /// Runs a query on the held connection and returns its first row.
  func runFetchOne(_ request: StatementRequest) async throws -> Row?

  /// Opens a cursor over the query's rows on the held connection; the connection
  /// runs nothing else until the cursor is closed.
  func runStream(_ request: StatementRequest) async throws -> any RowCursor

  /// Runs a checked batch on the held connection, inside the savepoint the caller
  /// opened for it. The default runs the rows one by one.
  /// - Throws: the failing row's ``DatabaseError`` with ``DatabaseError/batchRow`` set.
  func runBatch(_ batch: BatchStatement, _ rows: [[SQLValue]], timeout: Duration?) async throws -> Int

  /// Sends COMMIT. If the connection is lost on the way, a backend that can find out
  /// whether the commit landed throws ``CommitOutcomeUnknown`` saying so.
  func commit() async throws

  /// Gives the connection back. `discard` closes it instead (its state is unknown:
  /// a failed ROLLBACK, a lost connection). Never fails, never interrupted by cancellation.
  func release(discard: Bool) async
}

extension DatabaseSession {
  /// Runs a transaction-control statement (BEGIN, SAVEPOINT, COMMIT, ...) written
  /// as SQL: rendered for the session's dialect and checked first.
  public func execute(_ sql: SQL, timeout: Duration?) async throws -> Int {
    try await runExecute(StatementRequest(sql, for: dialect, timeout: timeout))
  }

  /// COMMIT, as text.
  public func commit() async throws {
    _ = try await execute("COMMIT", timeout: nil)
  }

  /// The rows one by one, each its own statement.
  public func runBatch(_ batch: BatchStatement, _ rows: [[SQLValue]], timeout: Duration?) async throws -> Int {
    var changed = 0
    for (index, row) in rows.enumerated() {
      do {
        changed += try await runExecute(StatementRequest(batch.sql(binding: row), for: dialect, timeout: timeout))
      } catch var error as DatabaseError {
        error.batchRow = index
        throw error
      }
    }
    return changed
  }
}
