import Model
import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// Many tasks sharing a few connections, each running nested atomic blocks that fail
/// at random (a seeded plan: a thrown error, a failing statement, a broken
/// constraint): what the table ends up holding, and which callbacks ran, is exactly
/// what the plan says.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason), .timeLimit(.minutes(1)))
struct TransactionsStressTests {
  enum Failure: CaseIterable, Sendable {
    /// The block throws a Swift error.
    case thrown
    /// A statement fails (the transaction is aborted until a rollback).
    case divisionByZero
    /// A constraint is violated: the outer block's own row again.
    case duplicateKey
  }

  /// One nested block (a savepoint) with a block nested in it.
  struct Step: Sendable {
    let failure: Failure?
    let innermostFailure: Failure?
  }

  /// What one task does: an outer block writing (task, 0), its steps writing
  /// (task, n) and (task, 100 + n), then perhaps failing.
  struct Plan: Sendable {
    let task: Int64
    let steps: [Step]
    let failure: Failure?

    /// The rows left once everything is over.
    var expectedRows: [[Int64]] {
      guard failure == nil else { return [] }
      var rows: [[Int64]] = [[task, 0]]
      for (index, step) in steps.enumerated() where step.failure == nil {
        let n = Int64(index + 1)
        rows.append([task, n])
        if step.innermostFailure == nil { rows.append([task, 100 + n]) }
      }
      return rows
    }

    /// Every block writes one row; its callbacks run on commit or on rollback.
    var blockCount: Int { 1 + 2 * steps.count }
  }

  static func plans(count: Int, seed: UInt64) -> [Plan] {
    var random = SeededGenerator(seed: seed)
    func failure(percent: Int) -> Failure? {
      guard Int.random(in: 0..<100, using: &random) < percent else { return nil }
      return Failure.allCases.randomElement(using: &random)
    }
    return (0..<count).map { task in
      let steps = (0..<Int.random(in: 0...4, using: &random)).map { _ in
        Step(failure: failure(percent: 30), innermostFailure: failure(percent: 30))
      }
      return Plan(task: Int64(task), steps: steps, failure: failure(percent: 20))
    }
  }

  @Test func twoHundredTasksWithNestedBlocksFailingAtRandomOnFourConnections() async throws {
    let plans = Self.plans(count: 200, seed: 0x5EED_2026)
    let expected = plans.flatMap(\.expectedRows).sorted { $0.lexicographicallyPrecedes($1) }
    // The plan exercises every path.
    #expect(plans.contains { $0.failure == nil } && plans.contains { $0.failure != nil })
    #expect(Set(plans.flatMap(\.steps).compactMap(\.failure)).count == Failure.allCases.count)
    #expect(Set(plans.flatMap(\.steps).compactMap(\.innermostFailure)).count == Failure.allCases.count)

    try await AtomicTestSupport.withConnections(schema: "pgtx_stress", count: 4) { conns in
      try await conns[0].execute("CREATE TABLE ledger (task int8, step int8, PRIMARY KEY (task, step))")
      let committed = Counter(), rolledBack = Counter(), failedAsPlanned = Counter()
      try await withThrowingTaskGroup(of: Void.self) { group in
        for plan in plans {
          let conn = conns[Int(plan.task) % conns.count]
          group.addTask {
            let callbacks = (committed: committed, rolledBack: rolledBack)
            do {
              try await Self.run(plan, on: conn, callbacks: callbacks)
              #expect(plan.failure == nil, "task \(plan.task) should have failed")
            } catch {
              Self.expect(error, is: plan.failure, "task \(plan.task)")
              failedAsPlanned.add()
            }
          }
        }
        try await group.waitForAll()
      }

      let rows = try await conns[1].fetchAll("SELECT task, step FROM ledger ORDER BY task, step")
      let actual = try rows.map { [try $0["task", as: Int64.self], try $0["step", as: Int64.self]] }
      #expect(actual.count == expected.count)
      #expect(actual == expected)
      #expect(failedAsPlanned.value == plans.filter { $0.failure != nil }.count)
      #expect(committed.value == expected.count)
      #expect(rolledBack.value == plans.map(\.blockCount).reduce(0, +) - expected.count)
      for conn in conns {
        #expect(!conn.isClosed)
        #expect(!conn.hasOpenTransaction)
        #expect(try await conn.fetchValue("SELECT 1", as: Int.self) == 1)
      }
    }
  }

  /// Runs `plan` on `conn`: the outer block, each step's nested block (whose error
  /// is caught by the outer block), and in it an innermost block (whose error is
  /// caught by the step).
  static func run(_ plan: Plan, on conn: PostgresConnection,
                  callbacks: (committed: Counter, rolledBack: Counter)) async throws {
    let task = plan.task
    func register() throws {
      try conn.onCommit { callbacks.committed.add() }
      try conn.onRollback { callbacks.rolledBack.add() }
    }
    try await conn.atomic {
      try register()
      try await conn.execute("INSERT INTO ledger VALUES (\(task), \(Int64(0)))")
      for (index, step) in plan.steps.enumerated() {
        let n = Int64(index + 1)
        await Task.yield()
        do {
          try await conn.atomic {
            try register()
            try await conn.execute("INSERT INTO ledger VALUES (\(task), \(n))")
            do {
              try await conn.atomic {
                try register()
                try await conn.execute("INSERT INTO ledger VALUES (\(task), \(100 + n))")
                await Task.yield()
                try await fail(step.innermostFailure, task: task, on: conn)
              }
              #expect(step.innermostFailure == nil, "task \(task) step \(n) innermost should have failed")
            } catch {
              expect(error, is: step.innermostFailure, "task \(task) step \(n) innermost")
            }
            try await fail(step.failure, task: task, on: conn)
          }
          #expect(step.failure == nil, "task \(task) step \(n) should have failed")
        } catch {
          expect(error, is: step.failure, "task \(task) step \(n)")
        }
      }
      await Task.yield()
      try await fail(plan.failure, task: task, on: conn)
    }
  }

  /// Fails as planned (nil: does nothing).
  static func fail(_ failure: Failure?, task: Int64, on conn: PostgresConnection) async throws {
    switch failure {
    case nil: return
    case .thrown?: throw PlannedFailure(label: "task \(task)")
    case .divisionByZero?: _ = try await conn.fetchAll("SELECT 1 / \(Int64(0))")
    case .duplicateKey?: try await conn.execute("INSERT INTO ledger VALUES (\(task), \(Int64(0)))")
    }
  }

  static func expect(_ error: any Error, is failure: Failure?, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    switch failure {
    case nil:
      Issue.record("\(what) failed unexpectedly: \(error)", sourceLocation: sourceLocation)
    case .thrown?:
      #expect(error as? PlannedFailure != nil, "\(what): \(error)", sourceLocation: sourceLocation)
    case .divisionByZero?:
      #expect((error as? DatabaseError)?.code == .divisionByZero, "\(what): \(error)", sourceLocation: sourceLocation)
    case .duplicateKey?:
      #expect((error as? DatabaseError)?.code == .uniqueViolation, "\(what): \(error)", sourceLocation: sourceLocation)
    }
  }
}
