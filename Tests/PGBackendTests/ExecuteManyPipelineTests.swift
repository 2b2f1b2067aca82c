import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// `executeMany` on PostgreSQL: one pipeline per batch, on a connection, a pool and
/// in a block, cut short by cancellation or a killed connection without leaving
/// anything behind.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason))
struct ExecuteManyPipelineTests {
  /// A statement that takes 10 ms per row, so that a batch runs long enough to stop.
  private static let slowInsert: SQL = "INSERT INTO t SELECT $1 FROM pg_sleep(0.01)"

  @Test func aBatchCostsAboutOneRoundTripNotOnePerRow() async throws {
    try await TransactionsCommitOutcomeTests.withProxiedConnection(schema: "many_pipeline") { conn, observer, proxy in
      try await conn.executeMany("INSERT INTO t VALUES ($1)", [[0]])  // prepared: only the batch is timed
      proxy.setLatency(.milliseconds(25))
      let (_, roundTrip) = try await measure { try await conn.execute("SELECT 1") }
      #expect(roundTrip >= .milliseconds(25))  // the proxy does delay
      let (changed, elapsed) = try await measure {
        try await conn.executeMany("INSERT INTO t VALUES ($1)", (1...100).map { [$0] })
      }
      #expect(changed == 100)
      // A round trip per row would take 100 × 25 ms at the least.
      #expect(elapsed < .seconds(1), "\(elapsed)")
      #expect(try await observer.fetchValue("SELECT count(*) FROM t", as: Int.self) == 101)
    }
  }

  @Test func aValueThatCannotBeEncodedFailsBeforeAnythingIsSent() async throws {
    try await PostgresTestServer.withConnection(schema: "many_encode") { conn in
      try await conn.execute("CREATE TABLE t (id int8 PRIMARY KEY)")
      let error = await #expect(throws: DatabaseError.self) {
        try await conn.executeMany("INSERT INTO t VALUES ($1)", [[1], ["two"], [3]])
      }
      #expect(error?.batchRow == 1)
      #expect(try await conn.fetchValue("SELECT count(*) FROM t", as: Int.self) == 0)
    }
  }

  @Test func cancellingABatchStopsItAndLeavesNothingAndAUsableConnection() async throws {
    try await PostgresTestServer.withConnection(schema: "many_cancel") { conn in
      try await conn.execute("CREATE TABLE t (id int8 PRIMARY KEY)")
      let batch = Task { try await conn.executeMany(Self.slowInsert, (1...1_000).map { [$0] }) }
      try await Task.sleep(for: .milliseconds(300))
      let (result, elapsed) = await measure {
        batch.cancel()
        return await batch.result
      }
      #expect(throws: CancellationError.self) { try result.get() }
      #expect(elapsed < .seconds(3))  // the whole batch takes ten seconds
      #expect(try await conn.fetchValue("SELECT count(*) FROM t", as: Int.self) == 0)
      #expect(try await conn.executeMany("INSERT INTO t VALUES ($1)", [[1], [2]]) == 2)
    }
  }

  @Test func aConnectionKilledMidBatchCommitsNothing() async throws {
    try await PostgresTestServer.withConnection(schema: "many_killed") { conn in
      try await conn.execute("CREATE TABLE t (id int8 PRIMARY KEY)")
      let batch = Task { try await conn.executeMany(Self.slowInsert, (1...1_000).map { [$0] }) }
      try await Task.sleep(for: .milliseconds(300))
      try await PostgresTestServer.admin { _ = try await $0.fetchAll("SELECT pg_terminate_backend(\(conn.backendPID))") }
      let error = await #expect(throws: DatabaseError.self) { try await batch.value }
      #expect(error?.code == .connectionFailure)
      #expect(conn.isClosed)
      let observer = try await PostgresTestServer.connect(searchPath: "many_killed")
      let count = try await PostgresTestServer.closing(observer) { try await $0.fetchValue("SELECT count(*) FROM t", as: Int.self) }
      #expect(count == 0)
    }
  }

  @Test func aBatchOnThePoolAndInsideABlockOnThePool() async throws {
    try await PoolTest.withPool("many_pool", PoolOptions(minSize: 1, maxSize: 2)) { pool in
      try await pool.execute("CREATE TABLE t (id int8 PRIMARY KEY)")
      #expect(try await pool.executeMany("INSERT INTO t VALUES ($1)", [[1], [2], [3]]) == 3)
      await #expect(throws: DatabaseError.self) {
        try await pool.atomic {
          try await pool.executeMany("INSERT INTO t VALUES ($1)", [[4], [5]])
          try await pool.executeMany("INSERT INTO t VALUES ($1)", [[6], [1]])  // 1 is taken
        }
      }
      #expect(try await pool.fetchValue("SELECT count(*) FROM t", as: Int.self) == 3)
      try await pool.atomic { () async throws in
        #expect(try await pool.executeMany("INSERT INTO t VALUES ($1)", [[4], [5]]) == 2)
      }
      #expect(try await pool.fetchValue("SELECT count(*) FROM t", as: Int.self) == 5)
    }
  }
}
