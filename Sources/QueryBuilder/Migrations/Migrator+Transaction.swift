import Model

/// The body of a migration transaction failed, and so did the ROLLBACK after it.
struct MigrationRollbackFailure: Error {
  /// The body's (or COMMIT's) error.
  var error: any Error
  /// The ROLLBACK's error.
  var rollbackError: any Error
}

/// Runs `body` atomically on `db` (a transaction, or a savepoint when the caller is
/// already in an atomic block): COMMIT when it returns, ROLLBACK and rethrow when it
/// (or the COMMIT) throws. The rollback runs even when the task was cancelled.
/// - Throws: `body`'s or COMMIT's error after a successful ROLLBACK;
///   ``MigrationRollbackFailure`` with both errors when the ROLLBACK fails too; BEGIN's
///   error as it is.
func withMigrationTransaction<D: Database>(_ db: D, _ body: () async throws -> Void) async throws {
  do {
    try await db.atomic { try await body() }
  } catch let failure as TransactionFailure {
    throw MigrationRollbackFailure(error: failure.blockError, rollbackError: failure.rollbackError)
  }
}

/// Runs cleanup work in a task of its own, so that it runs to the end even when the
/// calling task was cancelled (a new unstructured task does not inherit cancellation;
/// it does inherit task-local values).
func runIgnoringCancellation(_ work: @escaping @Sendable () async throws -> Void) async throws {
  try await Task { try await work() }.value
}
