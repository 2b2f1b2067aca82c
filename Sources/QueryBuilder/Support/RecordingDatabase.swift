import Model
import Synchronization

/// A database that runs everything on another one and records each statement, for
/// query budgets in tests (catching N+1 loops) and for inspecting what code ran.
///
/// ```swift
/// let recording = RecordingDatabase(db)
/// _ = try await User.fetchAll(recording)
/// recording.statements.count   // 1
/// ```
public final class RecordingDatabase: Database, Sendable {
  /// The database statements really run on.
  public let base: any Database
  private let log = Mutex<[RenderedSQL]>([])

  /// Records statements run through `base`.
  public init(_ base: any Database) { self.base = base }

  /// `base`'s dialect.
  public var dialect: SQLDialect { base.dialect }

  /// The statements run so far, in order (text and binds, as rendered for `dialect`).
  public var statements: [RenderedSQL] { log.withLock { $0 } }

  /// Forgets the statements recorded so far.
  public func reset() { log.withLock { $0.removeAll() } }

  /// Records and runs on `base`.
  @discardableResult
  public func execute(_ sql: SQL) async throws -> Int {
    record(sql)
    return try await base.execute(sql)
  }

  /// Records and runs on `base`.
  public func fetchAll(_ sql: SQL) async throws -> [Row] {
    record(sql)
    return try await base.fetchAll(sql)
  }

  /// Records and runs on `base`.
  public func fetchOne(_ sql: SQL) async throws -> Row? {
    record(sql)
    return try await base.fetchOne(sql)
  }

  /// Records when iteration starts, and streams from `base`.
  public func stream(_ sql: SQL) -> RowSequence {
    let base = self.base
    return RowSequence { [self] in
      record(sql)
      return try await StreamCursor(base.stream(sql))
    }
  }

  private func record(_ sql: SQL) {
    let rendered = sql.render(dialect)
    log.withLock { $0.append(rendered) }
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
