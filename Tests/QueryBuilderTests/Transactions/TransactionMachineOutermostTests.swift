@testable import QueryBuilder
import Testing

/// The outermost level of an atomic block, without a database: what BEGIN says for
/// each option on each dialect, how the block ends, and what happens when a statement
/// of the machinery fails.
@Suite struct TransactionMachineOutermostTests {
  typealias Facts = TransactionMachine.ErrorFacts

  /// What BEGIN sends for `options` on `dialect`.
  static func begin(_ options: TransactionOptions, _ dialect: SQLDialect) -> [String] {
    switch dialect {
    case .sqlite:
      return options.readOnly == true ? ["BEGIN DEFERRED", "PRAGMA query_only = ON"] : ["BEGIN IMMEDIATE"]
    case .postgres:
      var modes: [String] = []
      if let isolation = options.isolation { modes.append("ISOLATION LEVEL " + isolation.rawValue) }
      if let readOnly = options.readOnly { modes.append(readOnly ? "READ ONLY" : "READ WRITE") }
      if let deferrable = options.deferrable { modes.append(deferrable ? "DEFERRABLE" : "NOT DEFERRABLE") }
      return [modes.isEmpty ? "BEGIN" : "BEGIN " + modes.joined(separator: ", ")]
    }
  }

  /// What undoes BEGIN's settings after the end (SQLite read-only blocks).
  static func afterEnd(_ options: TransactionOptions, _ dialect: SQLDialect) -> [String] {
    dialect == .sqlite && options.readOnly == true ? ["PRAGMA query_only = OFF (cleanup)"] : []
  }

  static let isolations: [IsolationLevel?] = [nil] + IsolationLevel.allCases.map(Optional.some)

