import Model
import PGBackend
import PostgresTestSupport
import QueryBuilder
import Synchronization
import Testing

/// A cached statement that a schema change made stale: inside an atomic block its
/// error is typed and retryable, and the cache lets go of it; a parameter whose
/// column was widened is described again instead of failing on the client.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason), .timeLimit(.minutes(1)))
struct StaleStatementTests {
  private static let select: SQL = "SELECT * FROM shelves ORDER BY id"

  /// Creates `shelves`, caches the select on `db`, then adds a column.
  private func makeStale(_ db: any Database) async throws {
    try await db.execute("CREATE TABLE shelves (id int PRIMARY KEY, name text); INSERT INTO shelves VALUES (1, 'a')")
    #expect(try await db.fetchAll(Self.select).first?.count == 2)
    try await db.execute("ALTER TABLE shelves ADD COLUMN label text")
  }

  @Test func aStalePlanInsideABlockIsATypedRetryableErrorAndIsDropped() async throws {
    try await PostgresTestServer.withConnection(schema: "stale_block") { conn in
      try await makeStale(conn)
      let error = await #expect(throws: DatabaseError.self) {
        try await conn.atomic { _ = try await conn.fetchAll(Self.select) }
      }
      #expect(error?.code == .invalidCachedStatement, "\(String(describing: error))")
      #expect(error?.sqlState == "0A000")
      #expect(error?.isRetryable == true)
      // The cache let go of it: the next block prepares it anew.
      let columns = try await conn.atomic { try await conn.fetchAll(Self.select).first?.count }
      #expect(columns == 3)
    }
  }

  @Test func atomicWithRetryRunsTheBlockAgainAfterAStalePlan() async throws {
    try await PostgresTestServer.withConnection(schema: "stale_retry") { conn in
      try await makeStale(conn)
      let attempts = SharedCounter()
      let columns = try await conn.atomic(retry: 1) {
        attempts.add()
        return try await conn.fetchAll(Self.select).first?.count
      }
      #expect(columns == 3)
      #expect(attempts.value == 2)
    }
  }

  @Test func onAPoolTheRetriedBlockSeesTheNewColumns() async throws {
    try await PoolTest.withPool("stale_pool", PoolOptions(minSize: 1, maxSize: 1)) { pool in
      try await makeStale(pool)
      let columns = try await pool.atomic(retry: 1) { try await pool.fetchAll(Self.select).first?.count }
      #expect(columns == 3)
    }
  }

  @Test func aWidenedParameterIsDescribedAgainInsteadOfFailingOnTheClient() async throws {
    try await PostgresTestServer.withConnection(schema: "stale_widened") { conn in
      try await conn.execute("CREATE TABLE counters (id int PRIMARY KEY, hits int NOT NULL)")
      let insert: (Int64, Int64) -> SQL = { id, hits in "INSERT INTO counters (id, hits) VALUES (\(id), \(hits))" }
      try await conn.execute(insert(1, 1))   // described with int4 parameters, cached
      try await conn.execute("ALTER TABLE counters ALTER COLUMN hits TYPE bigint")
      let big: Int64 = 1 << 40
      #expect(try await conn.execute(insert(2, big)) == 1)
      try await conn.atomic { () async throws in #expect(try await conn.execute(insert(3, big)) == 1) }
      // A value that fits no description still fails, naming the parameter.
      let tooBig: SQL = "INSERT INTO counters (id, hits) VALUES (\(Int64(1) << 33), \(Int64(1)))"
      let error = await #expect(throws: DatabaseError.self) { try await conn.execute(tooBig) }
      #expect(error?.code == .numericValueOutOfRange)
      #expect(try await conn.fetchValue("SELECT sum(hits) FROM counters", as: Int64.self) == 1 + 2 * big)
    }
  }

  @Test func aWidenedParameterIsDescribedAgainForStreamsAndBatches() async throws {
    try await PostgresTestServer.withConnection(schema: "stale_widened_batch") { conn in
      try await conn.execute("CREATE TABLE counters (id int PRIMARY KEY, hits int NOT NULL)")
      let batch: SQL = "INSERT INTO counters (id, hits) VALUES ($1, $2)"
      try await conn.executeMany(batch, [[Int64(1), Int64(1)]])
      let select: (Int64) -> SQL = { hits in "SELECT id FROM counters WHERE hits < \(hits)" }
      for try await _ in conn.stream(select(10)) {}
      try await conn.execute("ALTER TABLE counters ALTER COLUMN hits TYPE bigint")
      let big: Int64 = 1 << 40
      #expect(try await conn.executeMany(batch, [[Int64(2), big], [Int64(3), big]]) == 2)
      var ids: [Int64] = []
      for try await row in conn.stream(select(big + 1)) { ids.append(try row.decode(Int64.self, at: 0)) }
      #expect(ids.sorted() == [1, 2, 3])
    }
  }
}

/// A count shared by the attempts of a block.
private final class SharedCounter: Sendable {
  private let count = Mutex(0)
  var value: Int { count.withLock { $0 } }
  func add() { count.withLock { $0 += 1 } }
}
