import CSQLite
import Model
import QueryBuilder

/// A SQLite database, in memory or in a file, behind Wren's ``Database`` protocol.
///
/// ```swift
/// let test = try SQLiteDatabase.inMemory()              // fast, isolated unit tests
/// let local = try SQLiteDatabase(path: "app.sqlite")    // the embedded default (WAL)
/// try await test.execute("CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
/// try await test.execute("INSERT INTO users(name) VALUES (\(name))")
/// let rows = try await test.fetchAll("SELECT * FROM users")
/// ```
///
/// One connection serves every task. It is `Sendable` because all access to the
/// `sqlite3` handle is serialised by an `AsyncLock`: statements of concurrent tasks
/// wait their turn (suspended, not blocking a thread), then run inline on the calling
/// task — SQLite's work is CPU and disk, not waiting on a socket. An open
/// ``stream(_:)`` holds the connection until it ends, so do not run other statements
/// on the same database from inside the loop over one.
///
/// No wait is without end: a statement, stream or transaction waits for the
/// connection at most ``acquireTimeout`` (``defaultAcquireTimeout``, 30 seconds,
/// unless given another), then fails with ``DatabaseError`` `.lockNotAvailable`
/// naming where the connection is held — the case of a task that an atomic block
/// awaits and that runs statements on the same database from outside the block.
///
/// Foreign keys are enforced (as `PRAGMA foreign_keys = ON`) and LIKE is
/// case-sensitive (`PRAGMA case_sensitive_like = ON`), as on PostgreSQL, so a query
/// means the same on both backends. Errors are
/// ``DatabaseError``s with the same codes as on PostgreSQL where the meaning is the
/// same (https://www.sqlite.org/rescode.html).
public final class SQLiteDatabase: Database, Sendable {
  /// Settings every connection gets (besides foreign keys, which the connection turns
  /// on through `sqlite3_db_config`): what makes SQLite behave like PostgreSQL where
  /// the query builder relies on it.
  static let sharedPragmas = ["PRAGMA case_sensitive_like = ON"]

  /// The statement cache capacity used when none is given.
  public static let defaultStatementCacheCapacity = 64

  /// How long a caller waits for the connection unless told otherwise: 30 seconds,
  /// as a ``PostgresDatabase`` pool's acquire.
  public static let defaultAcquireTimeout: Duration = .seconds(30)

  /// The file path, or `:memory:` for an in-memory database.
  public let path: String
  /// How statements are logged.
  public let logging: StatementLogging
  let connection: SQLiteConnectionHandle
  /// The turn on the connection, which statements, streams and transactions take.
  let gate: SQLiteConnectionGate
  /// For a template's copy: where its connection goes back when closed.
  let recycler: SQLiteRecycler?

  /// Always ``SQLDialect/sqlite``.
  public var dialect: SQLDialect { .sqlite }

  /// How long a statement, stream or transaction waits for the connection while
  /// another task holds it (nil: as long as it takes).
  public var acquireTimeout: Duration? { gate.timeout }

  init(connection: SQLiteConnectionHandle, path: String, logging: StatementLogging,
       acquireTimeout: Duration? = defaultAcquireTimeout, recycler: SQLiteRecycler? = nil) {
    self.connection = connection
    self.path = path
    self.logging = logging
    self.gate = SQLiteConnectionGate(timeout: acquireTimeout)
    self.recycler = recycler
  }

  /// A new, empty in-memory database, isolated from every other one.
  ///
  /// ```swift
  /// let db = try SQLiteDatabase.inMemory()
  /// ```
  /// See https://www.sqlite.org/inmemorydb.html.
  /// - Parameters:
  ///   - statementCacheCapacity: how many prepared statements to keep (0 disables).
  ///   - logging: how statements are logged.
  ///   - acquireTimeout: how long a caller waits for the connection while another
  ///     task holds it (nil: as long as it takes).
  /// - Throws: ``DatabaseError`` if SQLite cannot allocate the database.
  public static func inMemory(statementCacheCapacity: Int = defaultStatementCacheCapacity,
                              logging: StatementLogging = .init(),
                              acquireTimeout: Duration? = defaultAcquireTimeout) throws -> SQLiteDatabase {
    SQLiteDatabase(connection: try inMemoryConnection(statementCacheCapacity: statementCacheCapacity),
                   path: ":memory:", logging: logging, acquireTimeout: acquireTimeout)
  }

