import CSQLite
import Model
import QueryBuilder
import Synchronization

/// Owns one `sqlite3*` connection and its statement cache; closes it in `deinit`.
///
/// `@unchecked Sendable` because the compiler cannot see the discipline that makes it
/// safe: every use of `db`, `cache` and `isClosed` happens while the owning
/// ``SQLiteDatabase``'s `AsyncLock` is held (or in `init`/`deinit`, when nothing else
/// holds a reference), so no two threads ever use the connection at once — which is
/// what SQLITE_OPEN_NOMUTEX requires. The one call made without that lock is
/// `interrupt()`: `sqlite3_interrupt` is documented as safe from any thread, and it
/// runs under `interruptGate` so it cannot race with `close()` freeing the handle.
///
/// See https://www.sqlite.org/c3ref/sqlite3.html and https://www.sqlite.org/threadsafe.html.
final class SQLiteConnectionHandle: @unchecked Sendable {
  /// The connection; valid until `close()`.
  let db: OpaquePointer
  /// Prepared statements by SQL text.
  let cache: SQLiteStatementCache
  /// Whether `close()` ran (or the connection was handed over to another handle).
  private(set) var isClosed = false
  /// True while `db` may be interrupted (it is open).
  private let interruptGate = Mutex(true)
  /// Set by SQLite's authorizer once a statement changed more than rows (see
  /// `watchSessionChanges()`); nil while not watched.
  private(set) var sessionChanges: SessionChangeFlag?

  private init(db: OpaquePointer, statementCacheCapacity: Int) {
    self.db = db
    self.cache = SQLiteStatementCache(capacity: statementCacheCapacity)
  }

  private init(takingOver other: SQLiteConnectionHandle) {
    self.db = other.db
    self.cache = other.cache
    self.sessionChanges = other.sessionChanges
  }

  /// A flag in C memory for SQLite's authorizer to set; freed after the connection
  /// stops using it.
  final class SessionChangeFlag: @unchecked Sendable {
    let pointer = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    init() { pointer.initialize(to: 0) }
    var isSet: Bool { pointer.pointee != 0 }
    deinit { pointer.deallocate() }
  }

  /// Starts noting statements that change more than rows: schema, pragmas,
  /// attached databases (whatever a fresh copy of a template would not have).
  func watchSessionChanges() {
    guard !isClosed, sessionChanges == nil else { return }
    let flag = SessionChangeFlag()
    sessionChanges = flag
    _ = wren_sqlite_watch_session_changes(db, flag.pointer)
  }

  /// A new handle owning this connection, its statement cache and its watch; this
  /// handle reads as closed from now on and no longer closes the connection.
  func handOver() -> SQLiteConnectionHandle {
    precondition(!isClosed && deadline == nil, "only an idle, open connection can be handed over")
    isClosed = true
    interruptGate.withLock { $0 = false }
    return SQLiteConnectionHandle(takingOver: self)
  }

  deinit {
    close()
  }

  /// Runs once, before the first connection opens: turns off SQLite's memory
  /// statistics, a process-wide mutex taken around every allocation, unless SQLite
  /// was already initialised by someone else (then nothing changes). They feed only
  /// `sqlite3_memory_used`, `sqlite3_status64` and the heap limits, which Wren does not
  /// use; SQLite recommends building without them for speed
  /// (https://www.sqlite.org/compile.html#default_memstatus).
  private static let processSetup: Void = {
    _ = wren_sqlite_disable_memstatus()
  }()

