import Model
import QueryBuilder

extension Database {
  /// `executeMany` inside an atomic block on PostgreSQL: the batch is pipelined on
  /// the block's connection inside a savepoint of its own (a nested `atomic`), so a
  /// failing row rolls back the batch only and the block goes on if the error is
  /// caught: the same rule as every backend's default `executeMany`.
  func executeManyInBlock(_ batch: BatchStatement, _ rows: [[SQLValue]], timeout: Duration?) async throws -> Int {
    try await atomic {
      guard let route = TransactionRoute.current(for: self) else {
        throw MisuseError("executeMany lost its atomic block")
      }
      return try await route.withSession { session, budget in
        guard let session = PostgresSession.unwrap(session) else {
          throw MisuseError("executeMany's block does not run on PostgreSQL")
        }
        return try await session.executeMany(batch, rows, timeout: shorterLimit(timeout, budget))
      }
    }
  }
}