  /// A new connection to a new, empty in-memory database.
  static func inMemoryConnection(statementCacheCapacity: Int) throws -> SQLiteConnectionHandle {
    try SQLiteConnectionHandle.open(
      path: ":memory:",
      flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
      busyTimeout: .zero,
      pragmas: Self.sharedPragmas,
      statementCacheCapacity: statementCacheCapacity)
  }

  /// Opens (creating if needed) the database file at `path` in WAL mode with
  /// `synchronous = NORMAL`.
  ///
  /// ```swift
  /// let db = try SQLiteDatabase(path: "app.sqlite")
  /// let reader = try SQLiteDatabase(path: "app.sqlite", readOnly: true)
  /// ```
  /// `busyTimeout` is how long a statement retries while another connection holds a
  /// lock it needs. It defaults to zero: such a statement fails at once with a
  /// retryable `.databaseBusy` error, because SQLite's busy handler sleeps — it would
  /// block a thread of Swift's cooperative pool for that long. Retry at the
  /// transaction level (`db.atomic(retry:)`) instead, or accept the blocking.
  ///
  /// See https://www.sqlite.org/c3ref/open.html, https://www.sqlite.org/wal.html and
  /// https://www.sqlite.org/c3ref/busy_timeout.html.
  /// - Parameters:
  ///   - path: the file; `:memory:` gives an in-memory database.
  ///   - readOnly: open with SQLITE_OPEN_READONLY (the file must exist; writes fail
  ///     with `.readOnlyTransaction`).
  ///   - busyTimeout: how long to wait for another connection's lock (default: not at all).
  ///   - statementCacheCapacity: how many prepared statements to keep (0 disables).
  ///   - logging: how statements are logged.
  ///   - acquireTimeout: how long a caller waits for the connection while another
  ///     task of this process holds it (nil: as long as it takes).
  /// - Throws: ``MisuseError`` for a NUL byte in `path`; ``DatabaseError``:
  ///   `.connectionFailure` when the file cannot be opened,
  ///   `.dataCorrupted` when it is not a database, `.databaseBusy` when switching to
  ///   WAL needs a lock another connection holds.
  public convenience init(path: String, readOnly: Bool = false, busyTimeout: Duration = .zero,
                          statementCacheCapacity: Int = defaultStatementCacheCapacity,
                          logging: StatementLogging = .init(),
                          acquireTimeout: Duration? = defaultAcquireTimeout) throws {
    let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
      | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
    let pragmas = readOnly
      ? Self.sharedPragmas
      : Self.sharedPragmas + ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL"]
    let connection = try SQLiteConnectionHandle.open(
      path: path, flags: flags, busyTimeout: busyTimeout, pragmas: pragmas,
      statementCacheCapacity: statementCacheCapacity)
    self.init(connection: connection, path: path, logging: logging, acquireTimeout: acquireTimeout)
  }

  /// Makes the statement running now stop with a `.queryCanceled` error; safe to call
  /// from any task. Does nothing when no statement runs. (Cancelling the task that
  /// runs a statement interrupts it too, and that task gets a `CancellationError`.)
  ///
  /// ```swift
  /// let query = Task { try await db.fetchAll(slowQuery) }
  /// db.interrupt()   // query throws DatabaseError with code .queryCanceled
  /// ```
  /// See https://www.sqlite.org/c3ref/interrupt.html.
  public func interrupt() {
    connection.interrupt()
  }

  /// This database's identity: statements inside an atomic block on it are routed to
  /// the block.
  public var sessionKey: ObjectIdentifier { ObjectIdentifier(self) }

  /// Takes the connection for a transaction (other statements wait until it is
  /// released).
  /// - Throws: `CancellationError` while waiting; ``DatabaseError``
  ///   `.lockNotAvailable` after ``acquireTimeout``; ``MisuseError`` when closed.
  public func openSession() async throws -> any DatabaseSession {
    try await gate.enter(as: ConnectionRequest.site ?? "a transaction")
    do {
      try connection.checkOpen()
    } catch {
      gate.leave()
      throw error
    }
    return SQLiteSession(database: self)
  }

  /// Closes the database once the statement or stream holding it has finished;
  /// later calls throw a ``MisuseError``. Idempotent; cancellation does not stop it.
  /// Dropping the last reference closes it too.
  ///
  /// ```swift
  /// await db.close()
  /// ```
  /// See https://www.sqlite.org/c3ref/close.html.
  public func close() async {
    await gate.enterIgnoringCancellation()
    defer { gate.leave() }
    if let recycler, connection.resetRows(to: recycler.plan) {
      recycler.takeBack(connection.handOver())
    } else {
      connection.close()
    }
  }
}
