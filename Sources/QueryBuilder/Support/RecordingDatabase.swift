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

  /// Records and runs on `base` (in the current atomic block, if any: the block's
  /// session records it).
  @discardableResult
  public func execute(_ sql: SQL) async throws -> Int {
    if let route = TransactionRoute.current(for: self) { return try await route.execute(sql) }
    record(sql)
    return try await base.execute(sql)
  }

  /// Records and runs on `base`.
  public func fetchAll(_ sql: SQL) async throws -> [Row] {
    if let route = TransactionRoute.current(for: self) { return try await route.fetchAll(sql) }
    record(sql)
    return try await base.fetchAll(sql)
  }

  /// Records and runs on `base`.
  public func fetchOne(_ sql: SQL) async throws -> Row? {
    if let route = TransactionRoute.current(for: self) { return try await route.fetchOne(sql) }
    record(sql)
    return try await base.fetchOne(sql)
  }

  /// Records when iteration starts, and streams from `base`.
  public func stream(_ sql: SQL) -> RowSequence {
    if let route = TransactionRoute.current(for: self) { return route.stream(sql) }
    let base = self.base
    return RowSequence { [self] in
      record(sql)
      return try await StreamCursor(base.stream(sql))
    }
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

  fileprivate func record(_ sql: SQL) {
    let rendered = sql.render(dialect)
    log.statements.withLock { $0.append(rendered) }
  }
}

/// Reads another row sequence through the cursor interface.
private final class StreamCursor: RowCursor {
  private var iterator: RowSequence.AsyncIterator

  init(_ sequence: RowSequence) async throws { iterator = sequence.makeAsyncIterator() }

  func next() async throws -> Row? { try await iterator.next() }

  // The wrapped iterator closes its own cursor at the end or when dropped.
  func close() async {}
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

  func execute(_ sql: SQL, timeout: Duration?) async throws -> Int {
    recording.record(sql)
    return try await base.execute(sql, timeout: timeout)
  }

  func fetchAll(_ sql: SQL, timeout: Duration?) async throws -> [Row] {
    recording.record(sql)
    return try await base.fetchAll(sql, timeout: timeout)
  }

  func fetchOne(_ sql: SQL, timeout: Duration?) async throws -> Row? {
    recording.record(sql)
    return try await base.fetchOne(sql, timeout: timeout)
  }

  func openCursor(_ sql: SQL, timeout: Duration?) async throws -> any RowCursor {
    recording.record(sql)
    return try await base.openCursor(sql, timeout: timeout)
  }

  func commit() async throws {
    recording.record("COMMIT")
    try await base.commit()
  }

  func release(discard: Bool) async { await base.release(discard: discard) }
}
