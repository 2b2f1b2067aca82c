import Model

/// The async executor every backend implements; everything above it (CRUD, queries,
/// atomic blocks, migrations) is written once against it.
///
/// ```swift
/// let n = try await db.execute("UPDATE users SET age = age + 1 WHERE id = \(id)")
/// let rows = try await db.fetchAll("SELECT * FROM users WHERE age > \(18)")
/// let total: Int64? = try await db.fetchValue("SELECT count(*) FROM users")
/// for try await row in db.stream("SELECT * FROM big_table") { ... }
/// ```
///
/// Apps call the statement methods (`execute`, `fetchAll`, `fetchOne`, `stream`,
/// `executeMany`), which every database shares: written once, in
/// `Database+Statements.swift`, they render and check the SQL, route a statement run
/// inside an atomic block to the block's connection, and log and time it. A backend
/// implements the primitives below them (`runExecute`, `runFetchAll`, `runFetchOne`,
/// `runStream`, `runBatch`), which only run a statement, so no backend or wrapper can
/// skip the routing.
public protocol Database: Sendable {
  /// The SQL dialect statements are rendered in.
  var dialect: SQLDialect { get }

  /// How long a statement may run when the caller gives no `timeout` (nil: no limit);
  /// PostgreSQL's `commandTimeout`.
  var defaultStatementTimeout: Duration? { get }

  /// How statements are logged.
  var statementLogging: StatementLogging { get }

  /// Where a statement of the current task goes when it runs inside an atomic block
  /// on this database; nil outside any. A transaction's handle always answers its
  /// own block.
  var currentRoute: TransactionRoute? { get }

  /// Runs one statement outside any block and returns the rows it changed (0 for
  /// statements that change none). A primitive: apps call ``execute(_:)``.
  /// - Throws: ``DatabaseError``, ``MisuseError``, or `CancellationError`.
  func runExecute(_ request: StatementRequest) async throws -> Int

  /// Runs one query outside any block and returns all of its rows. A primitive.
  func runFetchAll(_ request: StatementRequest) async throws -> [Row]

  /// Runs one query outside any block and returns its first row (later ones need
  /// not be computed). A primitive.
  func runFetchOne(_ request: StatementRequest) async throws -> Row?

  /// Opens a cursor over a query's rows outside any block; the database runs nothing
  /// else of its connection's until the cursor ends. A primitive.
  func runStream(_ request: StatementRequest) async throws -> any RowCursor

  /// Runs a checked batch (`$1` … `$n` placeholders, one row of values per run)
  /// outside any block, as one atomic unit; returns the rows changed in all. A
  /// primitive; the default runs the rows one by one in an atomic block.
  /// - Throws: the failing row's ``DatabaseError`` with ``DatabaseError/batchRow`` set.
  func runBatch(_ batch: BatchStatement, _ rows: [[SQLValue]], timeout: Duration?) async throws -> Int

  /// Takes one connection for a transaction, held until the session is released
  /// (the atomic-block machinery's primitive; apps use `atomic` or `begin`).
  /// - Throws: ``DatabaseError`` when no connection can be had; `CancellationError`.
  func openSession() async throws -> any DatabaseSession

  /// Identifies what this database's statements run on, so that statements a task
  /// runs inside an atomic block are routed to the block's connection. Wrappers of
  /// another database return the wrapped one's key.
  var sessionKey: ObjectIdentifier { get }

  /// Runs `body` with a database whose statements all run on one connection, held for
  /// the whole of `body`; `site` names the holder in pool diagnostics. Apps call
  /// ``withDedicatedConnection(file:line:_:)``.
  func withDedicatedConnection<T>(site: String, _ body: (any Database) async throws -> T) async throws -> T
}

extension Database {
  /// Runs `body` with a database whose statements all run on one connection, held for
  /// the whole of `body`, so that session state one statement leaves (an advisory
  /// lock, a `SET`, a temporary table) is there for the next:
  ///
  /// ```swift
  /// try await pool.withDedicatedConnection { db in
  ///   try await db.execute("SELECT pg_advisory_lock(\(key))")
  ///   try await rebuildReport(db)
  ///   try await db.execute("SELECT pg_advisory_unlock(\(key))")   // the same session
  /// }
  /// ```
  /// A pool leases one connection for it (and resets it afterwards, as every
  /// release does); a single connection, an SQLite database, a transaction's handle
  /// and a task inside an atomic block are one connection already, so `body` gets
  /// the database itself. ``Migrator`` runs on it.
  /// - Throws: what `body` throws; a pool's ``DatabaseError`` or pool error when no
  ///   connection can be had.
  public func withDedicatedConnection<T>(file: String = #fileID, line: Int = #line,
                                         _ body: (any Database) async throws -> T) async throws -> T {
    try await withDedicatedConnection(site: "\(file):\(line)", body)
  }

  /// One connection already: `body` runs on this database itself.
  public func withDedicatedConnection<T>(site: String, _ body: (any Database) async throws -> T) async throws -> T {
    try await body(self)
  }
}

extension Database {
  /// The first column of the first row as `T`, or nil when there is no row or the
  /// value is NULL.
  ///
  /// ```swift
  /// let count: Int64? = try await db.fetchValue("SELECT count(*) FROM users")
  /// ```
  /// - Throws: ``DatabaseError``, or ``RowDecodingError`` when the value is not a `T`.
  public func fetchValue<T: SQLValueConvertible>(_ sql: SQL, as type: T.Type = T.self) async throws -> T? {
    guard let row = try await fetchOne(sql), row.count > 0 else { return nil }
    return try row.decode(Optional<T>.self, at: 0)
  }
}
