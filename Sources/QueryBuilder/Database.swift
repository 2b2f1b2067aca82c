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
public protocol Database: Sendable {
  /// The SQL dialect statements are rendered in.
  var dialect: SQLDialect { get }

  /// Runs one statement and returns the number of rows it changed (0 for statements
  /// that change none).
  /// - Throws: ``DatabaseError``, ``MisuseError``, or `CancellationError`.
  @discardableResult
  func execute(_ sql: SQL) async throws -> Int

  /// Runs one statement and returns all of its rows.
  /// - Throws: ``DatabaseError``, ``MisuseError``, or `CancellationError`.
  func fetchAll(_ sql: SQL) async throws -> [Row]

  /// Runs one statement and returns its first row, or nil when it returns none.
  /// - Throws: ``DatabaseError``, ``MisuseError``, or `CancellationError`.
  func fetchOne(_ sql: SQL) async throws -> Row?

  /// A lazily consumed sequence of the statement's rows; the statement runs when
  /// iteration starts, and stopping early leaves the connection clean.
  func stream(_ sql: SQL) -> RowSequence

  /// Runs one statement, written with `$1` … `$n` placeholders, once per row of
  /// values, as one atomic batch: if any row fails, none of them stays. Returns the
  /// rows changed in all. PostgreSQL sends the whole batch in one pipeline; the
  /// default runs the rows one by one in an atomic block.
  /// - Throws: ``MisuseError`` before anything runs for a row with the wrong number
  ///   of values or interpolated values in `sql`; the failing row's
  ///   ``DatabaseError`` with ``DatabaseError/batchRow`` set.
  @discardableResult
  func executeMany(_ sql: SQL, _ rows: [[SQLValue]]) async throws -> Int

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
  /// Runs `sql` once per row, one statement after another in an atomic block (a
  /// savepoint inside another block), so that a failing row leaves nothing behind.
  @discardableResult
  public func executeMany(_ sql: SQL, _ rows: [[SQLValue]]) async throws -> Int {
    let batch = try BatchStatement(sql)
    try batch.check(rows)
    guard !rows.isEmpty else { return 0 }
    return try await atomic {
      var changed = 0
      for (index, row) in rows.enumerated() {
        do {
          changed += try await execute(batch.sql(binding: row))
        } catch var error as DatabaseError {
          error.batchRow = index
          throw error
        }
      }
      return changed
    }
  }

  /// ``executeMany(_:_:)-(_,[[SQLValue]])`` with rows of Swift values:
  /// `try await db.executeMany("INSERT INTO t (a, b) VALUES ($1, $2)", [[1, "x"], [2, "y"]])`.
  @discardableResult
  public func executeMany(_ sql: SQL, _ rows: [[any SQLValueConvertible]]) async throws -> Int {
    try await executeMany(sql, rows.map { $0.map(\.sqlValue) })
  }

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
