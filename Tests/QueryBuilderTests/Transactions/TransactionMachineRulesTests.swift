@testable import QueryBuilder
import Testing

/// Callbacks, retries, option rules and manual transactions, without a database.
@Suite struct TransactionMachineRulesTests {
  typealias Facts = TransactionMachine.ErrorFacts

  // MARK: Callbacks

  @Test(arguments: SQLDialect.allCases)
  func onCommitCallbacksRunAfterTheOutermostCommitInOrder(_ dialect: SQLDialect) {
    var (harness, first) = MachineHarness.outermost(.init(), dialect)
    let end = harness.run(first) { harness, block in
      harness.register(.onCommit, in: block)                              // 1
      harness.nested { harness, inner in
        harness.register(.onCommit, in: inner)                            // 2
        harness.register(.onRollback, in: inner)                          // 3: not due, the work committed
        return .returns
      }
      harness.register(.onCommit, in: block)                              // 4
      return .returns
    }
    // In the order they were registered.
    #expect(end == .finish(nil, callbacks: [1, 2, 4]))
  }

  @Test(arguments: SQLDialect.allCases)
  func aRolledBackNestedBlockDropsItsCommitCallbacksAndItsRollbackOnesAreDueAnyway(_ dialect: SQLDialect) {
    var (harness, first) = MachineHarness.outermost(.init(), dialect)
    let end = harness.run(first) { harness, block in
      harness.register(.onRollback, in: block)                            // 1: the outer work commits
      harness.nested { harness, inner in
        harness.register(.onCommit, in: inner)                            // 2: dropped
        harness.register(.onRollback, in: inner)                          // 3: due
        return .throwsError()
      }
      return .returns
    }
    #expect(end == .finish(nil, callbacks: [3]))
  }

  @Test(arguments: SQLDialect.allCases)
  func anOutermostRollbackRunsEveryRollbackCallback(_ dialect: SQLDialect) {
    var (harness, first) = MachineHarness.outermost(.init(), dialect)
    let end = harness.run(first) { harness, block in
      harness.register(.onRollback, in: block)                            // 1
      harness.register(.onCommit, in: block)                              // 2
      harness.nested { harness, inner in
        harness.register(.onRollback, in: inner)                          // 3
        return .throwsError()
      }
      harness.nested { harness, inner in
        harness.register(.onRollback, in: inner)                          // 4
        return .returns
      }
      return .throwsError()
    }
    #expect(end == .finish(.blockError, callbacks: [1, 4, 3]))
  }

  @Test(arguments: [(TransactionMachine.ErrorFacts(isDatabaseError: false, commitOutcome: .committed), [1, 3]),
                    (TransactionMachine.ErrorFacts(isDatabaseError: false, commitOutcome: .aborted), [2, 3]),
                    (TransactionMachine.ErrorFacts(isDatabaseError: false, commitOutcome: .unknown), [3]),
                    (TransactionMachine.ErrorFacts(), [2, 3])])
  func aFailedCommitRunsTheCallbacksItsOutcomeCallsFor(_ facts: Facts, _ due: [Int]) {
    var (harness, first) = MachineHarness.outermost(.init(), .postgres)
    harness.fail("COMMIT", facts)
    let end = harness.run(first) { harness, block in
      harness.register(.onCommit, in: block)                              // 1
      harness.register(.onRollback, in: block)                            // 2
      harness.nested { harness, inner in harness.register(.onRollback, in: inner); return .throwsError() }  // 3
      return .returns
    }
    #expect(end == .finish(.statementError, callbacks: due))
  }

