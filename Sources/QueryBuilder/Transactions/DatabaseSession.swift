import Model

/// One connection held by one transaction: what a backend hands the atomic-block
/// machinery (``Database/openSession()``), which writes BEGIN, SAVEPOINT, COMMIT and
/// the rest through it. Statements on a session run on its connection without
/// waiting for anyone: the machinery serialises them.
public protocol DatabaseSession: AnyObject, Sendable {
  /// The dialect of the connection.
  var dialect: SQLDialect { get }

  /// Runs a statement on the held connection; `timeout` bounds it (nil: none).
  /// - Throws: ``DatabaseError``, ``MisuseError``, `CancellationError`.
  func execute(_ sql: SQL, timeout: Duration?) async throws -> Int

  /// Runs a query on the held connection and returns its rows.
  func fetchAll(_ sql: SQL, timeout: Duration?) async throws -> [Row]

  /// Runs a query on the held connection and returns its first row.
  func fetchOne(_ sql: SQL, timeout: Duration?) async throws -> Row?

  /// Opens a cursor over the query's rows on the held connection; the connection
  /// runs nothing else until the cursor is closed.
  func openCursor(_ sql: SQL, timeout: Duration?) async throws -> any RowCursor

  /// Sends COMMIT. If the connection is lost on the way, a backend that can find out
  /// whether the commit landed throws ``CommitOutcomeUnknown`` saying so.
  func commit() async throws

  /// Gives the connection back. `discard` closes it instead (its state is unknown:
  /// a failed ROLLBACK, a lost connection). Never fails, never interrupted by cancellation.
  func release(discard: Bool) async
}

extension DatabaseSession {
  /// COMMIT, as text.
  public func commit() async throws {
    _ = try await execute("COMMIT", timeout: nil)
  }
}
