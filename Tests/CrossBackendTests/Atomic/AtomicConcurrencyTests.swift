import PostgresTestSupport
import QueryBuilder
import Testing

/// Child tasks of a block (`async let`, task groups) run their statements in it;
/// `Task.detached` work runs outside it, waiting for the connection the block holds.
@Suite
struct AtomicConcurrencyTests {
  @Test(arguments: Backend.available)
  func asyncLetChildrenRunInTheBlock(_ backend: Backend) async throws {
    try await withItems(backend, "async_let") { db in
      await #expect(throws: Boom()) {
        try await db.atomic {
          try await Items.insert(1, into: db)
          async let seen = Items.numbers(db)
          async let inBlock = db.isInTransaction
          async let second: Void = Items.insert(2, into: db)
          #expect(try await seen.contains(1), "a child sees the block's uncommitted row")
          #expect(await inBlock)
          try await second
          #expect(try await Items.numbers(db) == [1, 2])
          throw Boom()
        }
      }
      #expect(try await Items.numbers(db) == [], "the child's row rolled back with the block")
      try await db.atomic {
        async let first: Void = Items.insert(3, into: db)
        async let second: Void = Items.insert(4, into: db)
        _ = try await (first, second)
      }
      #expect(try await Items.numbers(db) == [3, 4])
    }
  }

  @Test(arguments: Backend.available)
  func taskGroupChildrenRunInTheBlock(_ backend: Backend) async throws {
    try await withItems(backend, "task_group") { db in
      for commits in [false, true] {
        do {
          try await db.atomic {
            try await Items.insert(0, into: db)
            let seen = try await withThrowingTaskGroup(of: [Int].self) { group in
              for n in 1...8 {
                group.addTask {
                  try await Items.insert(n, into: db)
                  return try await Items.numbers(db)
                }
              }
              return try await group.reduce(into: [[Int]]()) { $0.append($1) }
            }
            #expect(seen.count == 8)
            #expect(seen.allSatisfy { $0.contains(0) }, "every child sees the block's uncommitted row")
            #expect(try await Items.numbers(db) == Array(0...8))
            if !commits { throw Boom() }
          }
        } catch let error as Boom {
          #expect(error == Boom() && !commits)
        }
        #expect(try await Items.numbers(db) == (commits ? Array(0...8) : []))
      }
    }
  }

  /// Children of a nested block run in the savepoint, and roll back with it.
  @Test(arguments: Backend.available)
  func childrenOfANestedBlockRollBackWithIt(_ backend: Backend) async throws {
    try await withItems(backend, "nested_children") { db in
      try await db.atomic {
        try await Items.insert(1, into: db)
        await #expect(throws: Boom()) {
          try await db.atomic {
            try await withThrowingTaskGroup(of: Void.self) { group in
              for n in 10..<15 { group.addTask { try await Items.insert(n, into: db) } }
              try await group.waitForAll()
            }
            #expect(try await Items.count(db) == 6)
            throw Boom()
          }
        }
        #expect(try await Items.numbers(db) == [1])
      }
      #expect(try await Items.numbers(db) == [1])
    }
  }

  /// While a child's nested block is open, a sibling child's statement waits for it
  /// to end, so the nested block's ROLLBACK TO never undoes the sibling's work.
  @Test(arguments: Backend.available)
  func aSiblingsStatementWaitsForANestedBlockAndSurvivesItsRollback(_ backend: Backend) async throws {
    try await withItems(backend, "sibling_wait") { db in
      let log = EventLog()
      try await db.atomic {
        try await withThrowingTaskGroup(of: Void.self) { group in
          group.addTask {
            await #expect(throws: Boom()) {
              try await db.atomic {
                try await Items.insert(1, into: db)
                log.append("nested open")
                try await Task.sleep(for: .milliseconds(150))
                log.append("nested failing")
                throw Boom()
              }
            }
          }
          group.addTask {
            try await waitUntil("the nested block is open") { log.all.contains("nested open") }
            try await Items.insert(2, into: db)
            log.append("sibling wrote")
          }
          try await group.waitForAll()
        }
      }
      #expect(log.all == ["nested open", "nested failing", "sibling wrote"])
      #expect(try await Items.numbers(db) == [2])
    }
  }

  /// A detached task does not inherit the block: its statement waits for the
  /// connection the block holds, and then sees the committed data.
  @Test(arguments: Backend.available)
  func aDetachedTaskRunsOutsideTheBlockAfterItEnds(_ backend: Backend) async throws {
    try await withItems(backend, "detached") { db in
      let log = EventLog()
      let reader = try await db.atomic {
        try await Items.insert(1, into: db)
        let reader = Task.detached {
          let inBlock = db.isInTransaction
          let numbers = try await Items.numbers(db)
          log.append("read")
          return (inBlock, numbers)
        }
        try await Task.sleep(for: .milliseconds(150))
        #expect(log.all == [], "the detached statement waits while the block holds the connection")
        try await Items.insert(2, into: db)
        return reader
      }
      let (inBlock, numbers) = try await reader.value
      #expect(!inBlock)
      #expect(numbers == [1, 2])
    }
  }

  /// A detached write is not part of the block: it survives the block's rollback.
  @Test(arguments: Backend.available)
  func aDetachedWriteIsNotRolledBackWithTheBlock(_ backend: Backend) async throws {
    try await withItems(backend, "detached_write") { db in
      var writer: Task<Void, any Error>?
      do {
        try await db.atomic {
          writer = Task.detached { try await Items.insert(2, into: db) }
          try await Task.sleep(for: .milliseconds(50))
          try await Items.insert(1, into: db)
          #expect(try await Items.numbers(db) == [1])
          throw Boom(tag: 3)
        }
        Issue.record("the block should have thrown")
      } catch let error as Boom {
        #expect(error == Boom(tag: 3))
      }
      try await writer?.value
      #expect(try await Items.numbers(db) == [2])
    }
  }

  /// An unstructured `Task { }` made inside a block inherits its task locals, so its
  /// statements route to the block; once the block has ended they fail clearly
  /// instead of reaching another transaction.
  @Test(arguments: Backend.available)
  func anUnstructuredTaskThatOutlivesItsBlockFailsWithMisuseError(_ backend: Backend) async throws {
    try await withItems(backend, "outlived") { db in
      let gate = EventLog()
      let late = try await db.atomic {
        Task {
          try await waitUntil("the block ended") { gate.all.contains("ended") }
          try await Items.insert(1, into: db)
        }
      }
      gate.append("ended")
      await #expect(throws: MisuseError.self) { try await late.value }
      #expect(try await Items.count(db) == 0)
    }
  }
}
