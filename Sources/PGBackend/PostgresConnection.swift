import CLibPQ
import Logging
import Model
import QueryBuilder
import Synchronization

/// One PostgreSQL connection on libpq, non-blocking from connect to close.
///
/// ```swift
/// let conn = try await PostgresConnection.connect("postgres://app@localhost:5432/app")
/// let rows = try await conn.fetchAll("SELECT id, name FROM users WHERE age > \(18)")
/// try await conn.execute("UPDATE users SET age = age + 1 WHERE id = \(id)", timeout: .seconds(2))
/// await conn.close()
/// ```
///
/// Statements from many tasks are serialised, never interleaved. Waiting for the
/// server never parks a thread of Swift's cooperative pool. Cancelling the task
/// cancels the running statement on the server (`PQcancel`) and the connection stays
/// usable; a connection the server killed reports `.connectionFailure` once, is then
/// closed, and later calls fail at once.
public final class PostgresConnection: Database, Sendable {
  private struct State {
    var handle: PostgresConnectionHandle?
    var closedReason: String?
    var inTransaction = false
  }

  /// Always `.postgres`.
  public let dialect: SQLDialect = .postgres
  /// The options the connection was opened with.
  public let options: PostgresConnectionOptions
  /// The server process serving this connection (`pg_backend_pid()`).
  public let backendPID: Int32

  private let lock = AsyncLock()
  private let state: Mutex<State>
  private let statements = Atomic<Int>(0)

  /// How many statements the connection has run (for a pool's `maxQueries`).
  public var statementCount: Int { statements.load(ordering: .relaxed) }
  /// How the connection was opened: another connection to the same server is opened
  /// with it to find out whether a COMMIT cut short by a lost connection landed.
  let connectionString: String

  private init(handle: PostgresConnectionHandle, connectionString: String, options: PostgresConnectionOptions) {
    self.connectionString = connectionString
    self.options = options
    self.backendPID = handle.backendPID
    self.state = Mutex(State(handle: handle))
  }

  /// Opens a connection from a URL (`postgres://user@host:5432/db?sslmode=require`)
  /// or a keyword string (`host=/var/run/postgresql dbname=app`).
  /// - Throws: ``DatabaseError`` with `.connectionFailure`, `.tooManyConnections`,
  ///   `.invalidAuthorization` or `.invalidCatalogName`; `CancellationError`.
  public static func connect(_ connectionString: String,
                             options: PostgresConnectionOptions = PostgresConnectionOptions()) async throws -> PostgresConnection {
    let handle = try await PostgresConnectionHandle.connect(connectionString, options: options)
    return PostgresConnection(handle: handle, connectionString: connectionString, options: options)
  }

  /// Whether the connection was closed, by ``close()`` or because it was lost.
  public var isClosed: Bool { state.withLock { $0.handle == nil } }

  /// Whether a transaction is open on this connection, as the server reported after
  /// the last statement (whoever opened it). See `isInTransaction` for whether the
  /// current task is inside an atomic block.
  public var hasOpenTransaction: Bool { state.withLock { $0.inTransaction } }

  /// This connection's identity: statements inside an atomic block on it are routed
  /// to the block.
  public var sessionKey: ObjectIdentifier { ObjectIdentifier(self) }

  /// Takes the connection for a transaction (statements of other tasks wait until
  /// the session is released).
  /// - Throws: `CancellationError` while waiting; `.connectionFailure` when closed.
  public func openSession() async throws -> any DatabaseSession {
    PostgresSession(connection: self, handle: try await acquireHandle())
  }

  /// Whether the connection still looks usable after sitting idle, found without
  /// waiting: whatever the server sent meanwhile is read, and a server that shut
  /// down or killed the backend has closed the socket. Closes the connection when
  /// it is gone. A connection in use by another task counts as usable.
  func checkIdleConnection() -> Bool {
    guard lock.tryLock() else { return true }
    defer { lock.unlock() }
    guard let handle = state.withLock({ $0.handle }) else { return false }
    if handle.readWhatArrivedWhileIdle() { return true }
    markClosed(reason: "the connection was lost while idle: \(handle.errorMessage)")
    return false
  }

