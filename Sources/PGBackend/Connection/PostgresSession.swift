import CLibPQ
import Model
import QueryBuilder
import Synchronization

/// A ``PostgresConnection`` held by one transaction: statements run on its libpq
/// handle directly (the connection's lock is held from
/// ``PostgresConnection/openSession()`` to ``release(discard:)``).
final class PostgresSession: DatabaseSession {
  private let connection: PostgresConnection
  private let handle: PostgresConnectionHandle
  private let released = Mutex(false)

  init(connection: PostgresConnection, handle: PostgresConnectionHandle) {
    self.connection = connection
    self.handle = handle
  }

  deinit {
    // A session dropped without release still gives the connection back.
    if !released.withLock({ $0 }) { connection.releaseHandle(handle) }
  }

  var dialect: SQLDialect { .postgres }

  func runExecute(_ request: StatementRequest) async throws -> Int {
    try await run(request, mode: .execute).affectedRows
  }

  func runFetchAll(_ request: StatementRequest) async throws -> [Row] {
    try await run(request, mode: .rows).rows
  }

  func runFetchOne(_ request: StatementRequest) async throws -> Row? {
    try await run(request, mode: .rows).rows.first
  }

  func runStream(_ request: StatementRequest) async throws -> any RowCursor {
    try await PostgresRowCursor.open(request.rendered, on: connection, heldHandle: handle, timeout: request.timeout)
  }

  /// The batch in one pipeline, inside the transaction (the caller opened a savepoint
  /// for it).
  func runBatch(_ batch: BatchStatement, _ rows: [[SQLValue]], timeout: Duration?) async throws -> Int {
    try await withHandle { try await connection.runBatch(batch, rows, on: $0, timeout: timeout) }
  }

  /// COMMIT, sent with a query for the transaction's id in the same message. If the
  /// connection is lost before COMMIT's answer, the id (when it arrived) is looked up
  /// with `txid_status` on a new connection, and ``CommitOutcomeUnknown`` says what
  /// became of the transaction.
  func commit() async throws {
    do {
      try await handle.commitReportingTransactionID()
      connection.afterStatement(handle)
    } catch let interrupted as CommitInterrupted {
      connection.afterStatement(handle)
      let lost = connection.lostError(from: interrupted.underlying)
      let outcome = await PostgresCommitCheck.outcome(of: interrupted.transactionID, connectionString: connection.connectionString,
                                                      options: connection.options)
      throw CommitOutcomeUnknown(outcome: outcome, underlying: lost)
    } catch {
      connection.afterStatement(handle)
      throw handle.isBroken ? connection.lostError(from: error) : error
    }
  }

  func release(discard: Bool) async {
    guard released.withLock({ released in
      defer { released = true }
      return !released
    }) else { return }
    if discard { connection.markClosed(reason: "discarded after its transaction failed in an unknown state") }
    connection.releaseHandle(handle)
  }

  /// Runs `body` on the session's libpq handle (for COPY), noting the transaction
  /// state afterwards.
  func withHandle<T>(_ body: (PostgresConnectionHandle) async throws -> T) async throws -> T {
    do {
      let value = try await body(handle)
      connection.afterStatement(handle)
      return value
    } catch {
      connection.afterStatement(handle)
      throw handle.isBroken ? connection.lostError(from: error) : error
    }
  }

  /// The PostgreSQL session behind `session` (a pool's session wraps one).
  static func unwrap(_ session: any DatabaseSession) -> PostgresSession? {
    (session as? PostgresSession) ?? ((session as? PooledSession)?.base as? PostgresSession)
  }

  private func run(_ request: StatementRequest, mode: PostgresConnectionHandle.ResultMode) async throws -> PostgresStatementOutcome {
    try await withHandle { try await connection.run(request.rendered, on: $0, mode: mode, timeout: request.timeout) }
  }
}
