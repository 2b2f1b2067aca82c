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
  func execute(_ sql: SQL, timeout: Duration?) async throws -> Int { try await base.execute(sql, timeout: timeout) }
  func fetchAll(_ sql: SQL, timeout: Duration?) async throws -> [Row] { try await base.fetchAll(sql, timeout: timeout) }
  func fetchOne(_ sql: SQL, timeout: Duration?) async throws -> Row? { try await base.fetchOne(sql, timeout: timeout) }
  func openCursor(_ sql: SQL, timeout: Duration?) async throws -> any RowCursor {
    try await base.openCursor(sql, timeout: timeout)
  }
  func commit() async throws { try await base.commit() }

  func release(discard: Bool) async {
    await base.release(discard: discard)
    await giveBack(discard)
  }
}
