import Model
import QueryBuilder
import SQLiteTestBackend
import Testing

/// No wait for the one connection is without end: a caller that cannot have it within
/// the acquire timeout fails, and the error says where the connection is held.
@Suite struct ConnectionWaitTests {
  @Test func theDefaultWaitIsThirtySeconds() throws {
    #expect(SQLiteDatabase.defaultAcquireTimeout == .seconds(30))
    #expect(try SQLiteDatabase.inMemory().acquireTimeout == .seconds(30))
  }

  @Test func aDetachedTaskTheBlockAwaitsFailsNamingTheBlock() async throws {
    let db = try SQLiteDatabase.inMemory(acquireTimeout: .milliseconds(300))
    try await db.execute("CREATE TABLE items (n INTEGER)")
    let blockLine = #line + 1
    try await db.atomic {
      try await db.execute("INSERT INTO items VALUES (1)")
      // Outside the block, waiting for the connection the block holds while the block
      // waits for it: before, this never ended.
      let outside = Task.detached { try await db.fetchAll("SELECT * FROM items") }
      let error = await #expect(throws: DatabaseError.self) { try await outside.value }
      #expect(error?.code == .lockNotAvailable)
      #expect(error?.message.contains("an atomic block at SQLiteTestBackendTests/ConnectionWaitTests.swift:\(blockLine)") == true,
              "\(String(describing: error))")
      #expect(error?.message.contains("within 300 ms") == true,
              "\(String(describing: error))")
      // The block itself goes on.
      try await db.execute("INSERT INTO items VALUES (2)")
    }
    #expect(try await db.fetchAll("SELECT n FROM items").count == 2)
  }

  @Test func aStreamBeingIteratedIsNamedAsTheHolder() async throws {
    let db = try SQLiteDatabase.inMemory(acquireTimeout: .milliseconds(200))
    try await db.execute("CREATE TABLE items (n INTEGER); INSERT INTO items VALUES (1), (2)")
    for try await _ in db.stream("SELECT n FROM items") {
      let outside = Task.detached { try await db.execute("DELETE FROM items") }
      let error = await #expect(throws: DatabaseError.self) { try await outside.value }
      #expect(error?.message.contains("a stream being iterated") == true, "\(String(describing: error))")
      break
    }
    #expect(try await db.execute("DELETE FROM items") == 2)
  }

  @Test func aWaiterThatGetsTheConnectionInTimeRuns() async throws {
    let db = try SQLiteDatabase.inMemory(acquireTimeout: .seconds(5))
    try await db.execute("CREATE TABLE items (n INTEGER)")
    let started = AsyncFlag()
    let block = Task {
      try await db.atomic {
        await started.set()
        try await Task.sleep(for: .milliseconds(100))
        try await db.execute("INSERT INTO items VALUES (1)")
      }
    }
    await started.wait()
    #expect(try await db.fetchValue("SELECT count(*) FROM items", as: Int.self) == 1)
    try await block.value
  }
}

/// A one-shot signal between tasks.
actor AsyncFlag {
  private var isSet = false
  private var waiters: [CheckedContinuation<Void, Never>] = []

  func set() {
    isSet = true
    for waiter in waiters { waiter.resume() }
    waiters.removeAll()
  }

  func wait() async {
    if isSet { return }
    await withCheckedContinuation { waiters.append($0) }
  }
}
