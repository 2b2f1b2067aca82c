import Model
import QueryBuilder

/// A session for the test doubles: runs everything through the double's own
/// statements, so BEGIN, SAVEPOINT and COMMIT land in its transcript in order.
final class ForwardingSession: DatabaseSession {
  private let database: any Database

  init(_ database: any Database) { self.database = database }

  var dialect: SQLDialect { database.dialect }

  func execute(_ sql: SQL, timeout: Duration?) async throws -> Int { try await database.execute(sql) }

  func fetchAll(_ sql: SQL, timeout: Duration?) async throws -> [Row] { try await database.fetchAll(sql) }

  func fetchOne(_ sql: SQL, timeout: Duration?) async throws -> Row? { try await database.fetchOne(sql) }

  func openCursor(_ sql: SQL, timeout: Duration?) async throws -> any RowCursor {
    throw MisuseError("the test double does not stream")
  }

  func release(discard: Bool) async {}
}
