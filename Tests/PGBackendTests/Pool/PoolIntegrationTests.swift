import Foundation
import Model
@testable import PGBackend
import PostgresTestSupport
import QueryBuilder
import Synchronization
import Testing

/// `PostgresDatabase` against the real server.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason))
struct PoolIntegrationTests {
  private func withPool(_ schema: String, _ options: PoolOptions,
                        _ body: @escaping @Sendable (PostgresDatabase) async throws -> Void) async throws {
    try await PoolTest.withPool(schema, options, body)
  }

  private func serverConnections(_ name: String) async throws -> Int {
    try await PoolTest.serverConnections(name)
  }

  @Test func statementsAndModelsRunOnThePoolAndTheMinimumIsOpen() async throws {
    try await withPool("pool_basics", PoolOptions(minSize: 2, maxSize: 4)) { pool in
      try await waitUntil("min size") { pool.size == 2 }
      try await pool.execute("CREATE TABLE t (id int8 PRIMARY KEY, note text)")
      try await pool.execute("INSERT INTO t VALUES (1, 'a'), (2, 'b')")
      #expect(try await pool.fetchValue("SELECT count(*) FROM t", as: Int.self) == 2)
      var notes: [String] = []
      for try await row in pool.stream("SELECT note FROM t ORDER BY id") { notes.append(try row.decode(String.self, at: 0)) }
      #expect(notes == ["a", "b"])
      #expect(pool.minSize == 2 && pool.maxSize == 4 && !pool.isClosing)
      #expect(pool.pool.size == pool.size && pool.pool.idleCount == pool.idleCount && pool.pool.maxSize == 4)
    }
  }

  @Test func aReleasedConnectionIsResetForTheNextUser() async throws {
    try await withPool("pool_reset", PoolOptions(minSize: 1, maxSize: 1)) { pool in
      try await pool.withConnection { conn in
        try await conn.execute("SET statement_timeout = '123s'")
        try await conn.execute("LISTEN wren_pool_reset")
        _ = try await conn.fetchAll("SELECT pg_advisory_lock(42)")
        try await conn.execute("BEGIN")
        try await conn.execute("CREATE TEMP TABLE leftover (x int)")
      }
      try await pool.withConnection { (conn: PostgresConnection) async throws in
        #expect(!conn.hasOpenTransaction)
        #expect(try await conn.fetchValue("SHOW statement_timeout", as: String.self) == "0")
        #expect(try await conn.fetchValue("SELECT count(*) FROM pg_listening_channels()", as: Int.self) == 0)
        #expect(try await conn.fetchValue("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()", as: Int.self) == 0)
        #expect(try await conn.fetchValue("SELECT to_regclass('leftover') IS NULL", as: Bool.self) == true)
      }
    }
  }

