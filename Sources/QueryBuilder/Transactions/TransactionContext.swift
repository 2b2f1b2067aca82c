import Model
import Synchronization

/// One open atomic block (the outermost transaction or a savepoint inside it), shared
/// by every task that runs statements in it.
///
/// Statements of the block's tasks (its own, and child tasks that inherit the task
/// local) take turns through `turn`; a nested block holds its parent's turn for its
/// whole life, so statements of tasks outside it wait until it has ended, and a
/// ROLLBACK TO SAVEPOINT never undoes a sibling's work.
final class TransactionContext: Sendable {
  /// Callbacks registered with `onCommit` / `onRollback`.
  struct Callbacks: Sendable {
    /// To run if this block's work commits.
    var onCommit: [@Sendable () async -> Void] = []
    /// To run if this block's work is rolled back (by the outermost ROLLBACK).
    var onRollback: [@Sendable () async -> Void] = []
    /// Of nested blocks already rolled back: to run once the outermost transaction is
    /// over, whatever becomes of it.
    var rolledBack: [@Sendable () async -> Void] = []
  }

  private struct State {
    var isEnded = false
    var callbacks = Callbacks()
  }

  /// The held connection.
  let session: any DatabaseSession
  /// The enclosing block, nil for the outermost.
  let parent: TransactionContext?
  /// 1 for the outermost block, 2 for a block nested in it, ...
  let depth: Int
  /// The outermost block's options (nested blocks may only repeat them).
  let options: TransactionOptions
  /// When the block's time is up (the earliest of its own and its parents' deadlines).
  let deadline: ContinuousClock.Instant?
  /// The savepoint of a nested block (`sp_1` at depth 2, ...), nil for the outermost.
  var savepointName: String? { depth > 1 ? "sp_\(depth - 1)" : nil }

  /// Statements of the block's tasks take turns here.
  let turn = AsyncLock()
  private let state = Mutex(State())

  init(session: any DatabaseSession, parent: TransactionContext?, options: TransactionOptions,
       timeout: Duration?) {
    self.session = session
    self.parent = parent
    self.depth = (parent?.depth ?? 0) + 1
    self.options = parent?.options ?? options
    let own = timeout.map { ContinuousClock.now + $0 }
    switch (own, parent?.deadline) {
    case let (own?, inherited?): deadline = min(own, inherited)
    case let (own, inherited): deadline = own ?? inherited
    }
  }

  // MARK: Statements

  /// Runs `body` on the session when it is this block's turn, with what is left of
  /// the deadline.
  /// - Throws: ``MisuseError`` after the block ended; `.queryCanceled` when the
  ///   block's time is up; what `body` throws.
  func run<T>(_ body: (any DatabaseSession, Duration?) async throws -> T) async throws -> T {
    try await turn.lock()
    defer { turn.unlock() }
    try checkOpen()
    return try await body(session, try remaining())
  }

  /// What is left of the deadline (nil: none).
  /// - Throws: `.queryCanceled` when nothing is left.
  func remaining() throws -> Duration? {
    guard let deadline else { return nil }
    let left = deadline - .now
    guard left > .zero else {
      throw DatabaseError(code: .queryCanceled, message: "the atomic block's timeout ran out")
    }
    return left
  }

  /// Throws if the block has ended.
  func checkOpen() throws {
    if state.withLock({ $0.isEnded }) {
      throw MisuseError("a statement reached an atomic block (or transaction) after it ended; run it inside the block, or outside on the database")
    }
  }

  /// Whether the block has ended.
  var isEnded: Bool { state.withLock { $0.isEnded } }

  /// Ends the block once every statement in flight has finished: later statements
  /// routed to it fail. Returns its callbacks.
  func end() async -> Callbacks {
    await turn.lockIgnoringCancellation()
    defer { turn.unlock() }
    return state.withLock { state in
      state.isEnded = true
      defer { state.callbacks = Callbacks() }
      return state.callbacks
    }
  }

  // MARK: Callbacks

  /// Registers a callback to run after the outermost COMMIT, if this block's work is
  /// part of what commits.
  func onCommit(_ callback: @escaping @Sendable () async -> Void) throws {
    try state.withLock { state in
      guard !state.isEnded else { throw MisuseError("onCommit after the atomic block ended") }
      state.callbacks.onCommit.append(callback)
    }
  }

  /// Registers a callback to run once the outermost transaction is over, if this
  /// block's work was rolled back.
  func onRollback(_ callback: @escaping @Sendable () async -> Void) throws {
    try state.withLock { state in
      guard !state.isEnded else { throw MisuseError("onRollback after the atomic block ended") }
      state.callbacks.onRollback.append(callback)
    }
  }

  /// Hands a nested block's callbacks to this (its parent) block: as they were if it
  /// was released; if it was rolled back, its onCommit ones are dropped and its
  /// onRollback ones are due whatever happens next.
  func adopt(_ callbacks: Callbacks, released: Bool) {
    state.withLock { state in
      if released {
        state.callbacks.onCommit += callbacks.onCommit
        state.callbacks.onRollback += callbacks.onRollback
      } else {
        state.callbacks.rolledBack += callbacks.onRollback
      }
      state.callbacks.rolledBack += callbacks.rolledBack
    }
  }
}

/// The atomic blocks the current task is inside, one per database (a block on one
/// database does not capture statements on another).
struct TransactionScope: Sendable {
  private var contexts: [ObjectIdentifier: TransactionContext] = [:]

  /// The scope of the running task.
  @TaskLocal static var current = TransactionScope()

  /// The innermost block on the database with `key`, if the task is inside one that
  /// has not ended.
  static func context(for key: ObjectIdentifier) -> TransactionContext? {
    current.contexts[key]
  }

  /// This scope with `context` as the innermost block on `key`.
  func with(_ context: TransactionContext, for key: ObjectIdentifier) -> TransactionScope {
    var copy = self
    copy.contexts[key] = context
    return copy
  }
}
