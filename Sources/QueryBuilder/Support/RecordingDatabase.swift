import Model
import Synchronization

/// A database that runs everything on another one and records each statement, for
/// query budgets in tests (catching N+1 loops) and for inspecting what code ran.
/// Inside atomic blocks opened through it, the transaction's own statements (BEGIN,
/// SAVEPOINT sp_1, COMMIT, ...) are recorded too, in order.
///
/// ```swift
/// let recording = RecordingDatabase(db)
/// _ = try await User.fetchAll(recording)
/// recording.statements.count   // 1
/// ```
public final class RecordingDatabase: Database, Sendable {
  /// The database statements really run on.
  public let base: any Database
  private let log: Log

  /// The recorded statements, shared with the views ``withDedicatedConnection(site:_:)`` makes.
  private final class Log: Sendable {
    let statements = Mutex<[RenderedSQL]>([])
  }

  /// Records statements run through `base`.
  public init(_ base: any Database) {
    self.base = base
    self.log = Log()
  }

  private init(_ base: any Database, sharing log: Log) {
    self.base = base
    self.log = log
  }

  /// `base`'s dialect.
  public var dialect: SQLDialect { base.dialect }

  /// The statements run so far, in order (text and binds, as rendered for `dialect`).
  public var statements: [RenderedSQL] { log.statements.withLock { $0 } }

  /// Forgets the statements recorded so far.
  public func reset() { log.statements.withLock { $0.removeAll() } }

  /// `base`'s key: statements inside a block route as they would on `base`.
  public var sessionKey: ObjectIdentifier { base.sessionKey }

  /// `base`'s statement time limit.
  public var defaultStatementTimeout: Duration? { base.defaultStatementTimeout }

  /// `base`'s logging.
  public var statementLogging: StatementLogging { base.statementLogging }

  /// Records and runs on `base`. (Inside an atomic block opened through this
  /// database, the block's session records the statement instead.)
  public func runExecute(_ request: StatementRequest) async throws -> Int {
    record(request.rendered)
    return try await base.runExecute(request)
  }

  /// Records and runs on `base`.
  public func runFetchAll(_ request: StatementRequest) async throws -> [Row] {
    record(request.rendered)
    return try await base.runFetchAll(request)
  }

  /// Records and runs on `base`.
  public func runFetchOne(_ request: StatementRequest) async throws -> Row? {
    record(request.rendered)
    return try await base.runFetchOne(request)
  }

  /// Records when iteration starts, and streams from `base`.
  public func runStream(_ request: StatementRequest) async throws -> any RowCursor {
    record(request.rendered)
    return try await base.runStream(request)
  }

  /// Records the batch's statement once per row, and runs it on `base`.
  public func runBatch(_ batch: BatchStatement, _ rows: [[SQLValue]], timeout: Duration?) async throws -> Int {
    for row in rows { record(batch.sql(binding: row).render(dialect)) }
    return try await base.runBatch(batch, rows, timeout: timeout)
  }

  /// A session of `base` that records every statement run on it.
  public func openSession() async throws -> any DatabaseSession {
    RecordingSession(try await base.openSession(), recording: self)
  }

  /// Runs `body` on `base`'s dedicated connection, recording into this log.
  public func withDedicatedConnection<T>(site: String, _ body: (any Database) async throws -> T) async throws -> T {
    try await base.withDedicatedConnection(site: site) { dedicated in
      try await body(dedicated.sessionKey == base.sessionKey ? self : RecordingDatabase(dedicated, sharing: log))
    }
  }

  fileprivate func record(_ rendered: RenderedSQL) {
    log.statements.withLock { $0.append(rendered) }
  }
}

/// A session that records its statements in a ``RecordingDatabase``'s log.
private final class RecordingSession: DatabaseSession {
  private let base: any DatabaseSession
  private let recording: RecordingDatabase

  init(_ base: any DatabaseSession, recording: RecordingDatabase) {
    self.base = base
    self.recording = recording
  }

  var dialect: SQLDialect { base.dialect }

  func runExecute(_ request: StatementRequest) async throws -> Int {
    recording.record(request.rendered)
    return try await base.runExecute(request)
  }

  func runFetchAll(_ request: StatementRequest) async throws -> [Row] {
    recording.record(request.rendered)
    return try await base.runFetchAll(request)
  }

  func runFetchOne(_ request: StatementRequest) async throws -> Row? {
    recording.record(request.rendered)
    return try await base.runFetchOne(request)
  }

  func runStream(_ request: StatementRequest) async throws -> any RowCursor {
    recording.record(request.rendered)
    return try await base.runStream(request)
  }

  func runBatch(_ batch: BatchStatement, _ rows: [[SQLValue]], timeout: Duration?) async throws -> Int {
    for row in rows { recording.record(batch.sql(binding: row).render(dialect)) }
    return try await base.runBatch(batch, rows, timeout: timeout)
  }

  func commit() async throws {
    recording.record(RenderedSQL(text: "COMMIT", binds: []))
    try await base.commit()
  }

  func release(discard: Bool) async { await base.release(discard: discard) }
}