  @Test func aCallbackRegisteredAfterItsBlockEndedIsRefused() {
    var (harness, first) = MachineHarness.outermost(.init(), .postgres)
    var outer: TransactionMachine.BlockID?
    harness.run(first) { _, block in outer = block; return .returns }
    if let outer {
      #expect(harness.register(.onCommit, in: outer) == -1)
      #expect(harness.register(.onRollback, in: outer) == -1)
    }
    #expect(harness.log.suffix(2) == ["refused: onCommit after the atomic block ended",
                                      "refused: onRollback after the atomic block ended"])
  }

  // MARK: Retries

  @Test(arguments: 1...4)
  func aRetryableFailureRunsTheWholeBlockAgainUpToRetryTimes(_ retry: Int) {
    var (harness, first) = MachineHarness.outermost(.with(retry: retry), .postgres)
    harness.retryAnswers = Array(repeating: true, count: 10)
    var runs = 0
    let end = harness.run(first) { _, _ in
      runs += 1
      return .throwsError()
    }
    #expect(runs == retry + 1)
    #expect(end == .finish(.blockError, callbacks: []))
    #expect(harness.log.filter { $0.hasPrefix("wait after attempt") }.count == retry)
    #expect(harness.machine.attempt == retry + 1)
  }

  @Test func aRetriedAttemptsCallbacksAreDroppedOnlyTheLastOnesRun() {
    var (harness, first) = MachineHarness.outermost(.with(retry: 2), .sqlite)
    harness.retryAnswers = [true, true]
    var runs = 0
    let end = harness.run(first) { harness, block in
      runs += 1
      harness.register(.onRollback, in: block)
      harness.register(.onCommit, in: block)
      return runs < 3 ? .throwsError() : .returns
    }
    // Attempt 3 registered ids 5 (rollback) and 6 (commit); it committed.
    #expect(end == .finish(nil, callbacks: [6]))
  }

  @Test func aFailureThePolicyRefusesIsNotRetried() {
    var (harness, first) = MachineHarness.outermost(.with(retry: 5), .postgres)
    harness.retryAnswers = [false]
    var runs = 0
    #expect(harness.run(first) { _, _ in runs += 1; return .throwsError() } == .finish(.blockError, callbacks: []))
    #expect(runs == 1)
    #expect(harness.log.contains("ask retry blockError"))
  }

  @Test func withoutRetryThePolicyIsNeverAsked() {
    var (harness, first) = MachineHarness.outermost(.init(), .postgres)
    harness.run(first) { _, _ in .throwsError() }
    #expect(!harness.log.contains { $0.hasPrefix("ask retry") })
  }

  @Test(arguments: ["BEGIN IMMEDIATE", "COMMIT"])
  func aBusyBeginOrCommitIsRetriedAsAWhole(_ failing: String) {
    var (harness, first) = MachineHarness.outermost(.with(retry: 1), .sqlite)
    harness.fail(failing)
    harness.retryAnswers = [true]
    #expect(harness.run(first) == .finish(nil, callbacks: []))
    #expect(harness.log.filter { $0 == "open" }.count == 2)
    #expect(harness.log.contains("ask retry statementError"))
  }

  @Test func aFailedRollbackIsAskedAboutButTheDefaultPolicyStops() {
    var (harness, first) = MachineHarness.outermost(.with(retry: 1), .postgres)
    harness.fail("ROLLBACK")
    #expect(harness.run(first) { _, _ in .throwsError() } == .finish(.rollbackFailed, callbacks: []))
    #expect(harness.log.contains("ask retry rollbackFailed"))
  }

  // MARK: Option rules

  static let outermostMisuses: [(TransactionMachine.Request, String)] = [
    (.with(deferrable: true), "deferrable: true needs"),
    (.with(isolation: .serializable, deferrable: true), "deferrable: true needs"),
    (.with(readOnly: true, deferrable: true), "deferrable: true needs"),
    (.with(retry: -1), "retry must not be negative"),
  ]

  @Test(arguments: SQLDialect.allCases, outermostMisuses)
  func optionsNoDatabaseAcceptsAreRefusedBeforeAnySQL(_ dialect: SQLDialect, _ misuse: (TransactionMachine.Request, String)) {
    let (_, first) = TransactionMachine.outermost(misuse.0, dialect: dialect)
    guard case .finish(.misuse(let message)?, let callbacks) = first else {
      Issue.record("expected a misuse, got \(first)")
      return
    }
    #expect(message.hasPrefix(misuse.1))
    #expect(callbacks.isEmpty)
  }

  @Test(arguments: SQLDialect.allCases)
  func atomicOnATransactionThatEndedIsRefused(_ dialect: SQLDialect) {
    let (_, first) = TransactionMachine.outermost(.init(), dialect: dialect, heldTransactionEnded: true)
    #expect(first == .finish(.misuse("atomic on a transaction that has already ended"), callbacks: []))
  }

  static let nestedMisuses: [(TransactionMachine.Request, String)] = [
    (.with(nests: false), "transaction() never nests"),
    (.with(durable: true), "atomic(durable: true) inside another atomic block"),
    (.with(retry: 1), "retry is only possible on the outermost atomic block"),
    (.with(isolation: .readCommitted), "a nested atomic block cannot change isolation (READ COMMITTED inside SERIALIZABLE)"),
    (.with(readOnly: true), "a nested atomic block cannot change readOnly (true inside false)"),
    (.with(isolation: .serializable, readOnly: true, deferrable: true), "a nested atomic block cannot change readOnly"),
  ]

  @Test(arguments: SQLDialect.allCases, nestedMisuses)
  func aNestedBlockMayOnlyRepeatTheOutermostOptions(_ dialect: SQLDialect, _ misuse: (TransactionMachine.Request, String)) {
    var (harness, first) = MachineHarness.outermost(.with(isolation: .serializable, deferrable: nil), dialect)
    harness.run(first) { harness, _ in
      #expect(TransactionMachine.nestedMisuse(misuse.0, in: harness.machine.options)?.hasPrefix(misuse.1) == true,
              "\(misuse.0)")
      let (block, refused) = harness.machine.beginNested(misuse.0)
      #expect(block == nil)
      guard case .finish(.misuse?, _) = refused else {
        Issue.record("expected a misuse, got \(refused)")
        return .returns
      }
      return .returns
    }
    #expect(!harness.log.contains { $0.hasPrefix("SAVEPOINT") })
  }

  static let nestedRepeats: [TransactionMachine.Request] = [
    .with(), .with(isolation: .serializable), .with(readOnly: false), .with(isolation: .serializable, readOnly: false),
    .with(deferrable: false),
  ]

  @Test(arguments: nestedRepeats)
  func aNestedBlockThatRepeatsTheOutermostOptionsIsASavepoint(_ request: TransactionMachine.Request) {
    var (harness, first) = MachineHarness.outermost(.with(isolation: .serializable), .postgres)
    harness.run(first) { harness, _ in
      #expect(harness.nested(request) == .finish(nil, callbacks: []))
      return .returns
    }
    #expect(harness.log.contains("SAVEPOINT \"sp_1\""))
  }

  // MARK: Manual transactions

  @Test(arguments: SQLDialect.allCases)
  func aManualTransactionOpensThenCommitsOnRequest(_ dialect: SQLDialect) {
    var (machine, first) = TransactionMachine.manual(TransactionOptions(), dialect: dialect)
    var harness = MachineHarness(machine)
    #expect(harness.run(first, stopAtBody: true) == .runBody)
    guard let block = harness.machine.outermostBlock else {
      Issue.record("no block")
      return
    }
    harness.register(.onCommit, in: block)
    #expect(harness.run(harness.machine.blockReturned(block)) == .finish(nil, callbacks: [1]))
    let begin = dialect == .postgres ? "BEGIN" : "BEGIN IMMEDIATE"
    #expect(harness.log == ["open", begin, "open for the app", "COMMIT", "release", "done", "callbacks [1]"])
    machine = harness.machine
    #expect(machine.blockReturned(block) == .finish(.misuse("the transaction was already committed"), callbacks: []))
    #expect(machine.rollbackRequested() == .finish(.misuse("the transaction was already committed"), callbacks: []))
  }

  @Test(arguments: SQLDialect.allCases)
  func aManualRollbackIsNoFailureAndRunsTheRollbackCallbacks(_ dialect: SQLDialect) {
    let (machine, first) = TransactionMachine.manual(TransactionOptions(readOnly: true), dialect: dialect)
    var harness = MachineHarness(machine)
    harness.run(first, stopAtBody: true)
    guard let block = harness.machine.outermostBlock else {
      Issue.record("no block")
      return
    }
    harness.register(.onRollback, in: block)
    #expect(harness.run(harness.machine.rollbackRequested()) == .finish(nil, callbacks: [1]))
    #expect(harness.machine.rollbackRequested() == .finish(.misuse("the transaction was already rolled back"), callbacks: []))
    #expect(harness.machine.blockReturned(block) == .finish(.misuse("the transaction was already rolled back"), callbacks: []))
  }

  @Test func aManualRollbackThatFailsReportsItsOwnErrorAndDiscards() {
    let (machine, first) = TransactionMachine.manual(TransactionOptions(), dialect: .postgres)
    var harness = MachineHarness(machine)
    harness.run(first, stopAtBody: true)
    harness.fail("ROLLBACK")
    #expect(harness.run(harness.machine.rollbackRequested()) == .finish(.statementError, callbacks: []))
    #expect(harness.log.suffix(3) == ["ROLLBACK (cleanup)", "discard", "fail statementError"])
  }

  @Test func aManualTransactionIsNeverRetried() {
    let (machine, first) = TransactionMachine.manual(TransactionOptions(), dialect: .sqlite)
    var harness = MachineHarness(machine)
    harness.run(first, stopAtBody: true)
    harness.fail("COMMIT")
    harness.retryAnswers = [true]
    guard let block = harness.machine.outermostBlock else {
      Issue.record("no block")
      return
    }
    #expect(harness.run(harness.machine.blockReturned(block)) == .finish(.statementError, callbacks: []))
    #expect(!harness.log.contains { $0.hasPrefix("ask retry") })
  }

  @Test(arguments: [false, true])
  func aDroppedManualTransactionIsRolledBack(_ rollbackFails: Bool) {
    let (machine, first) = TransactionMachine.manual(TransactionOptions(), dialect: .postgres)
    var harness = MachineHarness(machine)
    harness.run(first, stopAtBody: true)
    if rollbackFails { harness.fail("ROLLBACK") }
    harness.run(harness.machine.abandoned())
    #expect(harness.log.suffix(3) == ["ROLLBACK (cleanup)", rollbackFails ? "discard" : "release",
                                      rollbackFails ? "fail statementError" : "done"])
    #expect(harness.machine.abandoned() == .finish(nil, callbacks: []))
  }

  @Test func aManualTransactionWithImpossibleOptionsIsRefusedBeforeAnySQL() {
    let (_, first) = TransactionMachine.manual(TransactionOptions(deferrable: true), dialect: .postgres)
    guard case .finish(.misuse?, _) = first else {
      Issue.record("expected a misuse, got \(first)")
      return
    }
  }

  @Test func blocksNestInAManualTransaction() {
    let (machine, first) = TransactionMachine.manual(TransactionOptions(), dialect: .postgres)
    var harness = MachineHarness(machine)
    harness.run(first, stopAtBody: true)
    #expect(harness.nested() == .finish(nil, callbacks: []))
    #expect(harness.log.contains("RELEASE SAVEPOINT \"sp_1\""))
  }
}
