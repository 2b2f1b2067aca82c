import Model

/// The rules of one transaction (an outermost atomic block and the blocks nested in
/// it, or a manual transaction), without any I/O: the async code feeds it events
/// (a session opened, a statement ran or failed, the block returned or threw, a
/// callback registered) and carries out the actions it returns (open a session, run
/// this SQL, run the block, release or discard the connection, finish with these
/// callbacks and this error, ask whether to retry).
///
/// Rules:
/// - The outermost block runs `BEGIN` (with its options; SQLite: `BEGIN IMMEDIATE`, or
///   `BEGIN DEFERRED` and `query_only` when read-only), a statement budget on
///   PostgreSQL when it has a timeout, the block, then `COMMIT`; a nested block runs
///   `SAVEPOINT sp_n`, the block, then `RELEASE`.
/// - A block that throws is rolled back (`ROLLBACK`; nested: `ROLLBACK TO` and
///   `RELEASE`) and its error rethrown unchanged; when rolling back fails too, both
///   errors are reported and the connection is discarded. A lost connection is not
///   rolled back (the server did) but discarded.
/// - A failed `COMMIT` is followed by a `ROLLBACK` (SQLite may keep the transaction
///   open) unless the connection was lost; which callbacks run follows what is known
///   of the outcome.
/// - `onCommit` callbacks of a block run after the outermost COMMIT if the block's
///   work is part of it; `onRollback` ones once the outermost transaction is over if
///   the block's work was rolled back. A retried attempt's callbacks are dropped.
/// - Nested blocks may only repeat the outermost block's options; `durable`, `retry`
///   and `transaction()` are outermost only; `retry` re-runs a whole failed attempt
///   when the retry policy accepts its error.
struct TransactionMachine: Sendable {
  /// Names a callback registered with ``register(_:in:)``; its closure is kept by the caller.
  typealias CallbackID = Int
  /// Names one block (the outermost or a nested one) for as long as the machine lives.
  typealias BlockID = Int

  /// What kind of callback.
  enum CallbackKind: Sendable { case onCommit, onRollback }

  /// What an atomic block asks for.
  struct Request: Sendable, Equatable {
    var options = TransactionOptions()
    var durable = false
    var retry = 0
    /// `atomic` (true) or `transaction` (false, never nests).
    var nests = true
    /// Whether the block has a timeout of its own.
    var hasTimeout = false
  }

  /// How long a statement the machine asks for may take.
  enum Budget: Sendable, Equatable {
    /// What is left of the block's time; the statement fails at once when nothing is.
    case block
    /// What is left of the block's time if any, else no limit.
    case leftover
    /// No limit, and the caller's cancellation does not cut it short: cleanup.
    case cleanup
  }

  /// Which error the caller throws when the machine finishes with a failure.
  enum Failure: Sendable, Equatable {
    /// What the block threw, unchanged.
    case blockError
    /// The error of the last statement (or session) the machine asked for.
    case statementError
    /// The block's (or first statement's) error and the rollback's, together
    /// (``TransactionFailure``); the connection was discarded.
    case rollbackFailed
    /// A misuse, refused before any SQL.
    case misuse(String)
  }

  /// What the caller must do next.
  enum Action: Sendable, Equatable {
    /// Open a session (a connection held for the transaction); report
    /// ``sessionOpened()`` or ``sessionFailed()``.
    case openSession
    /// Run a transaction-control statement; report ``executed()`` or
    /// ``failed(_:)``.
    case execute(SQL, Budget)
    /// Limit the transaction's statements to what is left of the block's time
    /// (`SET LOCAL statement_timeout`, PostgreSQL); report as for `execute`.
    case limitStatements
    /// COMMIT (where cancellation cannot cut it short); report ``executed()`` or
    /// ``commitFailed(_:)``.
    case commit
    /// Run the block (a manual transaction: hand the open transaction to the app);
    /// report ``blockReturned(_:)`` or ``blockThrew(_:in:)``.
    case runBody
    /// Give the connection back, or close it (`discard`); report ``released()``.
    case release(discard: Bool)
    /// Ask the retry policy about the attempt's error; report ``retryDecided(_:)``.
    case askRetry(Failure)
    /// Wait the retry policy's delay after attempt `attempt`, then report
    /// ``retryNow()``.
    case retry(after: Int)
    /// Done: run `callbacks` (in order), then return (failure nil) or throw.
    case finish(Failure?, callbacks: [CallbackID])
  }

