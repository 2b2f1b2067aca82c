import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// The pool under many tasks: bounded, fair enough to finish, never deadlocked.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason))
struct PoolStressTests {
  @Test func twoThousandTasksOfMixedWorkShareFiveServerConnections() async throws {
    try await PoolTest.withPool("pool_load", PoolOptions(minSize: 1, maxSize: 5), timeLimit: .seconds(120)) { pool in
      try await pool.execute("CREATE TABLE t (id int8 PRIMARY KEY, hits int8 NOT NULL DEFAULT 0)")
      try await pool.execute("CREATE TABLE counter (n int8 NOT NULL); INSERT INTO counter VALUES (0)")
      let sampling = SharedBox(true)
      let peak = SharedBox(0)
      // Counts the pool's server connections while the run goes on, from outside it.
      let sampler = Task {
        try await PoolTest.admin(try PostgresTestServer.requireURL()) { admin in
          while sampling.current {
            let now = try await admin.fetchValue(
              "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pool_load'", as: Int.self) ?? 0
            peak.update { $0 = max($0, now) }
            try await Task.sleep(for: .milliseconds(5))
          }
        }
      }
      let failures = SharedBox<[String]>([])
      await withTaskGroup(of: Void.self) { group in
        for i in 0..<2_000 {
          group.addTask {
            do {
              try await Self.work(i, on: pool)
            } catch {
              failures.update { $0.append("task \(i): \(error)") }
            }
          }
        }
      }
      sampling.update { $0 = false }
      try await sampler.value

      #expect(failures.current.isEmpty, "\(failures.current.prefix(5))")
      #expect(peak.current >= 1 && peak.current <= 5, "peak \(peak.current)")
      #expect(pool.size <= 5)
      #expect(try await pool.fetchValue("SELECT count(*) FROM t", as: Int.self) == 400)
      // Every task of kind 1 and 2 bumped the counter once (2 of every 5 tasks).
      #expect(try await pool.fetchValue("SELECT n FROM counter", as: Int.self) == 800)
      #expect(try await pool.fetchValue("SELECT sum(hits)::int8 FROM t", as: Int.self) == 400)
      #expect(pool.waitingCount == 0 && pool.idleCount == pool.size)
    }
  }

  /// One task's work, by `i % 5`: an atomic block with a nested one, a plain update,
  /// a query, a stream, and a block whose nested part fails and is rolled back.
  private static func work(_ i: Int, on pool: PostgresDatabase) async throws {
    let id = Int64(i)
    switch i % 5 {
    case 0:
      try await pool.atomic {
        try await pool.execute("INSERT INTO t (id) VALUES (\(id))")
        try await pool.atomic { try await pool.execute("UPDATE t SET hits = hits + 1 WHERE id = \(id)") }
      }
    case 1:
      try await pool.execute("UPDATE counter SET n = n + 1")
    case 2:
      try await pool.atomic(isolation: .repeatableRead, retry: 50) { () async throws in
        let n = try await pool.fetchValue("SELECT n FROM counter FOR UPDATE", as: Int.self) ?? 0
        try await pool.execute("UPDATE counter SET n = \(Int64(n + 1))")
      }
    case 3:
      var seen = 0
      for try await _ in pool.stream("SELECT g FROM generate_series(1, 20) AS g") { seen += 1 }
      guard seen == 20 else { throw MisuseError("stream gave \(seen) rows") }
    default:
      try await pool.atomic {
        do {
          try await pool.atomic {
            try await pool.execute("INSERT INTO t (id) VALUES (\(-id))")
            throw MisuseError("roll back the nested block")
          }
        } catch is MisuseError {}
        _ = try await pool.fetchValue("SELECT count(*) FROM t", as: Int.self)
      }
    }
  }
}