  @Test func anAcquireTimeoutNamesTheHolders() async throws {
    try await withPool("pool_timeout", PoolOptions(minSize: 1, maxSize: 1, acquireTimeout: .milliseconds(200))) { pool in
      try await pool.withConnection { _ in
        let error = await #expect(throws: PoolError.self) {
          try await Task.detached { try await pool.withConnection { _ in } }.value
        }
        #expect(error?.reason == .acquireTimeout)
        #expect(error?.message.contains("PoolIntegrationTests.swift") == true, "\(String(describing: error))")
      }
      #expect(pool.waitingCount == 0 && pool.idleCount == 1)
    }
  }

  @Test func aCancelledWaiterLeavesThePoolAsItWas() async throws {
    try await withPool("pool_cancel", PoolOptions(minSize: 1, maxSize: 1)) { pool in
      try await pool.withConnection { _ in
        let waiter = Task.detached { try await pool.withConnection { _ in } }
        try await waitUntil("waiting") { pool.waitingCount == 1 }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(pool.waitingCount == 0)
      }
      #expect(pool.idleCount == 1 && pool.size == 1)
      #expect(try await pool.fetchValue("SELECT 1", as: Int.self) == 1)
    }
  }

  @Test func askingForASecondConnectionWhileHoldingTheLastFailsAtOnce() async throws {
    try await withPool("pool_self_deadlock", PoolOptions(minSize: 1, maxSize: 1)) { pool in
      try await pool.withConnection { _ in
        let error = await #expect(throws: PoolError.self) { try await pool.execute("SELECT 1") }
        #expect(error?.reason == .selfDeadlock)
        // Inside an atomic block the pool routes to the block's connection: no deadlock.
      }
      try await pool.atomic { () async throws in
        #expect(try await pool.fetchValue("SELECT 1", as: Int.self) == 1)
        #expect(try await pool.fetchValue("SELECT 2", as: Int.self) == 2)
      }
    }
  }

  @Test func closeWaitsForLeasedConnectionsAndThenRefusesAcquires() async throws {
    try await withPool("pool_close", PoolOptions(minSize: 1, maxSize: 2)) { pool in
      let released = SharedBox(false)
      let holder = Task.detached {
        try await pool.withConnection { _ in
          try await Task.sleep(for: .milliseconds(300))
          released.value.withLock { $0 = true }
        }
      }
      try await waitUntil("leased") { pool.size - pool.idleCount == 1 }
      await pool.close()
      #expect(released.value.withLock { $0 })
      try await holder.value
      #expect(pool.isClosing)
      let error = await #expect(throws: PoolError.self) { try await pool.execute("SELECT 1") }
      #expect(error?.reason == .closed)
      #expect(try await serverConnections("pool_close") == 0)
    }
  }

  @Test func aKilledConnectionIsReplacedAndNeverHandedOutAgain() async throws {
    try await withPool("pool_killed", PoolOptions(minSize: 1, maxSize: 1)) { pool in
      let pid = try await pool.withConnection { $0.backendPID }
      try await PostgresTestServer.admin { _ = try await $0.fetchAll("SELECT pg_terminate_backend(\(pid))") }
      try await waitUntil("terminated") {
        try await PostgresTestServer.admin {
          try await $0.fetchValue("SELECT count(*) FROM pg_stat_activity WHERE pid = \(pid)", as: Int.self) == 0
        }
      }
      // The first use finds it dead (a connection error); the pool then opens a new one.
      _ = try? await pool.fetchValue("SELECT 1", as: Int.self)
      let next = try await pool.withConnection { $0.backendPID }
      #expect(next != pid)
      #expect(try await pool.fetchValue("SELECT 1", as: Int.self) == 1)
    }
  }

  @Test func anIdleConnectionWhoseServerSentFATALIsNotHandedOutBeforeItsSocketCloses() async throws {
    // A terminated backend sends its FATAL and closes its socket a moment later. A
    // proxy holds that moment open: the FATAL alone must keep the connection from
    // being handed out.
    let serverURL = try #require(URLComponents(string: try PostgresTestServer.requireURL()))
    let serverPort = try #require(serverURL.port, "the test server is not reached over TCP: \(serverURL)")
    let proxy = try CuttingProxy(upstreamPort: serverPort)
    defer { proxy.stop() }
    let url = proxy.url(replacing: serverURL)
    let proxiedURL = try #require(url.string)
    try await PoolTest.withPool("pool_fatal_gap", PoolOptions(minSize: 1, maxSize: 1), url: proxiedURL,
                                timeLimit: .seconds(10)) { pool in
      proxy.holdCloses(true)
      for round in 1...3 {
        let pid = try await pool.withConnection { $0.backendPID }
        try await PostgresTestServer.admin { _ = try await $0.fetchAll("SELECT pg_terminate_backend(\(pid))") }
        try await waitUntil("backend \(pid) gone") {
          try await PostgresTestServer.admin {
            try await $0.fetchValue("SELECT count(*) FROM pg_stat_activity WHERE pid = \(pid)", as: Int.self) == 0
          }
        }
        try await Task.sleep(for: .milliseconds(50))  // the FATAL is in our socket by now; the end of stream is not
        #expect(try await pool.fetchValue("SELECT \(round)::int", as: Int.self) == round, "round \(round)")
        #expect(try await pool.withConnection { $0.backendPID } != pid)
      }
    }
  }

  @Test func aPoolThatCannotConnectFailsAtStartWithATypedError() async throws {
    let url = try PostgresTestServer.url(database: "wren_no_such_database")
    let error = await #expect(throws: DatabaseError.self) {
      _ = try await PostgresDatabase(url: url, pool: PoolOptions(minSize: 1, maxSize: 2))
    }
    #expect(error?.code == .invalidCatalogName)
  }
}