  /// What is known of a failed statement's error.
  struct ErrorFacts: Sendable, Equatable {
    /// The connection is gone (`DatabaseError.isConnectionFatal`).
    var connectionLost = false
    /// A ``DatabaseError`` (a statement refused by the database), not a misuse or cancellation.
    var isDatabaseError = true
    /// For a COMMIT cut short by a lost connection: what became of the transaction.
    var commitOutcome: CommitOutcomeUnknown.Outcome?

    /// The facts of `error`.
    init(_ error: any Error) {
      let database = error as? DatabaseError
      let unknown = error as? CommitOutcomeUnknown
      connectionLost = database?.isConnectionFatal ?? false
      isDatabaseError = database != nil
      commitOutcome = unknown?.outcome
    }

    /// Facts spelled out (for tests).
    init(connectionLost: Bool = false, isDatabaseError: Bool = true, commitOutcome: CommitOutcomeUnknown.Outcome? = nil) {
      self.connectionLost = connectionLost
      self.isDatabaseError = isDatabaseError
      self.commitOutcome = commitOutcome
    }
  }

  /// One open block: the outermost (depth 1) or a nested one.
  private struct Block: Sendable {
    let id: BlockID
    var isOpen = true
    var onCommit: [CallbackID] = []
    var onRollback: [CallbackID] = []
  }

  /// Where the outermost level stands.
  private enum Phase: Sendable, Equatable {
    case opening
    case beginning(next: Int)
    case limiting
    case running
    case committing
    case rollingBackFailedCommit(ErrorFacts)
    /// `cause` nil: a rollback asked for (a manual transaction's), not a failure's.
    case rollingBack(cause: Failure?)
    case undoingSettings(next: Int, discard: Bool, then: Ending)
    case releasing(then: Ending)
    case askingRetry(Failure, callbacks: [CallbackID])
    case waitingToRetry
    case ended(Ending)
  }

  /// Where a nested block stands.
  private enum NestedPhase: Sendable, Equatable {
    case savepointing
    case running
    case releasing
    case rollingBackTo
    case releasingAfterRollback
  }

  /// How the transaction (or an attempt) ended.
  enum Ending: Sendable, Equatable {
    /// Committed, or rolled back as asked: nothing to throw.
    case succeeded(callbacks: [CallbackID])
    case failed(Failure, callbacks: [CallbackID])
  }

  let dialect: SQLDialect
  /// The outermost block's options; nested blocks may only repeat them.
  let options: TransactionOptions
  /// Whether this is a manual transaction (``Database/begin(isolation:readOnly:deferrable:file:line:)``).
  let isManual: Bool
  private let request: Request
  private var phase = Phase.opening
  /// Open blocks, outermost first.
  private var blocks: [Block] = []
  /// How far each nested block (by depth) has come.
  private var nested: [Int: NestedPhase] = [:]
  /// `onRollback` callbacks of nested blocks already rolled back: due once the
  /// outermost transaction is over, whatever becomes of it.
  private var rolledBack: [CallbackID] = []
  /// The attempt running now, from 1.
  private(set) var attempt = 1
  private var nextCallbackID = 0
  private var nextBlockID = 0
  /// How a manual transaction was ended by the app, for the misuse of ending it again.
  private var endedAs: String?

  // MARK: Starting

  /// The machine of an outermost atomic block, and its first action (`.openSession`,
  /// or `.finish` with a misuse).
  /// - Parameter heldTransactionEnded: the block is opened on a transaction's handle
  ///   whose transaction has ended.
  static func outermost(_ request: Request, dialect: SQLDialect,
                        heldTransactionEnded: Bool = false) -> (TransactionMachine, Action) {
    var machine = TransactionMachine(dialect: dialect, options: request.options, isManual: false, request: request)
    if let misuse = validateOutermost(request, heldTransactionEnded: heldTransactionEnded) {
      machine.phase = .ended(.failed(.misuse(misuse), callbacks: []))
      return (machine, .finish(.misuse(misuse), callbacks: []))
    }
    machine.openOutermost()
    return (machine, .openSession)
  }

