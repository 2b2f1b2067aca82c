@testable import QueryBuilder
import Testing

/// Nested blocks, without a database: savepoint names by depth, release and roll back
/// to, and what a failing savepoint statement does.
@Suite struct TransactionMachineNestedTests {
  typealias Facts = TransactionMachine.ErrorFacts

  /// Runs an outermost block holding `depth` blocks nested one in another, the
  /// innermost doing `innermost`.
  static func run(depth: Int, _ dialect: SQLDialect,
                  innermost: MachineHarness.BodyResult = .returns) -> (MachineHarness, MachineHarness.Action) {
    var (harness, first) = MachineHarness.outermost(.init(), dialect)
    func nest(_ harness: inout MachineHarness, _ level: Int) -> MachineHarness.BodyResult {
      guard level < depth else { return innermost }
      let end = harness.nested { harness, _ in nest(&harness, level + 1) }
      return end == .finish(nil, callbacks: []) ? .returns : .throwsError()
    }
    let end = harness.run(first) { harness, _ in nest(&harness, 0) }
    return (harness, end)
  }

  @Test(arguments: SQLDialect.allCases, 1...4)
  func nestedBlocksAreSavepointsNamedByDepth(_ dialect: SQLDialect, _ depth: Int) {
    let (harness, end) = Self.run(depth: depth, dialect)
    #expect(end == .finish(nil, callbacks: []))
    let savepoints = (1...depth).map { "SAVEPOINT \"sp_\($0)\"" }
    let releases = (1...depth).reversed().map { "RELEASE SAVEPOINT \"sp_\($0)\"" }
    let begin = dialect == .postgres ? "BEGIN" : "BEGIN IMMEDIATE"
    var expected = ["open", begin, "body"]
    for savepoint in savepoints { expected += [savepoint, "body"] }
    expected += releases.flatMap { [$0, "done"] }
    expected += ["COMMIT", "release", "done"]
    #expect(harness.log == expected)
  }

  @Test(arguments: SQLDialect.allCases, 1...4)
  func aThrowingInnermostBlockRollsBackToItsSavepointOnly(_ dialect: SQLDialect, _ depth: Int) {
    var (harness, first) = MachineHarness.outermost(.init(), dialect)
    // The innermost block throws; every enclosing one catches and returns.
    func nest(_ harness: inout MachineHarness, _ level: Int) -> MachineHarness.BodyResult {
      guard level < depth else { return .throwsError() }
      let end = harness.nested { harness, _ in nest(&harness, level + 1) }
      if level == depth - 1 { #expect(end == .finish(.blockError, callbacks: [])) }
      return .returns
    }
    #expect(harness.run(first) { harness, _ in nest(&harness, 0) } == .finish(nil, callbacks: []))
    let innermost = "\"sp_\(depth)\""
    #expect(harness.log.contains("ROLLBACK TO SAVEPOINT \(innermost) (cleanup)"))
    #expect(harness.log.contains("RELEASE SAVEPOINT \(innermost) (cleanup)"))
    #expect(harness.log.filter { $0.hasPrefix("ROLLBACK TO") }.count == 1)
    #expect(harness.log.suffix(3) == ["COMMIT", "release", "done"])
  }

  @Test(arguments: SQLDialect.allCases)
  func aNestedBlockThatLostTheConnectionSendsNoRollback(_ dialect: SQLDialect) {
    var (harness, first) = MachineHarness.outermost(.init(), dialect)
    harness.run(first) { harness, _ in
      let end = harness.nested { _, _ in .throwsError(Facts(connectionLost: true)) }
      #expect(end == .finish(.blockError, callbacks: []))
      return .throwsError(Facts(connectionLost: true))
    }
    #expect(!harness.log.contains { $0.hasPrefix("ROLLBACK") })
    #expect(harness.log.suffix(2) == ["discard", "fail blockError"])
  }

  @Test func aSavepointThatFailsRunsNoBodyAndReportsItsError() {
    var (harness, first) = MachineHarness.outermost(.init(), .postgres)
    harness.fail("SAVEPOINT \"sp_1\"")
    harness.run(first) { harness, _ in
      var ran = false
      let end = harness.nested { _, _ in ran = true; return .returns }
      #expect(end == .finish(.statementError, callbacks: []))
      #expect(!ran)
      return .returns
    }
    #expect(harness.log == ["open", "BEGIN", "body", "SAVEPOINT \"sp_1\"", "fail statementError", "COMMIT", "release", "done"])
  }

  @Test func aReleaseThatFailsReportsItsErrorAndDropsTheBlocksCommitCallbacks() {
    var (harness, first) = MachineHarness.outermost(.init(), .postgres)
    harness.fail("RELEASE SAVEPOINT \"sp_1\"")
    let end = harness.run(first) { harness, _ in
      let inner = harness.nested { harness, block in
        harness.register(.onCommit, in: block)
        harness.register(.onRollback, in: block)
        return .returns
      }
      #expect(inner == .finish(.statementError, callbacks: []))
      return .returns
    }
    // The nested block's onRollback (id 2) is due; its onCommit (id 1) is dropped.
    #expect(end == .finish(nil, callbacks: [2]))
  }

  @Test(arguments: ["ROLLBACK TO SAVEPOINT \"sp_1\"", "RELEASE SAVEPOINT \"sp_1\""])
  func aRollbackToThatFailsReportsBothErrors(_ failing: String) {
    var (harness, first) = MachineHarness.outermost(.init(), .sqlite)
    harness.fail(failing)
    harness.run(first) { harness, _ in
      let end = harness.nested { _, _ in .throwsError() }
      #expect(end == .finish(.rollbackFailed, callbacks: []))
      return .throwsError()
    }
    #expect(harness.log.last == "fail blockError")
  }

  @Test func siblingBlocksReuseTheSavepointNameOfTheirDepth() {
    var (harness, first) = MachineHarness.outermost(.init(), .postgres)
    harness.run(first) { harness, _ in
      harness.nested()
      harness.nested { _, _ in .throwsError() }
      harness.nested()
      return .returns
    }
    #expect(harness.log.filter { $0 == "SAVEPOINT \"sp_1\"" }.count == 3)
  }

  @Test func aBlockThatEndedCannotBeNestedInOrRoutedTo() {
    var (harness, first) = MachineHarness.outermost(.init(), .postgres)
    var outer: TransactionMachine.BlockID?
    var inner: TransactionMachine.BlockID?
    harness.run(first) { harness, block in
      outer = block
      harness.nested { _, nestedBlock in inner = nestedBlock; return .returns }
      if let inner { #expect(!harness.machine.isOpen(inner)) }
      #expect(harness.machine.isOpen(block))
      return .returns
    }
    let (_, refused) = harness.machine.beginNested(.init())
    #expect(refused == .finish(.misuse(TransactionMachine.endedMessage), callbacks: []))
    #expect(outer.map { harness.machine.isOpen($0) } == false)
  }

  @Test func aStaleBlockIDNeverReachesASiblingOfTheSameDepth() {
    var (harness, first) = MachineHarness.outermost(.init(), .postgres)
    harness.run(first) { harness, _ in
      var first: TransactionMachine.BlockID?
      harness.nested { _, block in first = block; return .returns }
      harness.nested { harness, second in
        if let first {
          #expect(first != second)
          #expect(!harness.machine.isOpen(first))
          #expect(harness.register(.onCommit, in: first) == -1)
        }
        return .returns
      }
      return .returns
    }
    #expect(harness.log.contains("refused: onCommit after the atomic block ended"))
  }
}
