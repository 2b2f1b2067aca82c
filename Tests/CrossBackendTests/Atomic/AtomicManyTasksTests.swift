import PostgresTestSupport
import QueryBuilder
import Testing

/// Many tasks running nested blocks at once on one database, with failures chosen by
/// a seeded generator: the table ends up holding exactly what the plan says commits.
@Suite
struct AtomicManyTasksTests {
  /// What one task does: outer row `2 * task`, nested row `2 * task + 1`.
  struct Plan: Sendable {
    let task: Int
    /// The nested block throws after its insert.
    let nestedFails: Bool
    /// The outer block catches the nested block's error (else it propagates).
    let outerCatches: Bool
    /// The outer block throws at its end.
    let outerFails: Bool

    var outerCommits: Bool { !(nestedFails && !outerCatches) && !outerFails }

    /// The rows this task leaves behind, worked out from the plan alone.
    var expectedRows: [Int] {
      guard outerCommits else { return [] }
      return nestedFails ? [2 * task] : [2 * task, 2 * task + 1]
    }
  }

  static func plans(seed: UInt64, count: Int) -> [Plan] {
    var generator = SeededGenerator(seed: seed)
    return (0..<count).map { task in
      Plan(task: task, nestedFails: Bool.random(using: &generator), outerCatches: Bool.random(using: &generator),
           outerFails: Int.random(in: 0..<4, using: &generator) == 0)
    }
  }

  /// Runs one plan; returns whether its outer block committed.
  static func run(_ plan: Plan, on db: any Database) async throws -> Bool {
    do {
      try await db.atomic {
        try await Items.insert(2 * plan.task, into: db)
        await Task.yield()
        do {
          try await db.atomic {
            try await Items.insert(2 * plan.task + 1, into: db)
            await Task.yield()
            if plan.nestedFails { throw Boom(tag: plan.task) }
          }
        } catch let error as Boom where plan.outerCatches {
          #expect(error == Boom(tag: plan.task))
        }
        #expect(db.isInTransaction)
        if plan.outerFails { throw Boom(tag: -1 - plan.task) }
      }
      return true
    } catch is Boom {
      return false
    }
  }

  @Test(arguments: Backend.available, [1, 2, 3] as [UInt64])
  func fiftyTasksOfNestedBlocksLeaveExactlyThePlannedRows(_ backend: Backend, _ seed: UInt64) async throws {
    try await withItems(backend, "many_\(seed)", limit: .seconds(20)) { db in
      let plans = Self.plans(seed: seed, count: 50)
      let committed = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
        for plan in plans {
          group.addTask { (plan.task, try await Self.run(plan, on: db)) }
        }
        return try await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
      }
      #expect(committed == Dictionary(uniqueKeysWithValues: plans.map { ($0.task, $0.outerCommits) }))
      #expect(try await Items.numbers(db) == plans.flatMap(\.expectedRows).sorted())
      #expect(!db.isInTransaction)
      // Every outcome of the plan happened at least once.
      #expect(plans.contains { $0.outerCommits && $0.nestedFails })
      #expect(plans.contains { $0.outerCommits && !$0.nestedFails })
      #expect(plans.contains { !$0.outerCommits })
    }
  }
}