  /// The machine of a manual transaction, and its first action.
  static func manual(_ options: TransactionOptions, dialect: SQLDialect) -> (TransactionMachine, Action) {
    var request = Request()
    request.options = options
    var machine = TransactionMachine(dialect: dialect, options: options, isManual: true, request: request)
    if let misuse = options.misuse {
      machine.phase = .ended(.failed(.misuse(misuse), callbacks: []))
      return (machine, .finish(.misuse(misuse), callbacks: []))
    }
    machine.openOutermost()
    return (machine, .openSession)
  }

  /// The outermost block: the one whose id ``outermostBlock`` is.
  private mutating func openOutermost() {
    nextBlockID += 1
    blocks = [Block(id: nextBlockID)]
  }

  /// The outermost block of the attempt running now.
  var outermostBlock: BlockID? { blocks.first?.id }

  private init(dialect: SQLDialect, options: TransactionOptions, isManual: Bool, request: Request) {
    self.dialect = dialect
    self.options = options
    self.isManual = isManual
    self.request = request
  }

  private static func validateOutermost(_ request: Request, heldTransactionEnded: Bool) -> String? {
    if let misuse = request.options.misuse { return misuse }
    if heldTransactionEnded { return "atomic on a transaction that has already ended" }
    if request.retry < 0 { return "retry must not be negative" }
    return nil
  }

  /// What is wrong with `request` for a block nested in a transaction with `outer`
  /// options, if anything: checked before the block waits for its turn.
  static func nestedMisuse(_ request: Request, in outer: TransactionOptions) -> String? {
    if let misuse = request.options.misuse { return misuse }
    if !request.nests {
      return "transaction() never nests, and this task is already inside an atomic block; use atomic() to nest"
    }
    if request.durable { return "atomic(durable: true) inside another atomic block: its COMMIT would not be durable" }
    if request.retry > 0 { return "retry is only possible on the outermost atomic block (a savepoint cannot be retried alone)" }
    return request.options.misuseNested(in: outer)
  }

  /// Opens a block nested in the innermost open one: its id, and `.execute`
  /// (SAVEPOINT) or `.finish` with a misuse (id nil).
  mutating func beginNested(_ request: Request) -> (block: BlockID?, action: Action) {
    if let misuse = Self.nestedMisuse(request, in: options) {
      return (nil, .finish(.misuse(misuse), callbacks: []))
    }
    guard phase == .running, let innermost = blocks.last, innermost.isOpen else {
      return (nil, .finish(.misuse(Self.endedMessage), callbacks: []))
    }
    nextBlockID += 1
    blocks.append(Block(id: nextBlockID))
    let depth = blocks.count
    nested[depth] = .savepointing
    return (nextBlockID, .execute(TransactionSQL.savepoint(Self.savepointName(depth)), .block))
  }

  /// The savepoint of the block at `depth` (2 and deeper): `sp_1`, `sp_2`, ...
  static func savepointName(_ depth: Int) -> String { "sp_\(depth - 1)" }

  static let endedMessage = "a statement reached an atomic block (or transaction) after it ended; run it inside the block, or outside on the database"

  // MARK: Queries

  /// Whether `block` is open (statements may run in it).
  func isOpen(_ block: BlockID) -> Bool {
    !isOver && blocks.contains { $0.id == block && $0.isOpen }
  }

  /// The depth of `block` (1: the outermost), if it is open or being ended.
  func depth(of block: BlockID) -> Int? {
    blocks.firstIndex { $0.id == block }.map { $0 + 1 }
  }

  /// Whether the transaction is over (committed, rolled back, or being ended).
  var isOver: Bool {
    switch phase {
    case .opening, .beginning, .limiting, .running: false
    default: true
    }
  }



  // MARK: Callbacks

