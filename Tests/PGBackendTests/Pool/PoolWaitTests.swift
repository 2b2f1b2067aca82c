import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// No acquire is without end: the default is finite, and a task waiting for a
/// connection an atomic block holds (and awaits it) fails naming the block.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason))
struct PoolWaitTests {
  @Test func theDefaultAcquireTimeoutIsThirtySeconds() {
    #expect(PoolOptions().acquireTimeout == .seconds(30))
    #expect(PoolOptions.defaultAcquireTimeout == .seconds(30))
  }

  @Test func aDetachedTaskTheBlockAwaitsFailsNamingTheBlock() async throws {
    try await PoolTest.withPool("pool_wait_block", PoolOptions(minSize: 1, maxSize: 1, acquireTimeout: .milliseconds(300))) { pool in
      try await pool.execute("CREATE TABLE items (n int)")
      let blockLine = #line + 1
      try await pool.atomic {
        try await pool.execute("INSERT INTO items VALUES (1)")
        let outside = Task.detached { try await pool.fetchAll("SELECT * FROM items") }
        let error = await #expect(throws: PoolError.self) { try await outside.value }
        #expect(error?.reason == .acquireTimeout)
        #expect(error?.message.contains("an atomic block at PGBackendTests/PoolWaitTests.swift:\(blockLine)") == true,
                "\(String(describing: error))")
        try await pool.execute("INSERT INTO items VALUES (2)")
      }
      #expect(try await pool.fetchValue("SELECT count(*) FROM items", as: Int.self) == 2)
    }
  }
}
