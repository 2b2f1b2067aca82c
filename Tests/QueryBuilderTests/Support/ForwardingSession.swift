import Model
import QueryBuilder

/// A session for the test doubles: runs everything through the double's own
/// statements, so BEGIN, SAVEPOINT and COMMIT land in its transcript in order.
final class ForwardingSession: DatabaseSession {
  private let database: any Database

  init(_ database: any Database) { self.database = database }

  var dialect: SQLDialect { database.dialect }

  func runExecute(_ request: StatementRequest) async throws -> Int { try await database.runExecute(request) }

  func runFetchAll(_ request: StatementRequest) async throws -> [Row] { try await database.runFetchAll(request) }

  func runFetchOne(_ request: StatementRequest) async throws -> Row? { try await database.runFetchOne(request) }

  func runStream(_ request: StatementRequest) async throws -> any RowCursor {
    throw MisuseError("the test double does not stream")
  }

  func release(discard: Bool) async {}
}