/// Hooks, replacement rules and the reset-skipping of plain statements.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason))
struct PoolLifecycleTests {
  private func pool(_ name: String, _ options: PoolOptions) async throws -> PostgresDatabase {
    var options = options
    options.connection.applicationName = name
    options.connection.connectTimeout = .seconds(60)
    return try await PostgresDatabase(url: try PostgresTestServer.requireURL(), pool: options)
  }

  @Test func setupRunsOncePerConnectionAndInitializeOnEveryAcquire() async throws {
    let setups = Counter(), initializes = Counter()
    let db = try await pool("pool_hooks", PoolOptions(
      minSize: 1, maxSize: 1,
      setup: { conn in setups.add(); try await conn.execute("SET application_name = 'set_up'") },
      initialize: { _ in initializes.add() }))
    defer { db.terminate() }
    for _ in 0..<3 { _ = try await db.withConnection { try await $0.fetchValue("SHOW application_name", as: String.self) } }
    #expect(setups.value == 1)
    #expect(initializes.value == 3)
  }

  @Test func aCustomResetReplacesTheDefaultAndAFailingOneClosesTheConnection() async throws {
    let resets = Counter()
    let db = try await pool("pool_custom_reset", PoolOptions(
      minSize: 1, maxSize: 1,
      reset: { _ in
        resets.add()
        if resets.value == 2 { throw DatabaseError(code: .other, message: "reset refused") }
      }))
    defer { db.terminate() }
    let first = try await db.withConnection { $0.backendPID }
    #expect(try await db.withConnection { $0.backendPID } == first)  // reset 1 passed; reset 2 fails
    let third = try await db.withConnection { $0.backendPID }
    #expect(third != first)
    #expect(resets.value == 3)
  }

  @Test func aConnectionIsReplacedAfterMaxQueries() async throws {
    let db = try await pool("pool_max_queries", PoolOptions(minSize: 1, maxSize: 1, maxQueries: 3))
    defer { db.terminate() }
    var pids: [Int32] = []
    for _ in 0..<8 { pids.append(try await db.withConnection { conn in _ = try await conn.fetchAll("SELECT 1"); return conn.backendPID }) }
    #expect(Set(pids).count > 1)
  }

  @Test func expireConnectionsReplacesIdleAndBusyOnes() async throws {
    let db = try await pool("pool_expire", PoolOptions(minSize: 2, maxSize: 2))
    defer { db.terminate() }
    try await waitUntil("open") { db.size == 2 }
    let before = try await db.withConnection { busy in
      let pid = busy.backendPID
      db.expireConnections()
      return pid
    }
    try await waitUntil("replaced") { db.size == 2 }
    let after = try await db.withConnection { $0.backendPID }
    #expect(after != before)
  }

  @Test func plainStatementsSkipTheResetButSessionChangesDoNot() {
    #expect(!PostgresDatabase.mayLeaveSessionState("SELECT \"id\", \"name\" FROM \"users\" WHERE \"id\" = \(1)"))
    #expect(!PostgresDatabase.mayLeaveSessionState("INSERT INTO users (name) VALUES (\("a")) RETURNING id"))
    #expect(!PostgresDatabase.mayLeaveSessionState("  UPDATE users SET age = age + 1"))
    #expect(!PostgresDatabase.mayLeaveSessionState("WITH x AS (SELECT 1) SELECT * FROM x"))
    for risky: SQL in ["SET statement_timeout = 0", "LISTEN x", "SELECT pg_advisory_lock(1)",
                       "SELECT set_config('a.b', 'c', false)", "SELECT * INTO TEMP t FROM users",
                       "BEGIN", "DECLARE c CURSOR WITH HOLD FOR SELECT 1", "CREATE TEMP TABLE t (x int)",
                       "SELECT 1; SET x = 1", "PREPARE p AS SELECT 1", "SELECT PG_NOTIFY('c', 'x')",
                       "SELECT Pg_Advisory_Xact_Lock(1)", "SELECT dblink_connect('x')", "SELECT LO_OPEN(1, 2)",
                       "select * from users cross join temp", "SELECT 1;"] {
      #expect(PostgresDatabase.mayLeaveSessionState(risky), "\(risky)")
    }
  }