  @Test(arguments: SQLDialect.allCases, isolations)
  func aBlockThatReturnsIsBeginBodyCommitRelease(_ dialect: SQLDialect, _ isolation: IsolationLevel?) {
    for readOnly in [nil, true, false] as [Bool?] {
      let options = TransactionOptions(isolation: isolation, readOnly: readOnly)
      var (harness, first) = MachineHarness.outermost(.with(isolation: isolation, readOnly: readOnly), dialect)
      let end = harness.run(first)
      #expect(end == .finish(nil, callbacks: []))
      #expect(harness.log == ["open"] + Self.begin(options, dialect) + ["body", "COMMIT"]
        + Self.afterEnd(options, dialect) + ["release", "done"], "\(options)")
    }
  }

  @Test(arguments: SQLDialect.allCases, isolations)
  func aBlockThatThrowsIsRolledBackAndItsErrorRethrown(_ dialect: SQLDialect, _ isolation: IsolationLevel?) {
    for readOnly in [nil, true] as [Bool?] {
      let options = TransactionOptions(isolation: isolation, readOnly: readOnly)
      var (harness, first) = MachineHarness.outermost(.with(isolation: isolation, readOnly: readOnly), dialect)
      let end = harness.run(first) { _, _ in .throwsError() }
      #expect(end == .finish(.blockError, callbacks: []))
      #expect(harness.log == ["open"] + Self.begin(options, dialect) + ["body", "ROLLBACK (cleanup)"]
        + Self.afterEnd(options, dialect) + ["release", "fail blockError"])
    }
  }

  @Test(arguments: SQLDialect.allCases)
  func aDeferrableSerializableReadOnlyBlockSaysSoInBegin(_ dialect: SQLDialect) {
    var (harness, first) = MachineHarness.outermost(.with(isolation: .serializable, readOnly: true, deferrable: true), dialect)
    harness.run(first)
    let expected = dialect == .postgres ? "BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY, DEFERRABLE" : "BEGIN DEFERRED"
    #expect(harness.log[1] == expected)
  }

  @Test(arguments: SQLDialect.allCases)
  func aTimeoutLimitsStatementsOnPostgreSQLOnly(_ dialect: SQLDialect) {
    var (harness, first) = MachineHarness.outermost(.with(timeout: true), dialect)
    harness.run(first)
    let begin = dialect == .postgres ? ["BEGIN", "SET LOCAL"] : ["BEGIN IMMEDIATE"]
    #expect(harness.log == ["open"] + begin + ["body", "COMMIT", "release", "done"])
  }

  @Test func aFailedStatementLimitRollsBackAndReportsItsError() {
    var (harness, first) = MachineHarness.outermost(.with(timeout: true), .postgres)
    harness.fail("SET LOCAL")
    let end = harness.run(first)
    #expect(end == .finish(.statementError, callbacks: []))
    #expect(harness.log == ["open", "BEGIN", "SET LOCAL", "ROLLBACK (cleanup)", "release", "fail statementError"])
  }

  @Test func aFailedStatementLimitWhoseRollbackFailsReportsBoth() {
    var (harness, first) = MachineHarness.outermost(.with(timeout: true), .postgres)
    harness.fail("SET LOCAL")
    harness.fail("ROLLBACK")
    #expect(harness.run(first) == .finish(.rollbackFailed, callbacks: []))
    #expect(harness.log.suffix(2) == ["discard", "fail rollbackFailed"])
  }

  @Test(arguments: SQLDialect.allCases)
  func aBlockThatLostItsConnectionIsDiscardedWithoutRollback(_ dialect: SQLDialect) {
    var (harness, first) = MachineHarness.outermost(.init(), dialect)
    let end = harness.run(first) { _, _ in .throwsError(Facts(connectionLost: true)) }
    #expect(end == .finish(.blockError, callbacks: []))
    #expect(!harness.log.contains("ROLLBACK (cleanup)"))
    #expect(harness.log.suffix(2) == ["discard", "fail blockError"])
  }

  @Test(arguments: SQLDialect.allCases)
  func aRollbackThatFailsDiscardsTheConnectionAndReportsBothErrors(_ dialect: SQLDialect) {
    var (harness, first) = MachineHarness.outermost(.init(), dialect)
    harness.fail("ROLLBACK")
    let end = harness.run(first) { _, _ in .throwsError() }
    #expect(end == .finish(.rollbackFailed, callbacks: []))
    #expect(harness.log.suffix(3) == ["ROLLBACK (cleanup)", "discard", "fail rollbackFailed"])
  }

  @Test(arguments: SQLDialect.allCases)
  func aBeginThatFailsCleanlyKeepsTheConnection(_ dialect: SQLDialect) {
    var (harness, first) = MachineHarness.outermost(.init(), dialect)
    harness.fail(dialect == .postgres ? "BEGIN" : "BEGIN IMMEDIATE")
    #expect(harness.run(first) == .finish(.statementError, callbacks: []))
    #expect(harness.log == ["open", dialect == .postgres ? "BEGIN" : "BEGIN IMMEDIATE", "release", "fail statementError"])
  }

  @Test(arguments: [Facts(connectionLost: true), Facts(isDatabaseError: false)])
  func aBeginThatFailsInAnUnknownStateDiscardsTheConnection(_ facts: Facts) {
    var (harness, first) = MachineHarness.outermost(.init(), .postgres)
    harness.fail("BEGIN", facts)
    #expect(harness.run(first) == .finish(.statementError, callbacks: []))
    #expect(harness.log == ["open", "BEGIN", "discard", "fail statementError"])
  }

  @Test func aHalfDoneReadOnlyBeginOnSQLiteDiscardsTheConnection() {
    var (harness, first) = MachineHarness.outermost(.with(readOnly: true), .sqlite)
    harness.fail("PRAGMA query_only = ON")
    #expect(harness.run(first) == .finish(.statementError, callbacks: []))
    #expect(harness.log == ["open", "BEGIN DEFERRED", "PRAGMA query_only = ON", "discard", "fail statementError"])
  }

  @Test func noSessionMeansNothingToUndoAndNoRetry() {
    var (harness, first) = MachineHarness.outermost(.with(retry: 3), .postgres)
    harness.fail("open")
    harness.retryAnswers = [true, true, true]
    #expect(harness.run(first) == .finish(.statementError, callbacks: []))
    #expect(harness.log == ["open", "fail statementError"])
  }

  @Test(arguments: SQLDialect.allCases)
  func aFailedCommitIsFollowedByRollbackAndKeepsTheConnection(_ dialect: SQLDialect) {
    var (harness, first) = MachineHarness.outermost(.init(), dialect)
    harness.fail("COMMIT")
    #expect(harness.run(first) == .finish(.statementError, callbacks: []))
    #expect(harness.log.suffix(4) == ["COMMIT", "ROLLBACK (cleanup)", "release", "fail statementError"])
  }

  @Test func aFailedCommitWhoseRollbackFailsTooStillReportsTheCommit() {
    var (harness, first) = MachineHarness.outermost(.init(), .sqlite)
    harness.fail("COMMIT")
    harness.fail("ROLLBACK")
    #expect(harness.run(first) == .finish(.statementError, callbacks: []))
    #expect(harness.log.suffix(3) == ["ROLLBACK (cleanup)", "release", "fail statementError"])
  }

  @Test(arguments: [Facts(connectionLost: true), Facts(isDatabaseError: false, commitOutcome: .committed),
                    Facts(isDatabaseError: false, commitOutcome: .aborted), Facts(isDatabaseError: false, commitOutcome: .unknown)])
  func aCommitThatLostItsConnectionIsNotRolledBackButDiscarded(_ facts: Facts) {
    var (harness, first) = MachineHarness.outermost(.init(), .postgres)
    harness.fail("COMMIT", facts)
    #expect(harness.run(first) == .finish(.statementError, callbacks: []))
    #expect(harness.log.suffix(3) == ["COMMIT", "discard", "fail statementError"])
  }

  @Test(arguments: SQLDialect.allCases)
  func aFailingSettingsUndoDiscardsTheConnectionButKeepsTheOutcome(_ dialect: SQLDialect) {
    var (harness, first) = MachineHarness.outermost(.with(readOnly: true), .sqlite)
    harness.fail("PRAGMA query_only = OFF")
    #expect(harness.run(first) == .finish(nil, callbacks: []))
    #expect(harness.log.suffix(3) == ["PRAGMA query_only = OFF (cleanup)", "discard", "done"])
  }

  @Test func theBlockIsOpenOnlyWhileItsBodyRuns() {
    var (harness, first) = MachineHarness.outermost(.init(), .postgres)
    var seen: TransactionMachine.BlockID?
    harness.run(first) { harness, block in
      seen = block
      #expect(harness.machine.isOpen(block))
      #expect(!harness.machine.isOver)
      return .returns
    }
    #expect(seen.map { !harness.machine.isOpen($0) } == true)
    #expect(harness.machine.isOver)
  }

  @Test func anUnexpectedEventIsReportedNotTrapped() {
    var (harness, _) = MachineHarness.outermost(.init(), .postgres)
    guard case .finish(.misuse(let message)?, _) = harness.machine.executed() else {
      Issue.record("an event out of place should finish with an internal misuse")
      return
    }
    #expect(message.hasPrefix("internal:"))
    guard case .finish(.misuse?, _) = harness.machine.released() else {
      Issue.record("released before anything")
      return
    }
  }
}