  /// Opens a connection and configures it: extended result codes, the decimal
  /// collation, foreign keys on, the busy timeout, then `pragmas` in order.
  ///
  /// See https://www.sqlite.org/c3ref/open.html.
  /// - Throws: ``MisuseError`` for a NUL byte in `path` (C would open the path cut
  ///   off there); ``DatabaseError`` (marked connection-fatal) if opening or a pragma fails.
  static func open(path: String, flags: Int32, busyTimeout: Duration, pragmas: [String],
                   statementCacheCapacity: Int) throws -> SQLiteConnectionHandle {
    guard !path.utf8.contains(0) else {
      throw MisuseError("the database path contains a NUL byte; SQLite would open the path cut off there")
    }
    _ = processSetup
    var pointer: OpaquePointer?
    let resultCode = sqlite3_open_v2(path, &pointer, flags, nil)
    guard resultCode == SQLITE_OK, let pointer else {
      let error = SQLiteErrorMapping.error(resultCode: resultCode == SQLITE_OK ? SQLITE_NOMEM : resultCode,
                                           db: pointer, sql: nil, binds: [], isConnectionFatal: true)
      sqlite3_close_v2(pointer)  // a failed open may still allocate a handle
      throw error
    }
    let connection = SQLiteConnectionHandle(db: pointer, statementCacheCapacity: statementCacheCapacity)
    sqlite3_extended_result_codes(pointer, 1)
    let collation = DecimalCollation.register(on: pointer)
    guard collation == SQLITE_OK else {
      throw SQLiteErrorMapping.error(resultCode: collation, db: pointer, sql: nil, binds: [], isConnectionFatal: true)
    }
    let foreignKeys = wren_sqlite_enable_foreign_keys(pointer)
    guard foreignKeys == SQLITE_OK else {
      throw SQLiteErrorMapping.error(resultCode: foreignKeys, db: pointer, sql: nil, binds: [], isConnectionFatal: true)
    }
    let milliseconds = busyTimeout.components.seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
    if milliseconds > 0 {
      sqlite3_busy_timeout(pointer, Int32(clamping: milliseconds))
    }
    for pragma in pragmas {
      let resultCode = sqlite3_exec(pointer, pragma, nil, nil, nil)
      guard resultCode == SQLITE_OK else {
        throw SQLiteErrorMapping.error(resultCode: resultCode, db: pointer, sql: pragma, binds: [], isConnectionFatal: true)
      }
    }
    return connection
  }

  /// Throws if the connection was closed.
  /// - Throws: ``MisuseError``.
  @inline(__always)
  func checkOpen() throws {
    if isClosed { throw MisuseError("the SQLite database is closed") }
  }

  /// Makes the running statement stop with SQLITE_INTERRUPT as soon as it can; from
  /// any thread. No effect when nothing runs or the connection is closed.
  ///
  /// See https://www.sqlite.org/c3ref/interrupt.html.
  func interrupt() {
    interruptGate.withLock { isOpen in
      if isOpen { sqlite3_interrupt(db) }
    }
  }

  /// When the running statement has to stop (its timeout), or nil.
  private(set) var deadline: ContinuousClock.Instant?

  /// Makes statements run from now on stop with SQLITE_INTERRUPT once `deadline`
  /// passes; nil lifts it. SQLite's progress handler checks the clock every thousand
  /// virtual-machine steps on the thread that runs the statement, so a timeout needs
  /// no other thread: a timer task would be starved while every thread of the
  /// cooperative pool runs a long statement.
  ///
  /// See https://www.sqlite.org/c3ref/progress_handler.html.
  func setDeadline(_ deadline: ContinuousClock.Instant?) {
    guard !isClosed else { return }
    self.deadline = deadline
    guard deadline != nil else {
      sqlite3_progress_handler(db, 0, nil, nil)
      return
    }
    // Unretained: the handler is removed before `close()`, which `deinit` runs.
    sqlite3_progress_handler(db, 1000, { context in
      guard let context else { return 0 }
      let handle = Unmanaged<SQLiteConnectionHandle>.fromOpaque(context).takeUnretainedValue()
      guard let deadline = handle.deadline else { return 0 }
      return ContinuousClock.now >= deadline ? 1 : 0
    }, Unmanaged.passUnretained(self).toOpaque())
  }

  /// Finalizes the cached statements and closes the connection; idempotent.
  /// `sqlite3_close_v2` defers the close while a statement is still alive elsewhere.
  ///
  /// See https://www.sqlite.org/c3ref/close.html.
  func close() {
    guard !isClosed else { return }
    if deadline != nil { setDeadline(nil) }
    isClosed = true
    cache.removeAll()
    interruptGate.withLock { $0 = false }
    if sessionChanges != nil { sqlite3_set_authorizer(db, nil, nil) }  // its flag may go before a deferred close
    sqlite3_close_v2(db)
  }

  /// The error for a failed call on this connection.
  func error(_ resultCode: Int32, _ rendered: RenderedSQL) -> any Error {
    SQLiteErrorMapping.error(resultCode: resultCode, db: db, sql: rendered.text, binds: rendered.binds)
  }

  /// The number of cached statements (for tests and diagnostics).
  var cachedStatementCount: Int { cache.count }
}
