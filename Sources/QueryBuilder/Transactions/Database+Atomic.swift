import Model

extension Database {
  /// Runs `body` atomically: in a transaction (BEGIN ... COMMIT) at the outermost
  /// level, in a savepoint (SAVEPOINT sp_n ... RELEASE) when nested, to any depth. If
  /// `body` throws, its own work is rolled back (ROLLBACK, or ROLLBACK TO + RELEASE)
  /// and the error rethrown unchanged; an enclosing transaction stays usable.
  ///
  /// ```swift
  /// try await db.atomic {
  ///   try await alice.insert(db)          // `db` inside the block runs in the block
  ///   try await db.atomic { try await order.insert(db) }   // a savepoint
  /// }
  /// try await db.atomic(isolation: .serializable, retry: 5) { ... }
  /// ```
  /// Statements run through this database by the block's task, and by child tasks it
  /// starts (`async let`, task groups), go to the block's connection, one at a time;
  /// `Task.detached` work runs outside. While a nested block is open, statements of
  /// tasks outside it wait.
  ///
  /// - Parameters:
  ///   - isolation, readOnly, deferrable: set with BEGIN at the outermost level; a
  ///     nested block may only repeat its transaction's values.
  ///   - durable: the block must be the outermost (its COMMIT makes it durable).
  ///   - retry: how many times to run the whole block again, in a new transaction,
  ///     when it fails with an error `retryPolicy` accepts (serialization failure,
  ///     deadlock, SQLite busy, a cached statement gone stale); outermost only.
  ///   - retryPolicy: which errors are retried, and the backoff between attempts.
  ///   - timeout: the block's budget: sent as `SET LOCAL statement_timeout` on
  ///     PostgreSQL and checked before every statement; a statement past it fails
  ///     with `.queryCanceled`.
  /// - Throws: what `body` throws (the last attempt's, with retry);
  ///   ``MisuseError`` before any SQL for options a nested block cannot take;
  ///   ``TransactionFailure`` when rolling back failed too; ``CommitOutcomeUnknown``
  ///   when the connection was lost during COMMIT; ``DatabaseError`` from BEGIN/COMMIT;
  ///   the backend's wait-timeout error when no connection became free in time (it
  ///   names where the busy connections are held: `file` and `line` say where this
  ///   block is).
  @discardableResult
  public func atomic<T>(isolation: IsolationLevel? = nil, readOnly: Bool? = nil, deferrable: Bool? = nil,
                        durable: Bool = false, retry: Int = 0, retryPolicy: RetryPolicy = .default,
                        timeout: Duration? = nil, file: String = #fileID, line: Int = #line,
                        _ body: () async throws -> T) async throws -> T {
    let request = TransactionMachine.Request(
      options: TransactionOptions(isolation: isolation, readOnly: readOnly, deferrable: deferrable),
      durable: durable, retry: retry, nests: true, hasTimeout: timeout != nil)
    return try await runAtomic(request, timeout: timeout, retryPolicy: retryPolicy,
                               site: "an atomic block at \(file):\(line)") { _ in try await body() }
  }

  /// The same, with the block's handle: `db.atomic { tx in try await alice.insert(tx) }`.
  @discardableResult
  public func atomic<T>(isolation: IsolationLevel? = nil, readOnly: Bool? = nil, deferrable: Bool? = nil,
                        durable: Bool = false, retry: Int = 0, retryPolicy: RetryPolicy = .default,
                        timeout: Duration? = nil, file: String = #fileID, line: Int = #line,
                        _ body: (Transaction) async throws -> T) async throws -> T {
    let request = TransactionMachine.Request(
      options: TransactionOptions(isolation: isolation, readOnly: readOnly, deferrable: deferrable),
      durable: durable, retry: retry, nests: true, hasTimeout: timeout != nil)
    return try await runAtomic(request, timeout: timeout, retryPolicy: retryPolicy,
                               site: "an atomic block at \(file):\(line)", body)
  }

  /// A transaction that never nests (peewee's `transaction()`): like `atomic`
  /// at the outermost level, and a ``MisuseError`` inside any atomic block.
  @discardableResult
  public func transaction<T>(isolation: IsolationLevel? = nil, readOnly: Bool? = nil, deferrable: Bool? = nil,
                             retry: Int = 0, retryPolicy: RetryPolicy = .default, timeout: Duration? = nil,
                             file: String = #fileID, line: Int = #line,
                             _ body: (Transaction) async throws -> T) async throws -> T {
    let request = TransactionMachine.Request(
      options: TransactionOptions(isolation: isolation, readOnly: readOnly, deferrable: deferrable),
      retry: retry, nests: false, hasTimeout: timeout != nil)
    return try await runAtomic(request, timeout: timeout, retryPolicy: retryPolicy,
                               site: "a transaction at \(file):\(line)", body)
  }

