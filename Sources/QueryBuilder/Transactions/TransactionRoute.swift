import Model

/// Where a statement goes when the task running it is inside an atomic block: the
/// block's connection, in turn with the block's other tasks. Backends ask for it at
/// the top of every statement:
///
/// ```swift
/// public func execute(_ sql: SQL) async throws -> Int {
///   if let route = TransactionRoute.current(for: self) { return try await route.execute(sql) }
///   ...
/// }
/// ```
public struct TransactionRoute: Sendable {
  let context: TransactionContext

  /// The innermost atomic block the current task is in on `db`, or nil outside any.
  /// A block that has ended still routes (its statements then fail clearly), so a
  /// task that outlived its block never reaches another transaction's connection.
  @inline(__always)
  public static func current(for db: some Database) -> TransactionRoute? {
    TransactionScope.context(for: db.sessionKey).map(TransactionRoute.init)
  }

  /// Runs `sql` in the block; returns the rows it changed. `timeout` is the
  /// statement's own limit (the block's remaining budget applies too, whichever is shorter).
  public func execute(_ sql: SQL, timeout: Duration? = nil) async throws -> Int {
    try await context.run { try await $0.execute(sql, timeout: Self.earlier(timeout, $1)) }
  }

  /// Runs `sql` in the block; returns its rows.
  public func fetchAll(_ sql: SQL, timeout: Duration? = nil) async throws -> [Row] {
    try await context.run { try await $0.fetchAll(sql, timeout: Self.earlier(timeout, $1)) }
  }

  /// Runs `sql` in the block; returns its first row.
  public func fetchOne(_ sql: SQL, timeout: Duration? = nil) async throws -> Row? {
    try await context.run { try await $0.fetchOne(sql, timeout: Self.earlier(timeout, $1)) }
  }

  /// Runs `body` with the block's session in the block's turn, for a backend's own
  /// operations that the session protocol does not cover (PostgreSQL's COPY, say).
  /// `body` gets the session and the block's remaining budget.
  public func withSession<T>(_ body: (any DatabaseSession, Duration?) async throws -> T) async throws -> T {
    try await context.run(body)
  }

  /// The shorter of two optional limits.
  static func earlier(_ a: Duration?, _ b: Duration?) -> Duration? {
    switch (a, b) {
    case let (a?, b?): min(a, b)
    case let (a, b): a ?? b
    }
  }

  /// The rows of `sql`, read lazily in the block; the block's other statements wait
  /// until the iteration ends.
  public func stream(_ sql: SQL, timeout: Duration? = nil) -> RowSequence {
    let context = self.context
    return RowSequence {
      try await context.turn.lock()
      do {
        try context.checkOpen()
        let cursor = try await context.session.openCursor(sql, timeout: TransactionRoute.earlier(timeout, try context.remaining()))
        return TurnHoldingCursor(cursor, turn: context.turn)
      } catch {
        context.turn.unlock()
        throw error
      }
    }
  }
}

/// A cursor that gives its block's turn back when it ends (or is dropped).
private final class TurnHoldingCursor: RowCursor {
  private let cursor: any RowCursor
  private var turn: AsyncLock?

  init(_ cursor: any RowCursor, turn: AsyncLock) {
    self.cursor = cursor
    self.turn = turn
  }

  deinit {
    guard let turn else { return }
    // Dropped mid-iteration (a `break`): the backend's cursor may still have to read
    // the rest of its result, so the block's next statement waits until it has.
    let pending = DroppedCursor(cursor)
    Task {
      await pending.cursor.close()
      turn.unlock()
    }
  }

  func next() async throws -> Row? { try await cursor.next() }

  func close() async {
    await cursor.close()
    turn?.unlock()
    turn = nil
  }
}

/// A cursor handed from a dropped owner to the task that closes it: no one else can
/// reach it any more, so moving it across tasks is safe.
private struct DroppedCursor: @unchecked Sendable {
  let cursor: any RowCursor
  init(_ cursor: any RowCursor) { self.cursor = cursor }
}
