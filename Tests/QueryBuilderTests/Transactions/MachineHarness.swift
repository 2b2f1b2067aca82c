@testable import QueryBuilder

/// Drives a ``TransactionMachine`` as the async code does, with scripted outcomes in
/// place of a database, and writes down what it was asked to do: a transcript such as
/// `["open", "BEGIN", "body", "COMMIT", "release", "done"]`.
struct MachineHarness {
  typealias Action = TransactionMachine.Action

  /// What a block does when run.
  enum BodyResult {
    case returns
    case throwsError(TransactionMachine.ErrorFacts = .init())
  }

  var machine: TransactionMachine
  let dialect: SQLDialect
  /// Statements (by their text, or `COMMIT`, `SET LOCAL`, `open`) that fail, each
  /// failure used once, in order.
  var failures: [String: [TransactionMachine.ErrorFacts]] = [:]
  /// The retry policy's answers, in order (false once they run out).
  var retryAnswers: [Bool] = []
  private(set) var log: [String] = []

  init(_ machine: TransactionMachine) {
    self.machine = machine
    self.dialect = machine.dialect
  }

  /// An outermost atomic block's harness and its first action.
  static func outermost(_ request: TransactionMachine.Request = .init(), _ dialect: SQLDialect,
                        heldTransactionEnded: Bool = false) -> (MachineHarness, Action) {
    let (machine, first) = TransactionMachine.outermost(request, dialect: dialect, heldTransactionEnded: heldTransactionEnded)
    return (MachineHarness(machine), first)
  }

  /// Makes `statement` fail once with `facts` (again for each call).
  mutating func fail(_ statement: String, _ facts: TransactionMachine.ErrorFacts = .init()) {
    failures[statement, default: []].append(facts)
  }

  private mutating func nextFailure(_ statement: String) -> TransactionMachine.ErrorFacts? {
    guard var queue = failures[statement], !queue.isEmpty else { return nil }
    let facts = queue.removeFirst()
    failures[statement] = queue
    return facts
  }

  private mutating func note(_ entry: String) { log.append(entry) }

  /// Carries out actions from `first` until the machine finishes (or, for a manual
  /// transaction, until it is open: `stopAtBody`), running `body` where asked. Returns
  /// the last action.
  @discardableResult
  mutating func run(_ first: Action, block: TransactionMachine.BlockID? = nil, stopAtBody: Bool = false,
                    body: (inout MachineHarness, TransactionMachine.BlockID) -> BodyResult = { _, _ in .returns }) -> Action {
    var action = first
    var current = block
    while true {
      switch action {
      case .openSession:
        note("open")
        if nextFailure("open") != nil {
          action = machine.sessionFailed()
        } else {
          current = machine.outermostBlock
          action = machine.sessionOpened()
        }
      case .execute(let sql, let budget):
        let text = sql.render(dialect).text
        note(budget == .cleanup ? text + " (cleanup)" : text)
        action = nextFailure(text).map { machine.failed($0) } ?? machine.executed()
      case .limitStatements:
        note("SET LOCAL")
        action = nextFailure("SET LOCAL").map { machine.failed($0) } ?? machine.executed()
      case .commit:
        note("COMMIT")
        action = nextFailure("COMMIT").map { machine.commitFailed($0) } ?? machine.executed()
      case .runBody:
        if stopAtBody {
          note("open for the app")
          return action
        }
        note("body")
        guard let block = current else { return .finish(.misuse("harness: no block"), callbacks: []) }
        switch body(&self, block) {
        case .returns: action = machine.blockReturned(block)
        case .throwsError(let facts): action = machine.blockThrew(facts, in: block)
        }
      case .release(let discard):
        note(discard ? "discard" : "release")
        action = machine.released()
      case .askRetry(let failure):
        note("ask retry \(failure)")
        let answer = retryAnswers.isEmpty ? false : retryAnswers.removeFirst()
        action = machine.retryDecided(answer)
      case .retry(let attempt):
        note("wait after attempt \(attempt)")
        action = machine.retryNow()
      case .finish(let failure, let callbacks):
        note(failure.map { "fail \($0)" } ?? "done")
        if !callbacks.isEmpty { note("callbacks \(callbacks)") }
        return action
      }
    }
  }

  /// Opens and runs a nested block from inside a body; returns how it finished.
  @discardableResult
  mutating func nested(_ request: TransactionMachine.Request = .init(),
                       body: (inout MachineHarness, TransactionMachine.BlockID) -> BodyResult = { _, _ in .returns }) -> Action {
    let (block, first) = machine.beginNested(request)
    return run(first, block: block, body: body)
  }

  /// Registers a callback of `block`: its id, or -1 for a refusal (noted in the log).
  @discardableResult
  mutating func register(_ kind: TransactionMachine.CallbackKind, in block: TransactionMachine.BlockID) -> Int {
    switch machine.register(kind, in: block) {
    case .success(let id): return id
    case .failure(let misuse):
      note("refused: \(misuse.message)")
      return -1
    }
  }
}

extension TransactionMachine.Request {
  /// A request spelled briefly.
  static func with(isolation: IsolationLevel? = nil, readOnly: Bool? = nil, deferrable: Bool? = nil,
                   durable: Bool = false, retry: Int = 0, nests: Bool = true, timeout: Bool = false) -> Self {
    .init(options: TransactionOptions(isolation: isolation, readOnly: readOnly, deferrable: deferrable),
          durable: durable, retry: retry, nests: nests, hasTimeout: timeout)
  }
}
