import Model
import Synchronization

/// One open atomic block (the outermost transaction or a savepoint inside it), shared
/// by every task that runs statements in it.
///
/// Statements of the block's tasks (its own, and child tasks that inherit the task
/// local) take turns through `turn`; a nested block holds its parent's turn for its
/// whole life, so statements of tasks outside it wait until it has ended, and a
/// ROLLBACK TO SAVEPOINT never undoes a sibling's work. Whether the block is open, and
/// its callbacks, are the transaction's ``TransactionMachine``'s, kept by `core`.
final class TransactionContext: Sendable {
  /// The transaction this block belongs to.
  let core: TransactionCore
  /// This block in the transaction's machine.
  let block: TransactionMachine.BlockID
  /// The held connection.
  let session: any DatabaseSession
  /// The enclosing block, nil for the outermost.
  let parent: TransactionContext?
  /// When the block's time is up (the earliest of its own and its parents' deadlines).
  let deadline: ContinuousClock.Instant?
  /// Statements of the block's tasks take turns here.
  let turn = AsyncLock()

  init(core: TransactionCore, block: TransactionMachine.BlockID, session: any DatabaseSession,
       parent: TransactionContext?, timeout: Duration?) {
    self.core = core
    self.block = block
    self.session = session
    self.parent = parent
    let own = timeout.map { ContinuousClock.now + $0 }
    switch (own, parent?.deadline) {
    case let (own?, inherited?): deadline = min(own, inherited)
    case let (own, inherited): deadline = own ?? inherited
    }
  }

  /// The outermost block's options.
  var options: TransactionOptions { core.options }

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
    if isEnded { throw MisuseError(TransactionMachine.endedMessage) }
  }

  /// Whether the block has ended.
  var isEnded: Bool { !core.isOpen(block) }

  /// Feeds the machine the end of the block's body once every statement in flight in
  /// the block has finished (later statements routed to it then fail).
  func end(_ event: (inout TransactionMachine) -> TransactionMachine.Action) async -> TransactionMachine.Action {
    await turn.lockIgnoringCancellation()
    defer { turn.unlock() }
    return core.step(event)
  }

  // MARK: Callbacks

  /// Registers a callback to run after the outermost COMMIT, if this block's work is
  /// part of what commits.
  func onCommit(_ callback: @escaping @Sendable () async -> Void) throws {
    try core.register(.onCommit, in: block, callback)
  }

  /// Registers a callback to run once the outermost transaction is over, if this
  /// block's work was rolled back.
  func onRollback(_ callback: @escaping @Sendable () async -> Void) throws {
    try core.register(.onRollback, in: block, callback)
  }

  /// Whether this block is `ancestor` or nested (at any depth) in it.
  func descends(from ancestor: TransactionContext) -> Bool {
    var block: TransactionContext? = self
    while let current = block {
      if current === ancestor { return true }
      block = current.parent
    }
    return false
  }
}

/// The atomic blocks the current task is inside, one per database (a block on one
/// database does not capture statements on another).
struct TransactionScope: Sendable {
  private var contexts: [ObjectIdentifier: TransactionContext] = [:]

  /// The scope of the running task.
  @TaskLocal static var current = TransactionScope()

  /// The innermost block on the database with `key`, if the task is inside one.
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
