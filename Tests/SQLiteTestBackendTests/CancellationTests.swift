import Model
import QueryBuilder
import SQLiteTestBackend
import Testing

/// Cancelling a task interrupts the SQLite statement it runs; `interrupt()` stops the
/// running statement with `.queryCanceled`; either way the database answers next.
///
/// Serialized: each test keeps a cooperative thread busy in a long statement until it
/// is interrupted, and the runner has only as many threads as cores.
@Suite(.serialized, .timeLimit(.minutes(1))) struct CancellationTests {
  /// Counts to a billion: minutes of work, so finishing in time proves an interrupt.
  static let endless: SQL = """
    WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000)
    SELECT count(*) FROM c
    """

  @Test func cancellingTheTaskInterruptsARunningStatementWithCancellationError() async throws {
    let db = try SQLiteDatabase.inMemory()
    let start = ContinuousClock.now
    let query = Task { try await db.fetchOne(Self.endless) }
    try await Task.sleep(for: .milliseconds(50))
    query.cancel()
    let result = await query.result
    #expect(throws: CancellationError.self) { try result.get() }
    #expect(ContinuousClock.now - start < .seconds(10))
    let answer: Int? = try await db.fetchValue("SELECT 42")
    #expect(answer == 42)
  }

  @Test func interruptStopsTheRunningStatementWithQueryCanceled() async throws {
    let db = try SQLiteDatabase.inMemory()
    let query = Task { try await db.fetchOne(Self.endless) }
    // An interrupt only reaches a statement that is running: repeat until it landed.
    let stopper = Task {
      while !Task.isCancelled {
        db.interrupt()
        try? await Task.sleep(for: .milliseconds(5))
      }
    }
    let result = await query.result
    stopper.cancel()
    let error = #expect(throws: DatabaseError.self) { try result.get() }
    #expect(error?.code == .queryCanceled)
    #expect(error?.sqlState == "57014")
    let answer: Int? = try await db.fetchValue("SELECT 42")
    #expect(answer == 42)
  }

  @Test func interruptWhileIdleDoesNotAffectTheNextStatement() async throws {
    let db = try SQLiteDatabase.inMemory()
    db.interrupt()
    let answer: Int? = try await db.fetchValue("SELECT 42")
    #expect(answer == 42)
  }

  @Test func alreadyCancelledTaskRunsNothing() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE t(x)")
    let insert = Task {
      withUnsafeCurrentTask { $0?.cancel() }
      try await db.execute("INSERT INTO t VALUES (1)")
    }
    await #expect(throws: CancellationError.self) { try await insert.value }
    let count: Int? = try await db.fetchValue("SELECT count(*) FROM t")
    #expect(count == 0)
  }

  @Test func cancellingAStreamConsumerInterruptsItAndReleasesTheDatabase() async throws {
    let db = try SQLiteDatabase.inMemory()
    let consumer = Task {
      var rows = 0
      for try await _ in db.stream(Self.endless) { rows += 1 }
      return rows
    }
    try await Task.sleep(for: .milliseconds(50))
    consumer.cancel()
    await #expect(throws: CancellationError.self) { _ = try await consumer.value }
    let answer: Int? = try await db.fetchValue("SELECT 42")
    #expect(answer == 42)
  }

  @Test func cancellingATaskWaitingForTheDatabaseLeavesItUntouched() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2)")
    var holder = db.stream("SELECT x FROM t").makeAsyncIterator()
    _ = try await holder.next()  // the stream now holds the database
    let waiter = Task { try await db.execute("DELETE FROM t") }
    try await Task.sleep(for: .milliseconds(20))
    waiter.cancel()
    await #expect(throws: CancellationError.self) { _ = try await waiter.value }
    while try await holder.next() != nil {}
    let count: Int? = try await db.fetchValue("SELECT count(*) FROM t")
    #expect(count == 2)
  }
}