  /// Registers a callback of `block`.
  /// - Returns: its id, or the misuse when the block has ended.
  mutating func register(_ kind: CallbackKind, in block: BlockID) -> Result<CallbackID, MisuseError> {
    guard !isOver, let index = blocks.firstIndex(where: { $0.id == block }), blocks[index].isOpen else {
      return .failure(MisuseError("\(kind == .onCommit ? "onCommit" : "onRollback") after the atomic block ended"))
    }
    nextCallbackID += 1
    switch kind {
    case .onCommit: blocks[index].onCommit.append(nextCallbackID)
    case .onRollback: blocks[index].onRollback.append(nextCallbackID)
    }
    return .success(nextCallbackID)
  }

  // MARK: Events of the outermost level

  /// The session is open.
  mutating func sessionOpened() -> Action {
    guard phase == .opening else { return unexpected("sessionOpened") }
    return beginNext(0)
  }

  /// No session could be had (a pool's timeout, a closed database): nothing to undo,
  /// not retried.
  mutating func sessionFailed() -> Action {
    guard phase == .opening else { return unexpected("sessionFailed") }
    blocks = []
    phase = .ended(.failed(.statementError, callbacks: []))
    return .finish(.statementError, callbacks: [])
  }

  private mutating func beginNext(_ index: Int) -> Action {
    let statements = TransactionSQL.begin(options, dialect)
    if index < statements.count {
      phase = .beginning(next: index + 1)
      return .execute(statements[index], .block)
    }
    if request.hasTimeout && dialect == .postgres {
      phase = .limiting
      return .limitStatements
    }
    phase = .running
    return .runBody
  }

  /// The statement asked for ran.
  mutating func executed() -> Action {
    if let depth = activeNestedDepth { return nestedExecuted(depth) }
    switch phase {
    case .beginning(let next): return beginNext(next)
    case .limiting:
      phase = .running
      return .runBody
    case .committing:
      return undoSettings(from: 0, discard: false, then: .succeeded(callbacks: dueOnCommit))
    case .rollingBackFailedCommit(let facts):
      return release(discard: false, then: commitFailure(facts))
    case .rollingBack(let cause):
      let ending: Ending = cause.map { .failed($0, callbacks: dueOnRollback) } ?? .succeeded(callbacks: dueOnRollback)
      return undoSettings(from: 0, discard: false, then: ending)
    case .undoingSettings(let next, let discard, let then):
      return undoSettings(from: next, discard: discard, then: then)
    default:
      return unexpected("executed")
    }
  }

  /// The statement asked for failed with an error of `facts`.
  mutating func failed(_ facts: ErrorFacts) -> Action {
    if let depth = activeNestedDepth { return nestedFailed(depth) }
    switch phase {
    case .beginning(let next):
      // A multi-statement BEGIN half done is undone by discarding; a connection in an
      // unknown state is not reused.
      let discard = next > 1 || facts.connectionLost || !facts.isDatabaseError
      blocks = []
      return release(discard: discard, then: .failed(.statementError, callbacks: []))
    case .limiting:
      return rollBack(cause: .statementError, facts)
    case .committing:
      return commitFailed(facts)
    case .rollingBackFailedCommit(let commitFacts):
      return release(discard: false, then: commitFailure(commitFacts))
    case .rollingBack(let cause):
      // A rollback asked for reports its own error; a failure's comes with it.
      return release(discard: true, then: .failed(cause == nil ? .statementError : .rollbackFailed, callbacks: dueOnRollback))
    case .undoingSettings(let next, _, let then):
      return undoSettings(from: next, discard: true, then: then)
    default:
      return unexpected("failed")
    }
  }

  /// `block` returned: commit (the outermost) or release its savepoint. For a manual
  /// transaction: `commit()`.
  mutating func blockReturned(_ block: BlockID) -> Action {
    if let depth = depth(of: block), depth > 1 { return nestedReturned(depth) }
    guard phase == .running, blocks.count == 1, blocks[0].id == block, blocks[0].isOpen else {
      return isManual ? manualEndedMisuse : unexpected("blockReturned")
    }
    blocks[0].isOpen = false
    endedAs = "committed"
    phase = .committing
    return .commit
  }