  /// Closes the connection after any statement in progress. Idempotent.
  public func close() async {
    await lock.lockIgnoringCancellation()
    defer { lock.unlock() }
    markClosed(reason: "the connection was closed by the application")
  }

  // MARK: Database primitives (behind the shared entry points: `execute`, `fetchAll`, ...)

  /// The connection's `commandTimeout`.
  public var defaultStatementTimeout: Duration? { options.commandTimeout }

  /// The connection's logging.
  public var statementLogging: StatementLogging { options.logging }

  /// Runs a statement and returns the number of rows it changed. Without binds it
  /// goes through the simple protocol, so several `;`-separated statements may run.
  public func runExecute(_ request: StatementRequest) async throws -> Int {
    try await withHandle { try await run(request.rendered, on: $0, mode: .execute, timeout: request.timeout) }.affectedRows
  }

  /// Runs a query (prepared, described, binary results) and returns all of its rows.
  public func runFetchAll(_ request: StatementRequest) async throws -> [Row] {
    try await withHandle { try await run(request.rendered, on: $0, mode: .rows, timeout: request.timeout) }.rows
  }

  /// Runs a query and returns its first row.
  public func runFetchOne(_ request: StatementRequest) async throws -> Row? {
    try await runFetchAll(request).first
  }

  /// The query's rows, read lazily in single-row mode while the connection is held;
  /// stopping early cancels the rest and leaves the connection usable.
  public func runStream(_ request: StatementRequest) async throws -> any RowCursor {
    try await PostgresRowCursor.open(request.rendered, on: self, timeout: request.timeout)
  }

  /// Runs the batch in one pipeline: one round trip, one implicit transaction, so a
  /// failing row leaves nothing of the batch behind.
  public func runBatch(_ batch: BatchStatement, _ rows: [[SQLValue]], timeout: Duration?) async throws -> Int {
    try await withHandle { handle in try await runBatch(batch, rows, on: handle, timeout: timeout) }
  }

  /// Runs a batch on `handle` (held by the caller).
  func runBatch(_ batch: BatchStatement, _ rows: [[SQLValue]], on handle: PostgresConnectionHandle,
                timeout: Duration?) async throws -> Int {
    statements.add(1, ordering: .relaxed)
    return try await handle.runBatch(batch, rows, timeout: timeout)
  }

  /// Listens on `channel` (`LISTEN`): the connection is given over to the listener
  /// (other statements on it wait) until the iteration ends, which sends `UNLISTEN`.
  ///
  /// ```swift
  /// for try await note in try await conn.listen("jobs") { handle(note.payload) }
  /// ```
  /// - Throws: ``MisuseError`` for an empty channel name; ``DatabaseError``.
  public func listen(_ channel: String) async throws -> PostgresNotifications {
    if currentRoute != nil {
      throw MisuseError("listen inside an atomic block: notifications are only delivered outside transactions")
    }
    return PostgresNotifications(listener: try await NotificationListener.start(on: self, channel: channel, ownsConnection: false))
  }

  /// Sends `payload` to the listeners of `channel` (`pg_notify`); inside a
  /// transaction it is delivered when the transaction commits.
  public func notify(_ channel: String, payload: String = "") async throws {
    try await execute("SELECT pg_notify(\(channel), \(payload))")
  }

  // MARK: Server facts

  /// The server's reported run-time parameters (`server_version`, `TimeZone`,
  /// `DateStyle`, `integer_datetimes`, ...), as of now.
  public var serverParameters: [String: String] {
    get async throws {
      try await withHandle { handle in
        var parameters: [String: String] = [:]
        for name in Self.reportedParameters {
          if let value = PQparameterStatus(handle.conn, name) { parameters[name] = String(cString: value) }
        }
        return parameters
      }
    }
  }

  /// The session's time zone (`TimeZone`), as the server reports it.
  public var serverTimeZone: String? {
    get async throws { try await serverParameters["TimeZone"] }
  }

