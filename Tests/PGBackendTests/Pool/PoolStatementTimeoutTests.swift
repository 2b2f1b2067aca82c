import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// `timeout:` on the pool's statements, as on a connection: the statement is
/// cancelled on the server, fails with `.queryCanceled`, and the pool goes on.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason))
struct PoolStatementTimeoutTests {
  @Test func aStatementPastItsTimeoutIsCanceledOnTheServer() async throws {
    try await PoolTest.withPool("pool_statement_timeout", PoolOptions(minSize: 1, maxSize: 1)) { (pool) async throws in
      let (error, elapsed) = await measure {
        await #expect(throws: DatabaseError.self) { _ = try await pool.fetchAll("SELECT pg_sleep(10)", timeout: .seconds(1)) }
      }
      #expect(error?.code == .queryCanceled)
      #expect(error?.message.contains("1 s") == true, "\(String(describing: error))")
      #expect(elapsed < .seconds(4))
      await #expect(throws: DatabaseError.self) { try await pool.execute("SELECT pg_sleep(10)", timeout: .milliseconds(200)) }
      await #expect(throws: DatabaseError.self) { _ = try await pool.fetchOne("SELECT pg_sleep(10)", timeout: .milliseconds(200)) }
      #expect(try await pool.fetchValue("SELECT 1", as: Int.self) == 1)
    }
  }

  @Test func aTimeoutInsideABlockCancelsTheBlocksStatement() async throws {
    try await PoolTest.withPool("pool_statement_timeout_block", PoolOptions(minSize: 1, maxSize: 1)) { (pool) async throws in
      let error = await #expect(throws: DatabaseError.self) {
        try await pool.atomic { _ = try await pool.fetchAll("SELECT pg_sleep(10)", timeout: .milliseconds(200)) }
      }
      #expect(error?.code == .queryCanceled)
    }
  }
}
