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
    let options = TransactionOptions(isolation: isolation, readOnly: readOnly, deferrable: deferrable)
    return try await runAtomic(options, durable: durable, retry: retry, retryPolicy: retryPolicy,
                               timeout: timeout, nests: true, site: "an atomic block at \(file):\(line)") { _ in try await body() }
  }

  /// The same, with the block's handle: `db.atomic { tx in try await alice.insert(tx) }`.
  @discardableResult
  public func atomic<T>(isolation: IsolationLevel? = nil, readOnly: Bool? = nil, deferrable: Bool? = nil,
                        durable: Bool = false, retry: Int = 0, retryPolicy: RetryPolicy = .default,
                        timeout: Duration? = nil, file: String = #fileID, line: Int = #line,
                        _ body: (Transaction) async throws -> T) async throws -> T {
    let options = TransactionOptions(isolation: isolation, readOnly: readOnly, deferrable: deferrable)
    return try await runAtomic(options, durable: durable, retry: retry, retryPolicy: retryPolicy,
                               timeout: timeout, nests: true, site: "an atomic block at \(file):\(line)", body)
  }

  /// A transaction that never nests (peewee's `transaction()`): like `atomic`
  /// at the outermost level, and a ``MisuseError`` inside any atomic block.
  @discardableResult
  public func transaction<T>(isolation: IsolationLevel? = nil, readOnly: Bool? = nil, deferrable: Bool? = nil,
                             retry: Int = 0, retryPolicy: RetryPolicy = .default, timeout: Duration? = nil,
                             file: String = #fileID, line: Int = #line,
                             _ body: (Transaction) async throws -> T) async throws -> T {
    let options = TransactionOptions(isolation: isolation, readOnly: readOnly, deferrable: deferrable)
    return try await runAtomic(options, durable: false, retry: retry, retryPolicy: retryPolicy,
                               timeout: timeout, nests: false, site: "a transaction at \(file):\(line)", body)
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

  // MARK: The machinery

  private func runAtomic<T>(_ options: TransactionOptions, durable: Bool, retry: Int, retryPolicy: RetryPolicy,
                            timeout: Duration?, nests: Bool, site: String,
                            _ body: (Transaction) async throws -> T) async throws -> T {
    try options.validate()
    if let parent = enclosingContext, !parent.isEnded {
      guard nests else {
        throw MisuseError("transaction() never nests, and this task is already inside an atomic block; use atomic() to nest")
      }
      if durable { throw MisuseError("atomic(durable: true) inside another atomic block: its COMMIT would not be durable") }
      if retry > 0 { throw MisuseError("retry is only possible on the outermost atomic block (a savepoint cannot be retried alone)") }
      try options.validateNested(in: parent.options)
      return try await runNested(in: parent, timeout: timeout, body)
    }
    if let held = (self as? any TransactionHolding)?.heldContext, held.isEnded {
      throw MisuseError("atomic on a transaction that has already ended")
    }
    guard retry >= 0 else { throw MisuseError("retry must not be negative") }
    var attempt = 1
    while true {
      do {
        return try await runOutermost(options, timeout: timeout, site: site, body)
      } catch let failed as EndedTransaction {
        // A retried attempt's callbacks are dropped: only the last attempt's run.
        if attempt <= retry && retryPolicy.shouldRetry(failed.error) {
          try await Task.sleep(for: retryPolicy.delay(after: attempt))
          attempt += 1
          continue
        }
        try await failed.runCallbacksAndThrow()
      }
    }
  }

  /// One attempt at the outermost level: BEGIN, the block, COMMIT or ROLLBACK.
  private func runOutermost<T>(_ options: TransactionOptions, timeout: Duration?, site: String,
                               _ body: (Transaction) async throws -> T) async throws -> T {
    let session = try await ConnectionRequest.$site.withValue(site) { try await openSession() }
    let context = TransactionContext(session: session, parent: nil, options: options, timeout: timeout)
    do {
      for statement in TransactionSQL.begin(options, dialect) {
        _ = try await session.execute(statement, timeout: try context.remaining())
      }
    } catch {
      // BEGIN failed: no transaction to undo (a multi-statement BEGIN is undone by
      // discarding), but a connection in an unknown state is not reused.
      let begun = TransactionSQL.begin(options, dialect).count > 1
      await session.release(discard: begun || TransactionContext.isConnectionLost(error) || !(error is DatabaseError))
      throw EndedTransaction(error: error, callbacks: [])
    }
    let value: T
    do {
      if let remaining = try context.remaining(), let limit = TransactionSQL.statementTimeout(remaining, dialect) {
        _ = try await session.execute(limit, timeout: remaining)
      }
      value = try await TransactionScope.$current.withValue(TransactionScope.current.with(context, for: sessionKey)) {
        try await body(Transaction(context: context, database: self))
      }
    } catch {
      let due = try await context.rollbackAndRelease(await context.end(), after: error)
      throw EndedTransaction(error: error, callbacks: due)
    }
    let due = try await context.commitAndRelease(await context.end())
    await Self.run(due)
    return value
  }

  /// A nested block: SAVEPOINT, the block, RELEASE or ROLLBACK TO + RELEASE. It holds
  /// its parent's turn throughout, so tasks outside it wait.
  private func runNested<T>(in parent: TransactionContext, timeout: Duration?,
                            _ body: (Transaction) async throws -> T) async throws -> T {
    try await parent.turn.lock()
    defer { parent.turn.unlock() }
    try parent.checkOpen()
    let context = TransactionContext(session: parent.session, parent: parent, options: parent.options, timeout: timeout)
    guard let name = context.savepointName else { throw MisuseError("internal: a nested block without a savepoint") }
    let session = parent.session
    _ = try await session.execute(TransactionSQL.savepoint(name), timeout: try context.remaining())
    let value: T
    do {
      value = try await TransactionScope.$current.withValue(TransactionScope.current.with(context, for: sessionKey)) {
        try await body(Transaction(context: context, database: self))
      }
    } catch {
      let callbacks = await context.end()
      parent.adopt(callbacks, released: false)
      if TransactionContext.isConnectionLost(error) { throw error }
      do {
        try await runIgnoringCancellation {
          _ = try await session.execute(TransactionSQL.rollback(to: name), timeout: nil)
          _ = try await session.execute(TransactionSQL.release(name), timeout: nil)
        }
      } catch let rollbackError {
        throw TransactionFailure(blockError: error, rollbackError: rollbackError)
      }
      throw error
    }
    let callbacks = await context.end()
    do {
      _ = try await session.execute(TransactionSQL.release(name), timeout: try? context.remaining())
    } catch {
      parent.adopt(callbacks, released: false)
      throw error
    }
    parent.adopt(callbacks, released: true)
    return value
  }

  private static func run(_ callbacks: [@Sendable () async -> Void]) async {
    for callback in callbacks { await callback() }
  }
}
