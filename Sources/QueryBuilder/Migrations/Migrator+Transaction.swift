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