  /// The parameters PostgreSQL reports to clients (GUC_REPORT).
  private static let reportedParameters = [
    "application_name", "client_encoding", "DateStyle", "default_transaction_read_only",
    "in_hot_standby", "integer_datetimes", "IntervalStyle", "is_superuser", "server_encoding",
    "server_version", "session_authorization", "standard_conforming_strings", "TimeZone",
  ]

  // MARK: Running statements

  /// Runs a statement on `handle` (held by the caller).
  func run(_ rendered: RenderedSQL, on handle: PostgresConnectionHandle, mode: PostgresConnectionHandle.ResultMode,
           timeout: Duration?) async throws -> PostgresStatementOutcome {
    statements.add(1, ordering: .relaxed)
    return try await handle.run(rendered, mode: mode, timeout: timeout)
  }

  /// Runs `body` with exclusive use of the libpq handle, and afterwards records the
  /// transaction state, or closes the connection if libpq found it dead.
  func withHandle<T>(_ body: (PostgresConnectionHandle) async throws -> T) async throws -> T {
    let handle = try await acquireHandle()
    do {
      let value = try await body(handle)
      releaseHandle(handle)
      return value
    } catch {
      let broken = handle.isBroken
      releaseHandle(handle)
      if broken { throw lostError(from: error) }
      throw error
    }
  }

  /// Takes the connection for exclusive use (statements of other tasks wait).
  /// - Throws: `CancellationError` while waiting; `.connectionFailure` if closed.
  func acquireHandle() async throws -> PostgresConnectionHandle {
    try await lock.lock()
    guard let handle = state.withLock({ $0.handle }) else {
      lock.unlock()
      throw closedError()
    }
    return handle
  }

  /// Gives the connection back after ``acquireHandle()``, noting its transaction
  /// state or closing it if libpq found it dead.
  func releaseHandle(_ handle: PostgresConnectionHandle) {
    afterStatement(handle)
    lock.unlock()
  }

  /// Gives `handle` back after a cursor: to other tasks if the cursor `owned` it,
  /// else (a transaction's session holds it) only noting its state.
  func giveBack(_ handle: PostgresConnectionHandle, owned: Bool) {
    if owned { releaseHandle(handle) } else { afterStatement(handle) }
  }

  /// The connection-failure error reported when the connection died under `error`.
  func lostError(from error: any Error) -> any Error {
    guard var failure = error as? DatabaseError else { return error }
    failure.code = .connectionFailure
    failure.isConnectionFatal = true
    return failure
  }

  func afterStatement(_ handle: PostgresConnectionHandle) {
    if handle.isBroken {
      markClosed(reason: "the connection was lost: \(handle.errorMessage)")
      return
    }
    let status = handle.transactionStatus
    state.withLock { $0.inTransaction = status == PQTRANS_INTRANS || status == PQTRANS_INERROR }
  }

  /// Closes the connection under whoever holds it (a pool's `terminate()`): a
  /// statement in flight is cancelled on the server and fails at once with a
  /// `.connectionFailure` naming `reason`; later calls fail as on a closed connection.
  func terminate(reason: String) {
    takeHandle(closing: reason)?.terminate(reason, grace: Self.terminationGrace)
  }

  /// How long a terminated connection's statement gets to end after its cancel
  /// before the socket is shut down under it.
  static let terminationGrace: Duration = .milliseconds(500)

  func markClosed(reason: String) {
    _ = takeHandle(closing: reason)  // released here: PQfinish runs in its deinit
  }

  /// Marks the connection closed for `reason` and hands over its handle (nil when it
  /// was closed already); whoever still holds the handle keeps it alive.
  private func takeHandle(closing reason: String) -> PostgresConnectionHandle? {
    state.withLock { state in
      guard let handle = state.handle else { return nil }
      state.handle = nil
      state.closedReason = reason
      state.inTransaction = false
      return handle
    }
  }

  private func closedError() -> DatabaseError {
    let reason = state.withLock { $0.closedReason } ?? "the connection is closed"
    return DatabaseError(code: .connectionFailure, message: "the connection is closed (\(reason))", isConnectionFatal: true)
  }
}
