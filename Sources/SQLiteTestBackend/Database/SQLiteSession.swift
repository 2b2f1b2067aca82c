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

  func execute(_ sql: SQL, timeout: Duration?) async throws -> Int {
    let rendered = try validated(sql)
    return try await interrupting(after: timeout) {
      try await database.run(rendered, rowCount: { $0 }) { try $0.execute(rendered) }
    }
  }

  func fetchAll(_ sql: SQL, timeout: Duration?) async throws -> [Row] {
    let rendered = try validated(sql)
    return try await interrupting(after: timeout) {
      try await database.run(rendered, rowCount: \.count) { try $0.fetchAll(rendered) }
    }
  }

  func fetchOne(_ sql: SQL, timeout: Duration?) async throws -> Row? {
    let rendered = try validated(sql)
    return try await interrupting(after: timeout) {
      try await database.run(rendered, rowCount: { $0 == nil ? 0 : 1 }) { try $0.fetchOne(rendered) }
    }
  }

  func openCursor(_ sql: SQL, timeout: Duration?) async throws -> any RowCursor {
    let rendered = try validated(sql)
    let connection = database.connection
    let logging = database.logging
    let start: ContinuousClock.Instant? = logging.isEnabled ? .now : nil
    let statement = try connection.prepareSingle(rendered, for: "stream")
    try statement?.bind(rendered.binds, sql: rendered.text)
    return SQLiteRowCursor(connection: connection, gate: nil, statement: statement, rendered: rendered,
                           logging: start.map { (logging, $0) })
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

  private func validated(_ sql: SQL) throws -> RenderedSQL {
    let rendered = sql.render(.sqlite)
    try rendered.validate(for: .sqlite)
    try database.connection.checkOpen()
    return rendered
  }

  /// Runs `body`; if it takes longer than `timeout`, SQLite stops it and it fails
  /// with `.queryCanceled`.
  private func interrupting<T: Sendable>(after timeout: Duration?, _ body: () async throws -> T) async throws -> T {
    guard let timeout else { return try await body() }
    let connection = database.connection
    connection.setDeadline(.now + timeout)
    defer { connection.setDeadline(nil) }
    return try await body()
  }
}
