import CSQLite
import Model
import QueryBuilder
import Synchronization

/// The connection of a ``SQLiteDatabase`` held by one transaction: statements run on
/// it directly (the database's lock is held from ``SQLiteDatabase/openSession()`` to
/// ``release(discard:)``).
///
/// A statement's `timeout` is enforced by SQLite itself (a progress handler that
/// checks the deadline), so it holds even when no other thread is free.
final class SQLiteSession: DatabaseSession {
  private let database: SQLiteDatabase
  private let released = Mutex(false)

  init(database: SQLiteDatabase) {
    self.database = database
  }

  deinit {
    // A session dropped without release still gives the database back.
    if !released.withLock({ $0 }) { database.gate.leave() }
  }

  var dialect: SQLDialect { .sqlite }

  func runExecute(_ request: StatementRequest) async throws -> Int {
    try database.connection.checkOpen()
    return try await database.run(request) { try $0.execute(request.rendered) }
  }

  func runFetchAll(_ request: StatementRequest) async throws -> [Row] {
    try database.connection.checkOpen()
    return try await database.run(request) { try $0.fetchAll(request.rendered) }
  }

  func runFetchOne(_ request: StatementRequest) async throws -> Row? {
    try database.connection.checkOpen()
    return try await database.run(request) { try $0.fetchOne(request.rendered) }
  }

  func runStream(_ request: StatementRequest) async throws -> any RowCursor {
    let connection = database.connection
    try connection.checkOpen()
    let statement = try connection.prepareSingle(request.rendered, for: "stream")
    try statement?.bind(request.rendered.binds, sql: request.rendered.text)
    return SQLiteRowCursor(connection: connection, gate: nil, statement: statement, rendered: request.rendered)
  }

  /// Gives the database back; `discard` first makes sure no transaction is left open
  /// (ROLLBACK), closing the database if even that fails.
  func release(discard: Bool) async {
    guard released.withLock({ released in
      defer { released = true }
      return !released
    }) else { return }
    let connection = database.connection
    if discard, !connection.isClosed, sqlite3_get_autocommit(connection.db) == 0,
       sqlite3_exec(connection.db, "ROLLBACK", nil, nil, nil) != SQLITE_OK {
      connection.close()
    }
    database.gate.leave()
  }

}