  /// Whether the current task is inside an atomic block (or transaction) on this
  /// database; always true on an open transaction's handle.
  public var isInTransaction: Bool {
    enclosingContext.map { !$0.isEnded } ?? false
  }

  /// Runs `callback` after the current block's work commits with the outermost
  /// COMMIT; dropped if it is rolled back, or if a retry runs the block again.
  /// - Throws: ``MisuseError`` outside an atomic block.
  public func onCommit(_ callback: @escaping @Sendable () async -> Void) throws {
    try currentContext(for: "onCommit").onCommit(callback)
  }

  /// Runs `callback` once the outermost transaction is over, if the current block's
  /// work was rolled back (dropped if a retry runs the block again).
  /// - Throws: ``MisuseError`` outside an atomic block.
  public func onRollback(_ callback: @escaping @Sendable () async -> Void) throws {
    try currentContext(for: "onRollback").onRollback(callback)
  }

  /// The block a new atomic block here nests in: the current task's innermost block on
  /// this database, or, for a transaction's handle, that transaction (or the task's
  /// innermost block nested in it).
  private var enclosingContext: TransactionContext? {
    let scoped = TransactionScope.context(for: sessionKey)
    guard let held = (self as? any TransactionHolding)?.heldContext else { return scoped }
    if let scoped, scoped.descends(from: held) { return scoped }
    return held
  }

  private func currentContext(for call: String) throws -> TransactionContext {
    guard let context = enclosingContext, !context.isEnded else {
      throw MisuseError("\(call) is only possible inside an atomic block on this database")
    }
    return context
  }

  // MARK: The machinery: the rules are TransactionMachine's; this only carries them out.

  private func runAtomic<T>(_ request: TransactionMachine.Request, timeout: Duration?, retryPolicy: RetryPolicy,
                            site: String, _ body: (Transaction) async throws -> T) async throws -> T {
    if let parent = enclosingContext, !parent.isEnded {
      return try await runNested(in: parent, request, timeout: timeout, site: site, body)
    }
    let heldEnded = (self as? any TransactionHolding)?.heldContext.isEnded ?? false
    let (machine, first) = TransactionMachine.outermost(request, dialect: dialect, heldTransactionEnded: heldEnded)
    var driver = TransactionDriver(core: TransactionCore(machine), database: self, site: site, timeout: timeout,
                                   retryPolicy: retryPolicy)
    return try await run(body, with: &driver, from: first)
  }

  /// A nested block: SAVEPOINT, the block, RELEASE or ROLLBACK TO + RELEASE. It holds
  /// its parent's turn throughout, so tasks outside it wait.
  private func runNested<T>(in parent: TransactionContext, _ request: TransactionMachine.Request, timeout: Duration?,
                            site: String, _ body: (Transaction) async throws -> T) async throws -> T {
    if let misuse = TransactionMachine.nestedMisuse(request, in: parent.options) { throw MisuseError(misuse) }
    try await parent.turn.lock()
    defer { parent.turn.unlock() }
    let (block, first) = parent.core.update { $0.beginNested(request) }
    var driver = TransactionDriver(core: parent.core, database: self, site: site, timeout: nil,
                                   context: block.map {
                                     TransactionContext(core: parent.core, block: $0, session: parent.session,
                                                        parent: parent, timeout: timeout)
                                   })
    return try await run(body, with: &driver, from: first)
  }

  /// Runs the machine from `first`, and `body` whenever it asks (again, on a retry);
  /// then the callbacks due, and returns the block's value or throws.
  private func run<T>(_ body: (Transaction) async throws -> T, with driver: inout TransactionDriver,
                      from first: TransactionMachine.Action) async throws -> T {
    var value: T?
    var stop = await driver.run(from: first)
    while case .runBody(let context) = stop {
      let ended: TransactionMachine.Action
      do {
        value = try await TransactionScope.$current.withValue(TransactionScope.current.with(context, for: sessionKey)) {
          try await body(Transaction(context: context, database: self))
        }
        ended = await driver.blockEnded(throwing: nil)
      } catch {
        value = nil
        ended = await driver.blockEnded(throwing: error)
      }
      stop = await driver.run(from: ended)
    }
    guard case .finished(let error, let callbacks) = stop else { throw MisuseError("internal: a block left unfinished") }
    for callback in callbacks { await callback() }
    if let error { throw error }
    guard let value else { throw MisuseError("internal: a committed block without its value") }
    return value
  }
}