  /// COMMIT failed with an error of `facts`.
  mutating func commitFailed(_ facts: ErrorFacts) -> Action {
    guard phase == .committing else { return unexpected("commitFailed") }
    // A failed COMMIT ends the transaction on PostgreSQL; on SQLite (busy) it can
    // leave it open: ROLLBACK covers that, unless the connection is gone.
    if facts.connectionLost || facts.commitOutcome != nil {
      return release(discard: true, then: commitFailure(facts))
    }
    phase = .rollingBackFailedCommit(facts)
    return .execute(TransactionSQL.rollback, .cleanup)
  }

  /// Which callbacks are due after a failed COMMIT, by what is known of its outcome.
  private func commitFailure(_ facts: ErrorFacts) -> Ending {
    switch facts.commitOutcome {
    case .committed?: .failed(.statementError, callbacks: dueOnCommit)
    // Neither known to have committed nor to have rolled back.
    case .unknown?: .failed(.statementError, callbacks: rolledBack)
    case .aborted?, nil: .failed(.statementError, callbacks: dueOnRollback)
    }
  }

  /// `block` threw an error of `facts`: roll it back.
  mutating func blockThrew(_ facts: ErrorFacts, in block: BlockID) -> Action {
    if let depth = depth(of: block), depth > 1 { return nestedThrew(facts, depth) }
    guard phase == .running, blocks.count == 1, blocks[0].id == block, blocks[0].isOpen else {
      return unexpected("blockThrew")
    }
    return rollBack(cause: .blockError, facts)
  }

  /// A manual transaction's `rollback()`.
  mutating func rollbackRequested() -> Action {
    guard phase == .running, blocks.count == 1, blocks[0].isOpen else { return manualEndedMisuse }
    endedAs = "rolled back"
    return rollBack(cause: nil, ErrorFacts())
  }

  /// A manual transaction dropped while open: roll back and give the connection back.
  mutating func abandoned() -> Action {
    guard phase == .running, blocks.count == 1, blocks[0].isOpen else { return .finish(nil, callbacks: []) }
    endedAs = "dropped"
    return rollBack(cause: nil, ErrorFacts())
  }

  private var manualEndedMisuse: Action {
    .finish(.misuse("the transaction was already \(endedAs ?? "ended")"), callbacks: [])
  }

  private mutating func rollBack(cause: Failure?, _ facts: ErrorFacts) -> Action {
    blocks[0].isOpen = false
    if facts.connectionLost {
      let ending: Ending = cause.map { .failed($0, callbacks: dueOnRollback) } ?? .succeeded(callbacks: dueOnRollback)
      return release(discard: true, then: ending)
    }
    phase = .rollingBack(cause: cause)
    return .execute(TransactionSQL.rollback, .cleanup)
  }

  /// Runs what undoes BEGIN's connection settings, from statement `index`, then releases.
  private mutating func undoSettings(from index: Int, discard: Bool, then ending: Ending) -> Action {
    let statements = TransactionSQL.afterEnd(options, dialect)
    guard index < statements.count else { return release(discard: discard, then: ending) }
    phase = .undoingSettings(next: index + 1, discard: discard, then: ending)
    return .execute(statements[index], .cleanup)
  }

  private mutating func release(discard: Bool, then ending: Ending) -> Action {
    phase = .releasing(then: ending)
    return .release(discard: discard)
  }

  /// The connection was given back (or closed).
  mutating func released() -> Action {
    guard case .releasing(let ending) = phase else { return unexpected("released") }
    blocks = []
    nested = [:]
    switch ending {
    case .succeeded(let callbacks):
      phase = .ended(ending)
      return .finish(nil, callbacks: callbacks)
    case .failed(let failure, let callbacks):
      if !isManual, attempt <= request.retry {
        phase = .askingRetry(failure, callbacks: callbacks)
        return .askRetry(failure)
      }
      phase = .ended(ending)
      return .finish(failure, callbacks: callbacks)
    }
  }

  /// The retry policy's answer about the failed attempt's error.
  mutating func retryDecided(_ retry: Bool) -> Action {
    guard case .askingRetry(let failure, let callbacks) = phase else { return unexpected("retryDecided") }
    if retry {
      // The attempt's callbacks are dropped: only the last attempt's run.
      phase = .waitingToRetry
      return .retry(after: attempt)
    }
    phase = .ended(.failed(failure, callbacks: callbacks))
    return .finish(failure, callbacks: callbacks)
  }