  @Test func aModelsOwnStatementsSkipTheScanUntilChanged() {
    // The builder marks the statements it makes from a model's metadata alone.
    var marked: SQL = "SELECT \"id\" FROM \"users\" WHERE \"id\" = \(1)"
    marked.isPlainModelStatement = true
    #expect(!PostgresDatabase.mayLeaveSessionState(marked))
    var changed = marked
    changed.append(unsafeRaw: "; SET statement_timeout = 0")
    #expect(PostgresDatabase.mayLeaveSessionState(changed))
  }
}

/// Refusals, self-deadlock inside atomic blocks, terminate and connection options.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason))
struct PoolRefusalTests {
  @Test func aRoleOverItsConnectionLimitIsATypedTooManyConnectionsError() async throws {
    try await PostgresTestServer.admin {
      try await $0.execute("""
        DO $$ BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wren_pool_limited') THEN
            CREATE ROLE wren_pool_limited LOGIN CONNECTION LIMIT 1;
          END IF;
        END $$
        """)
    }
    let url = try PostgresTestServer.url(user: "wren_pool_limited")
    let pool = try await PostgresDatabase(url: url, pool: PoolOptions(minSize: 1, maxSize: 1))
    defer { pool.terminate() }
    let error = await #expect(throws: DatabaseError.self) {
      _ = try await PostgresDatabase(url: url, pool: PoolOptions(minSize: 1, maxSize: 2))
    }
    #expect(error?.code == .tooManyConnections, "\(String(describing: error))")
  }

  @Test func anUnknownRoleIsATypedAuthorizationError() async throws {
    let url = try PostgresTestServer.url(user: "wren_no_such_role")
    let error = await #expect(throws: DatabaseError.self) {
      _ = try await PostgresDatabase(url: url, pool: PoolOptions(minSize: 0, maxSize: 2))
    }
    #expect(error?.code == .invalidAuthorization, "\(String(describing: error))")
  }

  @Test func askingForAConnectionInsideAnAtomicBlockOnAnExhaustedPoolFailsAtOnce() async throws {
    try await PoolTest.withPool("pool_block_deadlock", PoolOptions(minSize: 1, maxSize: 1)) { pool in
      try await pool.atomic { () async throws in
        let error = await #expect(throws: PoolError.self) { try await pool.withConnection { _ in } }
        #expect(error?.reason == .selfDeadlock)
        #expect(error?.message.contains("atomic block") == true)
        // The block's own statements still run on its connection.
        #expect(try await pool.fetchValue("SELECT 1", as: Int.self) == 1)
      }
    }
  }

  @Test func terminateClosesLeasedConnectionsUnderTheirHolders() async throws {
    try await PoolTest.withPool("pool_terminate", PoolOptions(minSize: 1, maxSize: 2)) { pool in
      let holding = SharedBox(false)
      let holder = Task.detached {
        try await pool.withConnection { conn in
          holding.update { $0 = true }
          try await Task.sleep(for: .milliseconds(300))
          _ = try await conn.fetchAll("SELECT 1")
        }
      }
      try await waitUntil("held") { holding.current }
      pool.terminate()
      let error = await #expect(throws: DatabaseError.self) { try await holder.value }
      #expect(error?.code == .connectionFailure)
      #expect(pool.isClosing)
      try await waitUntil("server side closed") { try await PoolTest.serverConnections("pool_terminate") == 0 }
      let refused = await #expect(throws: PoolError.self) { try await pool.execute("SELECT 1") }
      #expect(refused?.reason == .closed)
    }
  }

  @Test func setConnectOptionsAppliesToConnectionsOpenedAfterwards() async throws {
    try await PoolTest.withPool("pool_connect_options", PoolOptions(minSize: 1, maxSize: 1)) { (pool) async throws in
      #expect(try await pool.fetchValue("SHOW application_name", as: String.self) == "pool_connect_options")
      var changed = pool.options.connection
      changed.applicationName = "pool_connect_options_2"
      pool.setConnectOptions(changed)
      #expect(try await pool.fetchValue("SHOW application_name", as: String.self) == "pool_connect_options")
      pool.expireConnections()
      #expect(try await pool.fetchValue("SHOW application_name", as: String.self) == "pool_connect_options_2")
    }
  }
}
