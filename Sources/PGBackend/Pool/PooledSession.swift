import Model
import QueryBuilder

/// A connection's session that gives the connection back to the pool when released.
final class PooledSession: DatabaseSession {
  /// The connection's own session.
  let base: any DatabaseSession
  private let giveBack: @Sendable (Bool) async -> Void

  init(_ base: any DatabaseSession, release: @escaping @Sendable (Bool) async -> Void) {
    self.base = base
    self.giveBack = release
  }

  var dialect: SQLDialect { base.dialect }
  func runExecute(_ request: StatementRequest) async throws -> Int { try await base.runExecute(request) }
  func runFetchAll(_ request: StatementRequest) async throws -> [Row] { try await base.runFetchAll(request) }
  func runFetchOne(_ request: StatementRequest) async throws -> Row? { try await base.runFetchOne(request) }
  func runStream(_ request: StatementRequest) async throws -> any RowCursor { try await base.runStream(request) }
  func runBatch(_ batch: BatchStatement, _ rows: [[SQLValue]], timeout: Duration?) async throws -> Int {
    try await base.runBatch(batch, rows, timeout: timeout)
  }
  func commit() async throws { try await base.commit() }

  func release(discard: Bool) async {
    await base.release(discard: discard)
    await giveBack(discard)
  }
}
