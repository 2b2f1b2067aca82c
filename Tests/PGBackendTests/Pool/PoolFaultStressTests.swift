import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// The pool under real faults: backends killed while it is busy, a server restart in
/// the middle of a run. It recovers by itself, and no write is reported successful
/// that did not commit.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason))
struct PoolFaultStressTests {
  @Test func backendsKilledWhileBusyLoseNoConfirmedWriteAndThePoolRecovers() async throws {
    try await PoolTest.withPool("pool_kill_busy", PoolOptions(minSize: 2, maxSize: 4), timeLimit: .seconds(60)) { pool in
      try await pool.execute("CREATE TABLE t (id int8 PRIMARY KEY)")
      let running = SharedBox(true)
      let killed = SharedBox<[Int32]>([])
      let killer = Task {
        try await PoolTest.admin(try PostgresTestServer.requireURL()) { admin in
          while running.current {
            try await Task.sleep(for: .milliseconds(120))
            guard running.current else { break }
            // pg_terminate_backend in the select list: only the rows the WHERE kept
            // are killed (in a WHERE, the planner may call it before the other tests).
            let pids = try await admin.fetchAll("""
              SELECT pid FROM (
                SELECT pid, pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
                WHERE application_name = 'pool_kill_busy' AND pid <> pg_backend_pid()
              ) AS victims WHERE terminated
              """).map { try $0.decode(Int32.self, at: 0) }
            killed.update { $0 += pids }
          }
        }
      }
      let ledger = try await Self.writeUntil(running, workers: 12, on: pool, stopAfter: .seconds(3))
      try await killer.value
      // The last backends killed are gone before the pool is judged.
      let pids = killed.current.map(String.init).joined(separator: ",")
      try await waitUntil("killed backends exit") {
        try await PoolTest.admin(try PostgresTestServer.requireURL()) {
          try await $0.fetchValue("SELECT count(*) FROM pg_stat_activity WHERE pid IN (\(unsafeRaw: pids))", as: Int.self) == 0
        }
      }

      #expect(!killed.current.isEmpty)
      #expect(ledger.unexpected.isEmpty, "\(ledger.unexpected.prefix(5))")
      let stored = try await Self.storedIDs(pool)
      #expect(ledger.confirmed.isSubset(of: stored), "confirmed but missing: \(ledger.confirmed.subtracting(stored).sorted().prefix(10))")
      #expect(ledger.confirmed.count > 100)
      // Recovered without help: every statement from here on succeeds.
      for _ in 0..<20 { #expect(try await pool.fetchValue("SELECT 1", as: Int.self) == 1) }
    }
  }

  @Test func aServerRestartMidRunIsSurvivedWithoutUserAction() async throws {
    try await ScratchCluster.with(timeLimit: .seconds(90)) { cluster in
      try await PoolTest.withPool("pool_restart", PoolOptions(minSize: 2, maxSize: 4), url: cluster.url,
                                  timeLimit: .seconds(60)) { pool in
        try await pool.execute("CREATE TABLE t (id int8 PRIMARY KEY)")
        let running = SharedBox(true)
        let restarted = SharedBox(false)
        let restarter = Task {
          try await Task.sleep(for: .milliseconds(700))
          try await cluster.restart()
          restarted.update { $0 = true }
          try await Task.sleep(for: .seconds(1))
          running.update { $0 = false }
        }
        let ledger = try await Self.writeUntil(running, workers: 8, on: pool, stopAfter: .seconds(30))
        try await restarter.value

        #expect(restarted.current)
        #expect(ledger.connectionErrors > 0, "the restart should have cut some writes")
        #expect(ledger.unexpected.isEmpty, "\(ledger.unexpected.prefix(5))")
        let stored = try await Self.storedIDs(pool)
        #expect(ledger.confirmed.isSubset(of: stored), "confirmed but missing: \(ledger.confirmed.subtracting(stored).sorted().prefix(10))")
        // Idle connections the restart killed are found dead and replaced, never handed out.
        for _ in 0..<20 { #expect(try await pool.fetchValue("SELECT 1", as: Int.self) == 1) }
        #expect(pool.size >= 2 && pool.size <= 4)
      }
    }
  }

  @Test func idleConnectionsKilledByTheServerAreNeverHandedOut() async throws {
    try await PoolTest.withPool("pool_kill_idle", PoolOptions(minSize: 3, maxSize: 3)) { pool in
      try await waitUntil("open") { pool.size == 3 && pool.idleCount == 3 }
      try await PoolTest.admin(try PostgresTestServer.requireURL()) { admin in
        _ = try await admin.fetchAll("""
          SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pool_kill_idle'
          """)
        try await waitUntil("gone") {
          try await admin.fetchValue("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pool_kill_idle'",
                                     as: Int.self) == 0
        }
      }
      // A backend leaves pg_stat_activity just before its process exits and its socket
      // closes: give the closing a moment (it takes microseconds) so that what is
      // tested is the pool's check, not that race.
      try await Task.sleep(for: .milliseconds(100))
      for _ in 0..<6 { #expect(try await pool.fetchValue("SELECT 1", as: Int.self) == 1) }
    }
  }

  /// `workers` tasks writing new ids until `running` turns false (or `stopAfter`),
  /// half as plain inserts, half as atomic blocks of two nested inserts.
  private static func writeUntil(_ running: SharedBox<Bool>, workers: Int, on pool: PostgresDatabase,
                                 stopAfter: Duration) async throws -> WriteLedger {
    let ledger = SharedBox(WriteLedger())
    let deadline = ContinuousClock.now + stopAfter
    await withTaskGroup(of: Void.self) { group in
      for worker in 0..<workers {
        group.addTask {
          var next = Int64(worker) * 1_000_000
          while running.current && ContinuousClock.now < deadline {
            next += 2
            let id = next
            do {
              if id % 4 == 0 {
                try await pool.execute("INSERT INTO t VALUES (\(id))")
                ledger.update { $0.confirmed.insert(id) }
              } else {
                try await pool.atomic {
                  try await pool.execute("INSERT INTO t VALUES (\(id))")
                  try await pool.atomic { try await pool.execute("INSERT INTO t VALUES (\(id + 1))") }
                }
                ledger.update { $0.confirmed.formUnion([id, id + 1]) }
              }
            } catch {
              ledger.update { $0.record(error) }
              try? await Task.sleep(for: .milliseconds(10))
            }
          }
        }
      }
    }
    running.update { $0 = false }
    return ledger.current
  }

  private static func storedIDs(_ pool: PostgresDatabase) async throws -> Set<Int64> {
    Set(try await pool.fetchAll("SELECT id FROM t").map { try $0.decode(Int64.self, at: 0) })
  }
}
