import Model

/// The body of a migration transaction failed, and so did the ROLLBACK after it.
struct MigrationRollbackFailure: Error {
  /// The body's (or COMMIT's) error.
  var error: any Error
  /// The ROLLBACK's error.
  var rollbackError: any Error
}

/// Runs `body` in a transaction on `db`: COMMIT when it returns, ROLLBACK and rethrow
/// when it (or the COMMIT) throws.
///
/// Interim: this issues BEGIN / COMMIT / ROLLBACK through `execute`, which is right for
/// the single-connection databases that exist today (`PostgresConnection`,
/// `SQLiteDatabase`), where every statement goes to the one session. Once atomic blocks
/// exist, replace the body of this one function with `db.atomic { try await body() }`
/// (which also handles pools and nesting); nothing else in the Migrator needs to change.
///
/// The ROLLBACK runs even when the task was cancelled (cleanup does not observe
/// cancellation), so a cancelled migration leaves no transaction open.
/// - Throws: `body`'s or COMMIT's error after a successful ROLLBACK;
///   ``MigrationRollbackFailure`` with both errors when the ROLLBACK fails too; BEGIN's
///   error as it is.
func withMigrationTransaction<D: Database>(_ db: D, _ body: () async throws -> Void) async throws {
  try await db.execute("BEGIN")
  do {
    try await body()
    // A failed COMMIT may leave the transaction open (SQLite: BUSY) or end it
    // (PostgreSQL); the ROLLBACK below covers the first, and is a no-op warning on
    // the second.
    try await db.execute("COMMIT")
  } catch {
    do {
      try await runIgnoringCancellation { try await db.execute("ROLLBACK") }
    } catch let rollbackError {
      throw MigrationRollbackFailure(error: error, rollbackError: rollbackError)
    }
    throw error
  }
}

/// Runs cleanup work in a task of its own, so that it runs to the end even when the
/// calling task was cancelled (a new unstructured task does not inherit cancellation;
/// it does inherit task-local values).
func runIgnoringCancellation(_ work: @escaping @Sendable () async throws -> Void) async throws {
  try await Task { try await work() }.value
}
