import Model

/// Where a statement goes when the task running it is inside an atomic block: the
/// block's connection, in turn with the block's other tasks. The statement entry
/// points (`Database+Statements.swift`) ask every database for it
/// (``Database/currentRoute``) before anything runs.
public struct TransactionRoute: Sendable {
  let context: TransactionContext

  /// The innermost atomic block the current task is in on `db`, or nil outside any.
  /// A block that has ended still routes (its statements then fail clearly), so a
  /// task that outlived its block never reaches another transaction's connection.
  @inline(__always)
  public static func current(for db: some Database) -> TransactionRoute? {
    TransactionScope.context(for: db.sessionKey).map(TransactionRoute.init)
  }

  /// Runs the statement in the block; returns the rows it changed. The block's
  /// remaining budget bounds it too, whichever is shorter.
  public func runExecute(_ request: StatementRequest) async throws -> Int {
    try await context.run { try await $0.runExecute(request.bounded(by: $1)) }
  }

  /// Runs the query in the block; returns its rows.
  public func runFetchAll(_ request: StatementRequest) async throws -> [Row] {
    try await context.run { try await $0.runFetchAll(request.bounded(by: $1)) }
  }

  /// Runs the query in the block; returns its first row.
  public func runFetchOne(_ request: StatementRequest) async throws -> Row? {
    try await context.run { try await $0.runFetchOne(request.bounded(by: $1)) }
  }

  /// Runs a batch on the block's session (the caller has opened a savepoint for it).
  public func runBatch(_ batch: BatchStatement, _ rows: [[SQLValue]], timeout: Duration?) async throws -> Int {
    try await context.run { try await $0.runBatch(batch, rows, timeout: Self.earlier(timeout, $1)) }
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

  /// Opens a cursor over the query's rows in the block; the block's other
  /// statements wait until the cursor ends.
  public func openCursor(_ request: StatementRequest) async throws -> any RowCursor {
    try await context.turn.lock()
    do {
      try context.checkOpen()
      let cursor = try await context.session.runStream(request.bounded(by: try context.remaining()))
      return TurnHoldingCursor(cursor, turn: context.turn)
    } catch {
      context.turn.unlock()
      throw error
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
