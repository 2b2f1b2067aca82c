import PostgresTestSupport
import QueryBuilder
import Testing

/// `timeout:` is the block's budget: a statement running past it, or starting after
/// it ran out, fails with `.queryCanceled` and the block rolls back.
@Suite
struct AtomicTimeoutTests {
  /// A statement that takes seconds on each backend.
  private func slowStatement(_ backend: Backend) -> SQL {
    switch backend {
    case .postgres: "SELECT pg_sleep(20)"
    case .sqlite: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000) SELECT count(*) FROM c"
    }
  }

  @Test(arguments: Backend.available)
  func aStatementOutlastingTheBudgetFailsWithQueryCanceled(_ backend: Backend) async throws {
    try await withItems(backend, "timeout_slow") { db in
      let slow = slowStatement(backend)
      let (error, elapsed) = await measure {
        await #expect(throws: DatabaseError.self) {
          try await db.atomic(timeout: .milliseconds(300)) {
            try await Items.insert(1, into: db)
            _ = try await db.fetchOne(slow)
          }
        }
      }
      #expect(error?.code == .queryCanceled)
      if backend == .postgres, let message = error?.message, message.hasPrefix("statement timed out") {
        // What was left of the budget, as a person writes it ("297 ms"), not to the
        // attosecond ("0.297412345 seconds"). (On a loaded machine the budget can run
        // out before the statement is sent, with another message.)
        #expect(message.wholeMatch(of: #/statement timed out after \d{1,3}(\.\d{1,2})? (ms|µs) and was canceled on the server/#) != nil,
                "\(message)")
      }
      // Cut short: uninterrupted, either statement runs for 20 seconds or more.
      // SQLite checks the deadline itself, so this holds even while every thread of
      // the cooperative pool is busy; the bound leaves room for a loaded machine.
      #expect(elapsed < .seconds(4))
      #expect(!db.isInTransaction)
      // Rolled back, and the database is usable again.
      try await db.atomic { try await Items.insert(2, into: db) }
      #expect(try await Items.numbers(db) == [2])
    }
  }

  /// The budget is checked before every statement: one starting after it ran out
  /// fails without being sent.
  @Test(arguments: Backend.available)
  func aStatementAfterTheBudgetRanOutFailsBeforeBeingSent(_ backend: Backend) async throws {
    try await withItems(backend, "timeout_spent") { db in
      let recording = RecordingDatabase(db)
      let error = await #expect(throws: DatabaseError.self) {
        try await recording.atomic(timeout: .seconds(1)) {
          try await Items.insert(1, into: recording)
          try await Task.sleep(for: .milliseconds(1_500))
          try await Items.insert(2, into: recording)
        }
      }
      #expect(error?.code == .queryCanceled)
      let insert = backend == .sqlite ? "INSERT INTO items (n) VALUES (?1)" : "INSERT INTO items (n) VALUES ($1)"
      let texts = recording.texts.filter { !$0.hasPrefix("SET LOCAL statement_timeout") }
      #expect(texts == [backend == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN", insert, "ROLLBACK"])
      let count = try await Items.count(db)
      #expect(count == 0)
    }
  }

  /// A nested block's budget bounds that block only: the outer block catches its
  /// `.queryCanceled` and commits.
  @Test(arguments: Backend.available)
  func aNestedBudgetBoundsTheNestedBlockOnly(_ backend: Backend) async throws {
    try await withItems(backend, "timeout_nested") { db in
      try await db.atomic {
        try await Items.insert(1, into: db)
        let error = await #expect(throws: DatabaseError.self) {
          try await db.atomic(timeout: .seconds(1)) {
            try await Items.insert(2, into: db)
            try await Task.sleep(for: .milliseconds(1_500))
            try await Items.insert(3, into: db)
          }
        }
        #expect(error?.code == .queryCanceled)
        try await Items.insert(4, into: db)
      }
      #expect(try await Items.numbers(db) == [1, 4])
    }
  }

  /// A nested block cannot outlive its enclosing block's budget by asking for more.
  @Test(arguments: Backend.available)
  func aNestedBlockCannotExtendTheOuterBudget(_ backend: Backend) async throws {
    try await withItems(backend, "timeout_extend") { db in
      let error = await #expect(throws: DatabaseError.self) {
        try await db.atomic(timeout: .seconds(1)) {
          try await db.atomic(timeout: .seconds(10)) {
            try await Task.sleep(for: .milliseconds(1_500))
            try await Items.insert(1, into: db)
          }
        }
      }
      #expect(error?.code == .queryCanceled)
      let count = try await Items.count(db)
      #expect(count == 0)
    }
  }
}