  /// The retry delay has passed: the next attempt starts.
  mutating func retryNow() -> Action {
    guard phase == .waitingToRetry else { return unexpected("retryNow") }
    attempt += 1
    rolledBack = []
    openOutermost()
    phase = .opening
    return .openSession
  }

  // MARK: Nested blocks

  /// The innermost nested block that is being opened or ended (its statements are
  /// the ones reported), if any.
  private var activeNestedDepth: Int? {
    guard blocks.count > 1, let phase = nested[blocks.count], phase != .running else { return nil }
    return blocks.count
  }

  private mutating func nestedExecuted(_ depth: Int) -> Action {
    let name = Self.savepointName(depth)
    switch nested[depth] {
    case .savepointing?:
      nested[depth] = .running
      return .runBody
    case .releasing?:
      closeNested(depth, released: true)
      return .finish(nil, callbacks: [])
    case .rollingBackTo?:
      nested[depth] = .releasingAfterRollback
      return .execute(TransactionSQL.release(name), .cleanup)
    case .releasingAfterRollback?:
      closeNested(depth, released: false)
      return .finish(.blockError, callbacks: [])
    case .running?, nil:
      return unexpected("executed (nested)")
    }
  }

  private mutating func nestedFailed(_ depth: Int) -> Action {
    switch nested[depth] {
    case .savepointing?:
      // Nothing to undo; the block never ran.
      closeNested(depth, released: false)
      return .finish(.statementError, callbacks: [])
    case .releasing?:
      closeNested(depth, released: false)
      return .finish(.statementError, callbacks: [])
    case .rollingBackTo?, .releasingAfterRollback?:
      closeNested(depth, released: false)
      return .finish(.rollbackFailed, callbacks: [])
    case .running?, nil:
      return unexpected("failed (nested)")
    }
  }

  private mutating func nestedReturned(_ depth: Int) -> Action {
    guard depth == blocks.count, nested[depth] == .running else { return unexpected("blockReturned (nested)") }
    blocks[depth - 1].isOpen = false
    nested[depth] = .releasing
    return .execute(TransactionSQL.release(Self.savepointName(depth)), .leftover)
  }

  private mutating func nestedThrew(_ facts: ErrorFacts, _ depth: Int) -> Action {
    guard depth == blocks.count, nested[depth] == .running else { return unexpected("blockThrew (nested)") }
    blocks[depth - 1].isOpen = false
    if facts.connectionLost {
      closeNested(depth, released: false)
      return .finish(.blockError, callbacks: [])
    }
    nested[depth] = .rollingBackTo
    return .execute(TransactionSQL.rollback(to: Self.savepointName(depth)), .cleanup)
  }

  /// Ends the nested block at `depth`, handing its callbacks to its parent: as they
  /// were if it was released; if it was rolled back, its onCommit ones are dropped and
  /// its onRollback ones are due whatever happens next.
  private mutating func closeNested(_ depth: Int, released: Bool) {
    let block = blocks.removeLast()
    nested[depth] = nil
    if released {
      blocks[depth - 2].onCommit += block.onCommit
      blocks[depth - 2].onRollback += block.onRollback
    } else {
      rolledBack += block.onRollback
    }
  }

  // MARK: Due callbacks

  /// After the outermost COMMIT: every onCommit that survived, and the onRollback of
  /// nested blocks rolled back on the way.
  private var dueOnCommit: [CallbackID] { (blocks.first?.onCommit ?? []) + rolledBack }

  /// After the outermost ROLLBACK: every onRollback.
  private var dueOnRollback: [CallbackID] { (blocks.first?.onRollback ?? []) + rolledBack }

  /// An event the machine did not expect where it stands: a bug of the caller,
  /// reported rather than trapped.
  private func unexpected(_ event: String) -> Action {
    .finish(.misuse("internal: the transaction machine got \(event) in \(phase)"), callbacks: [])
  }
}
