import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// `terminate()` closes leased connections under their holders: work in flight stops
/// on the server, and its caller hears of it at once.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason))
struct PoolTerminateTests {
  /// Whether a backend of `applicationName` is running `pg_sleep` right now.
  private func isSleeping(_ applicationName: String) async throws -> Bool {
    try await PostgresTestServer.admin {
      try await $0.fetchValue("""
        SELECT count(*) FROM pg_stat_activity
        WHERE application_name = \(applicationName) AND state = 'active' AND query LIKE '%pg_sleep%'
        """, as: Int.self) == 1
    }
  }

  @Test func aStatementInFlightIsCancelledOnTheServerAndFailsAtOnce() async throws {
    try await PoolTest.withPool("pool_terminate_sleep", PoolOptions(minSize: 1, maxSize: 2)) { pool in
      let holder = Task.detached { try await pool.execute("SELECT pg_sleep(30)") }
      try await waitUntil("sleeping") { try await isSleeping("pool_terminate_sleep") }
      let (error, elapsed) = await measure {
        pool.terminate()
        return await #expect(throws: DatabaseError.self) { try await holder.value }
      }
      #expect(elapsed < .seconds(1), "the holder heard after \(elapsed)")
      #expect(error?.code == .connectionFailure)
      #expect(error?.message.contains("the pool was terminated") == true, "\(String(describing: error))")
      // The server stopped the statement: its backend is gone well before 30 s.
      try await waitUntil("backend gone", limit: .seconds(2)) {
        try await PoolTest.serverConnections("pool_terminate_sleep") == 0
      }
    }
  }

  @Test func aBlockInFlightFailsAtOnceAndItsWorkIsRolledBack() async throws {
    try await PoolTest.withPool("pool_terminate_block", PoolOptions(minSize: 1, maxSize: 2)) { pool in
      try await pool.execute("CREATE TABLE notes (body text)")
      let holder = Task.detached {
        try await pool.atomic {
          try await pool.execute("INSERT INTO notes VALUES ('uncommitted')")
          try await pool.execute("SELECT pg_sleep(30)")
        }
      }
      try await waitUntil("sleeping") { try await isSleeping("pool_terminate_block") }
      let (error, elapsed) = await measure {
        pool.terminate()
        return await #expect(throws: (any Error).self) { try await holder.value }
      }
      #expect(elapsed < .seconds(1), "the block heard after \(elapsed)")
      #expect(error.map { "\($0)" }?.contains("the pool was terminated") == true, "\(String(describing: error))")
      try await waitUntil("backend gone", limit: .seconds(2)) {
        try await PoolTest.serverConnections("pool_terminate_block") == 0
      }
      let left = try await PostgresTestServer.admin {
        try await $0.fetchValue("SELECT count(*) FROM pool_terminate_block.notes", as: Int.self)
      }
      #expect(left == 0)
    }
  }

  @Test func aHolderBetweenStatementsLosesItsRowLocksAtOnce() async throws {
    try await PoolTest.withPool("pool_terminate_locks", PoolOptions(minSize: 1, maxSize: 2)) { pool in
      try await pool.execute("CREATE TABLE stock (id int PRIMARY KEY, count int); INSERT INTO stock VALUES (1, 5)")
      let locked = SharedBox(false)
      let holder = Task.detached {
        try await pool.atomic {
          _ = try await pool.fetchAll("SELECT * FROM stock WHERE id = 1 FOR UPDATE")
          locked.update { $0 = true }
          try await Task.sleep(for: .seconds(30))
        }
      }
      defer { holder.cancel() }
      try await waitUntil("locked") { locked.current }
      pool.terminate()
      // Another session gets the row within its lock timeout: the terminated session
      // ended on the server, its transaction rolled back, though its task still sleeps.
      try await PostgresTestServer.admin { db in
        try await db.execute("SET lock_timeout = '2s'")
        #expect(try await db.execute("UPDATE pool_terminate_locks.stock SET count = 4 WHERE id = 1") == 1)
      }
    }
  }
}
