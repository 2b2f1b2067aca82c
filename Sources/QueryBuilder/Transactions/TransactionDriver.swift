import Model

/// Carries out a ``TransactionMachine``'s actions: the one place where a transaction's
/// own statements (BEGIN, SAVEPOINT, COMMIT, ROLLBACK, ...) run and its connection is
/// taken and given back. It decides nothing; it reports each outcome back to the
/// machine as an event. Outermost blocks, nested blocks and manual transactions all
/// run through it.
struct TransactionDriver {
  /// Why ``run(from:)`` returned.
  enum Stop {
    /// The machine wants the block run in `context` (a manual transaction: it is open).
    case runBody(TransactionContext)
    /// The machine finished: run `callbacks` in order, then return, or throw `error`.
    case finished(error: (any Error)?, callbacks: [@Sendable () async -> Void])
  }

  let core: TransactionCore
  /// The database to open the session on (nil when the session is open already).
  let database: (any Database)?
  /// Who asks for the connection, for the backends' wait-timeout errors.
  let site: String
  /// The outermost block's own time limit.
  let timeout: Duration?
  let retryPolicy: RetryPolicy
  /// The block being run or ended (the outermost one once its session is open).
  private(set) var context: TransactionContext?
  /// What the block threw, if it threw.
  private var blockError: (any Error)?
  /// The errors of the machine's statements that failed, in order.
  private var statementErrors: [any Error] = []

  init(core: TransactionCore, database: (any Database)?, site: String, timeout: Duration?,
       retryPolicy: RetryPolicy = .default, context: TransactionContext? = nil) {
    self.core = core
    self.database = database
    self.site = site
    self.timeout = timeout
    self.retryPolicy = retryPolicy
    self.context = context
  }

  /// Carries out `first` and every action after it, until the machine wants the block
  /// run or has finished.
  mutating func run(from first: TransactionMachine.Action) async -> Stop {
    var action = first
    while true {
      switch action {
      case .openSession:
        action = await openSession()
      case .execute(let sql, let budget):
        action = await execute(sql, budget)
      case .limitStatements:
        action = await limitStatements()
      case .commit:
        action = await commit()
      case .runBody:
        guard let context else { return internalFailure("a block to run without a session") }
        return .runBody(context)
      case .release(let discard):
        if let session = context?.session { await session.release(discard: discard) }
        action = core.step { $0.released() }
      case .askRetry(let failure):
        let retry = retryPolicy.shouldRetry(error(for: failure))
        action = core.step { $0.retryDecided(retry) }
      case .retry(let attempt):
        do {
          try await Task.sleep(for: retryPolicy.delay(after: attempt))
        } catch {
          return .finished(error: error, callbacks: [])
        }
        core.dropCallbacks()
        blockError = nil
        statementErrors = []
        context = nil
        action = core.step { $0.retryNow() }
      case .finish(let failure, let callbacks):
        return .finished(error: failure.map(error(for:)), callbacks: core.takeCallbacks(callbacks))
      }
    }
  }

  /// Reports what the block did: it returned, or threw `error`.
  mutating func blockEnded(throwing error: (any Error)?) async -> TransactionMachine.Action {
    guard let context else { return .finish(.misuse("internal: a block ended without a context"), callbacks: []) }
    guard let error else { return await context.end { $0.blockReturned(context.block) } }
    blockError = error
    return await context.end { $0.blockThrew(.init(error), in: context.block) }
  }

  // MARK: Actions

  private mutating func openSession() async -> TransactionMachine.Action {
    guard let database else { return .finish(.misuse("internal: a session to open without a database"), callbacks: []) }
    do {
      let session = try await ConnectionRequest.$site.withValue(site) { try await database.openSession() }
      guard let block = core.update({ $0.outermostBlock }) else {
        await session.release(discard: false)
        return .finish(.misuse("internal: a session for a transaction without a block"), callbacks: [])
      }
      context = TransactionContext(core: core, block: block, session: session, parent: nil, timeout: timeout)
      return core.step { $0.sessionOpened() }
    } catch {
      statementErrors.append(error)
      return core.step { $0.sessionFailed() }
    }
  }

  private mutating func execute(_ sql: SQL, _ budget: TransactionMachine.Budget) async -> TransactionMachine.Action {
    guard let context else { return .finish(.misuse("internal: a statement without a session"), callbacks: []) }
    let session = context.session
    do {
      switch budget {
      case .block:
        _ = try await session.execute(sql, timeout: try context.remaining())
      case .leftover:
        _ = try await session.execute(sql, timeout: try? context.remaining())
      case .cleanup:
        try await runIgnoringCancellation { _ = try await session.execute(sql, timeout: nil) }
      }
      return core.step { $0.executed() }
    } catch {
      statementErrors.append(error)
      return core.step { $0.failed(.init(error)) }
    }
  }

  private mutating func limitStatements() async -> TransactionMachine.Action {
    guard let context else { return .finish(.misuse("internal: a statement without a session"), callbacks: []) }
    do {
      if let remaining = try context.remaining(),
         let limit = TransactionSQL.statementTimeout(remaining, context.session.dialect) {
        _ = try await context.session.execute(limit, timeout: remaining)
      }
      return core.step { $0.executed() }
    } catch {
      statementErrors.append(error)
      return core.step { $0.failed(.init(error)) }
    }
  }

  private mutating func commit() async -> TransactionMachine.Action {
    guard let session = context?.session else { return .finish(.misuse("internal: COMMIT without a session"), callbacks: []) }
    do {
      if Task.isCancelled {
        // The work is done: commit it even so, where cancellation cannot cut COMMIT short.
        try await runIgnoringCancellation { try await session.commit() }
      } else {
        try await session.commit()
      }
      return core.step { $0.executed() }
    } catch {
      statementErrors.append(error)
      return core.step { $0.commitFailed(.init(error)) }
    }
  }

  // MARK: Errors

  /// The error the machine's `failure` names.
  private func error(for failure: TransactionMachine.Failure) -> any Error {
    switch failure {
    case .blockError:
      return blockError ?? MisuseError("internal: the transaction machine reported a block error, but the block threw none")
    case .statementError:
      return statementErrors.first ?? MisuseError("internal: the transaction machine reported a failed statement, but none failed")
    case .rollbackFailed:
      let cause = blockError ?? statementErrors.first
      guard let cause, let rollbackError = statementErrors.last else {
        return MisuseError("internal: the transaction machine reported a failed rollback, but none failed")
      }
      return TransactionFailure(blockError: cause, rollbackError: rollbackError)
    case .misuse(let message):
      return MisuseError(message)
    }
  }

  private func internalFailure(_ what: String) -> Stop {
    .finished(error: MisuseError("internal: \(what)"), callbacks: [])
  }
}

/// Runs work in a task of its own, so that it runs to the end even when the calling
/// task was cancelled (a new unstructured task does not inherit cancellation; it does
/// inherit task-local values): for cleanup that must happen.
func runIgnoringCancellation(_ work: @escaping @Sendable () async throws -> Void) async throws {
  try await Task { try await work() }.value
}
