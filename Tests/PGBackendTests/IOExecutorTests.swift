import Model
@testable import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// `PostgresDatabase.ioExecutor` against the real server: tasks that prefer it run on
/// the executor reactor's threads, and their statements, timeouts, cancellations and
/// notifications behave as they do on Swift's own pool, also when one connection goes
/// back and forth between the two reactors.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason), .timeLimit(.minutes(1)))
struct IOExecutorTests {
  /// "At once" on a busy two-core machine running the whole suite in parallel.
  static let prompt: Duration = .seconds(3)

  @Model(table: "parcels")
  struct Parcel: Equatable, Sendable {
    @ID var id: Int64?
    var label: String
    var grams: Int
  }

  // MARK: Where tasks run

  @Test func aTaskPreferringTheIOExecutorRunsOnItsLoopThreads() async throws {
    try await PoolTest.withPool("ioexec_threads", PoolOptions(minSize: 1, maxSize: 2)) { db in
      let onExecutor = try await Task(executorPreference: PostgresDatabase.ioExecutor) { () async throws -> [Bool] in
        var seen = [Self.isOnExecutorThread]
        for n in 0..<5 {
          #expect(try await db.fetchValue("SELECT \(Int64(n))::int8", as: Int64.self) == Int64(n))
          seen.append(Self.isOnExecutorThread)  // resumed where the reply was seen
        }
        return seen
      }.value
      #expect(onExecutor == Array(repeating: true, count: 6))

      // Structured preference: the block and the child tasks it starts.
      let structured = try await withTaskExecutorPreference(PostgresDatabase.ioExecutor) {
        async let child = { () async throws -> Bool in
          _ = try await db.fetchValue("SELECT 1", as: Int.self)
          return Self.isOnExecutorThread
        }()
        _ = try await db.fetchValue("SELECT 2", as: Int.self)
        return try await (Self.isOnExecutorThread, child)
      }
      #expect(structured.0 && structured.1)

      let ordinary = try await Task.detached { () async throws -> (SocketReactor?, SocketReactor?) in
        let before = SocketReactor.onReactorThread
        #expect(try await db.fetchValue("SELECT 3", as: Int.self) == 3)
        return (before, SocketReactor.onReactorThread)
      }.value
      #expect(ordinary.0 == nil && ordinary.1 == nil, "an ordinary task runs on Swift's pool, not a reactor's thread")
    }
  }

  @Test func aTaskOnTheIOExecutorStaysOnOneLoopFromStatementToStatement() async throws {
    try await PoolTest.withPool("ioexec_affinity", PoolOptions(minSize: 1, maxSize: 1)) { db in
      let loops = try await Task(executorPreference: PostgresDatabase.ioExecutor) { () async throws -> [ObjectIdentifier?] in
        var seen: [ObjectIdentifier?] = []
        for n in 0..<20 {
          #expect(try await db.fetchValue("SELECT \(Int64(n))::int8", as: Int64.self) == Int64(n))
          seen.append(SocketReactor.onReactorThread.map(ObjectIdentifier.init))
        }
        return seen
      }.value
      // The connection's socket is watched by the task's loop, whose reply resumes it there.
      #expect(Set(loops).count == 1 && loops.first != nil, "\(loops)")
    }
  }

  @Test func poolStatementsModelsAndAtomicBlocksOnTheIOExecutorReturnTheirRows() async throws {
    try await PoolTest.withPool("ioexec_rows", PoolOptions(minSize: 1, maxSize: 2)) { db in
      try await withTaskExecutorPreference(PostgresDatabase.ioExecutor) {
        try await db.create(Parcel.self)
        var first = Parcel(label: "book", grams: 450)
        try await first.insert(db)
        let id = try #require(first.id)
        #expect(try await Parcel.fetchOne(db, id: id) == first)

        try await db.atomic {
          var second = Parcel(label: "lamp", grams: 1_200)
          try await second.insert(db)
          try await db.execute("UPDATE parcels SET grams = grams + \(50) WHERE id = \(id)")
          #expect(Self.isOnExecutorThread)
        }
        await #expect(throws: MisuseError.self) {
          try await db.atomic {
            var third = Parcel(label: "rolled back", grams: 1)
            try await third.insert(db)
            throw MisuseError("roll back")
          }
        }
        let total = try await db.transaction { tx in
          try await tx.fetchValue("SELECT sum(grams)::int8 FROM parcels", as: Int64.self)
        }
        #expect(total == 1_700)

        let rows = try await db.fetchAll("SELECT label, grams FROM parcels ORDER BY id")
        #expect(try rows.map { try $0.decode(String.self, at: 0) } == ["book", "lamp"])
        #expect(try rows.map { try $0.decode(Int.self, at: 1) } == [500, 1_200])
        #expect(try await Parcel.count(db) == 2)
        var streamed: [String] = []
        for try await row in db.stream("SELECT label FROM parcels ORDER BY id DESC") {
          streamed.append(try row.decode(String.self, at: 0))
        }
        #expect(streamed == ["lamp", "book"])
        #expect(Self.isOnExecutorThread)
      }
      #expect(db.idleCount == db.size && db.waitingCount == 0)
    }
  }

  // MARK: Many tasks

  @Test func manyConcurrentTasksOnTheIOExecutorAllGetTheirOwnAnswersAndTheSmallPoolLeaksNothing() async throws {
    try await PoolTest.withPool("ioexec_many", PoolOptions(minSize: 1, maxSize: 4)) { db in
      let tasks = 64, queries = 25
      let wrong = try await withThrowingTaskGroup(of: Int.self) { group in
        for task in 0..<tasks {
          group.addTask(executorPreference: PostgresDatabase.ioExecutor) {
            var wrong = 0
            for query in 0..<queries {
              let value = Int64(task * 1_000 + query)
              let row = try await db.fetchOne("SELECT \(value)::int8 * 2, \(String(value))::text")
              if try row?.decode(Int64.self, at: 0) != value * 2 || row?.decode(String.self, at: 1) != String(value) {
                wrong += 1
              }
              if !Self.isOnExecutorThread { wrong += 1 }
            }
            return wrong
          }
        }
        return try await group.reduce(0, +)
      }
      #expect(wrong == 0)
      #expect(db.size >= 1 && db.size <= 4)
      #expect(db.idleCount == db.size, "every connection came back")
      #expect(db.waitingCount == 0)
      #expect(try await db.fetchValue("SELECT 1", as: Int.self) == 1)
    }
  }

  @Test func executorAndOrdinaryTasksSharingOnePoolAllGetTheirOwnAnswers() async throws {
    try await PoolTest.withPool("ioexec_mixed", PoolOptions(minSize: 1, maxSize: 3)) { db in
      let wrong = try await Self.wrongAnswers(fromMixedTasks: 32) {
        try await db.fetchValue("SELECT \($0)::int8 + 1", as: Int64.self)
      }
      #expect(wrong == 0)
      #expect(db.idleCount == db.size && db.waitingCount == 0)
    }
  }

  // MARK: One connection, both reactors

  @Test func aPoolConnectionUsedAlternatelyFromExecutorAndOrdinaryTasksKeepsWorking() async throws {
    try await PoolTest.withPool("ioexec_alternate_pool", PoolOptions(minSize: 1, maxSize: 1)) { db in
      let pid = try await db.withConnection { $0.backendPID }
      for round in 0..<100 {
        let value = Int64(round)
        let fromExecutor = try await Task(executorPreference: PostgresDatabase.ioExecutor) {
          try await db.withConnection { conn in
            (try await conn.fetchValue("SELECT \(value)::int8", as: Int64.self), conn.backendPID)
          }
        }.value
        let fromPool = try await Task.detached {
          try await db.withConnection { conn in
            (try await conn.fetchValue("SELECT \(value + 1)::int8", as: Int64.self), conn.backendPID)
          }
        }.value
        #expect(fromExecutor.0 == value && fromPool.0 == value + 1, "round \(round)")
        #expect(fromExecutor.1 == pid && fromPool.1 == pid, "round \(round): the one connection is kept")
      }
      #expect(db.size == 1 && db.idleCount == 1 && db.waitingCount == 0)
    }
  }

  @Test func aPlainConnectionUsedAlternatelyAndAtOnceFromBothSidesKeepsWorking() async throws {
    try await PostgresTestServer.withConnection(schema: "ioexec_alternate_conn") { conn in
      for round in 0..<100 {
        let value = Int64(round)
        let executorAnswer = try await Task(executorPreference: PostgresDatabase.ioExecutor) {
          try await conn.fetchValue("SELECT \(value)::int8", as: Int64.self)
        }.value
        let ordinaryAnswer = try await Task.detached {
          try await conn.fetchValue("SELECT \(value)::int8 + 1", as: Int64.self)
        }.value
        #expect(executorAnswer == value && ordinaryAnswer == value + 1, "round \(round)")
      }
      // Both sides at once: the statements queue on the connection and each wait
      // happens on the reactor of the task whose turn it is.
      let wrong = try await Self.wrongAnswers(fromMixedTasks: 16) {
        try await conn.fetchValue("SELECT \($0)::int8 + 1", as: Int64.self)
      }
      #expect(wrong == 0)
      #expect(try await conn.fetchValue("SELECT 1", as: Int.self) == 1)
    }
  }

  @Test func anIdleConnectionKilledOnTheServerIsReplacedForTheOtherSidesNextStatement() async throws {
    try await PoolTest.withPool("ioexec_killed", PoolOptions(minSize: 1, maxSize: 1)) { db in
      // Last used on the executor, next used by an ordinary task; then the other way round.
      for executorFirst in [true, false] {
        let executor: (any TaskExecutor)? = PostgresDatabase.ioExecutor, ordinary: (any TaskExecutor)? = nil
        let (usedFirst, thenUse) = executorFirst ? (executor, ordinary) : (ordinary, executor)
        let pid = try await withTaskExecutorPreference(usedFirst) {
          try await db.withConnection { conn in
            _ = try await conn.fetchAll("SELECT 1")
            return conn.backendPID
          }
        }
        try await Self.terminate(pid)
        let (answer, newPID) = try await withTaskExecutorPreference(thenUse) {
          try await db.withConnection { conn in
            (try await conn.fetchValue("SELECT 42", as: Int.self), conn.backendPID)
          }
        }
        #expect(answer == 42, "executor first: \(executorFirst)")
        #expect(newPID != pid, "executor first: \(executorFirst)")
        #expect(db.size == 1 && db.idleCount == 1, "the dead connection was discarded")
        // The same through the pool's own statements, from the side that came first.
        try await Self.terminate(newPID)
        #expect(try await withTaskExecutorPreference(usedFirst) { try await db.fetchValue("SELECT 7", as: Int.self) } == 7)
      }
    }
  }

  // MARK: Timeouts and cancellation

  @Test func aCommandTimeoutOnTheIOExecutorCancelsTheStatementAndTheConnectionGoesOn() async throws {
    let options = PoolOptions(minSize: 1, maxSize: 1, commandTimeout: .milliseconds(200))
    try await PoolTest.withPool("ioexec_timeout", options) { db in
      try await withTaskExecutorPreference(PostgresDatabase.ioExecutor) {
        let pid = try await db.withConnection { $0.backendPID }
        let (error, elapsed) = try await measure {
          try await #require(throws: DatabaseError.self) { try await db.fetchAll("SELECT pg_sleep(5)") }
        }
        #expect(error.code == .queryCanceled)
        #expect(!error.isConnectionFatal)
        #expect(elapsed >= .milliseconds(200) && elapsed < Self.prompt, "\(elapsed)")
        #expect(Self.isOnExecutorThread)
        let (answer, samePID) = try await db.withConnection { conn in
          (try await conn.fetchValue("SELECT 1", as: Int.self), conn.backendPID)
        }
        #expect(answer == 1)
        #expect(samePID == pid, "a timed-out statement leaves its connection usable")
      }
      #expect(db.idleCount == 1 && db.waitingCount == 0)
    }
  }

  @Test func cancellingATaskOnTheIOExecutorStopsItsRunningStatementPromptly() async throws {
    try await PoolTest.withPool("ioexec_cancel", PoolOptions(minSize: 1, maxSize: 1)) { db in
      let task = Task(executorPreference: PostgresDatabase.ioExecutor) {
        try await db.fetchAll("SELECT pg_sleep(5)")
      }
      try await waitUntil("pg_sleep runs") { try await Self.sleepers("ioexec_cancel") == 1 }
      let (result, elapsed) = await measure {
        task.cancel()
        return await task.result
      }
      #expect(throws: CancellationError.self) { try result.get() }
      #expect(elapsed < Self.prompt, "\(elapsed)")
      #expect(try await Self.sleepers("ioexec_cancel") == 0, "cancelled on the server too")
      let answer = try await Task(executorPreference: PostgresDatabase.ioExecutor) {
        try await db.fetchValue("SELECT 1", as: Int.self)
      }.value
      #expect(answer == 1)
      #expect(db.size == 1 && db.idleCount == 1 && db.waitingCount == 0)
    }
  }

  // MARK: Notifications

  @Test func aListenIterationOnTheIOExecutorReceivesNotificationsSentFromOrdinaryTasks() async throws {
    try await PoolTest.withPool("ioexec_listen", PoolOptions(minSize: 1, maxSize: 2)) { db in
      let notes = try await db.listen("ioexec_orders")
      let consumer = Task(executorPreference: PostgresDatabase.ioExecutor) {
        var payloads: [String] = []
        for try await note in notes {
          #expect(Self.isOnExecutorThread)
          payloads.append(note.payload)
          if payloads.count == 3 { break }
        }
        return payloads
      }
      try await Task.sleep(for: .milliseconds(100))  // the consumer waits on the executor reactor
      try await Task.detached {
        for payload in ["one", "two", "three"] { try await db.notify("ioexec_orders", payload: payload) }
      }.value
      let payloads = try await withTimeout(.seconds(10), "notifications") { try await consumer.value }
      #expect(payloads == ["one", "two", "three"])
    }
  }

  @Test func cancellingTheIOExecutorTaskThatAwaitsNotificationsEndsTheIterationPromptly() async throws {
    try await PoolTest.withPool("ioexec_listen_cancel", PoolOptions(minSize: 1, maxSize: 1)) { db in
      let consumer = Task(executorPreference: PostgresDatabase.ioExecutor) {
        var count = 0
        for try await _ in try await db.listen("ioexec_cancel") { count += 1 }
        return count
      }
      try await waitUntil("listening") { try await Self.listeners("ioexec_listen_cancel") == 1 }
      try await Task.sleep(for: .milliseconds(100))  // parked in its loop
      let (result, elapsed) = await measure {
        consumer.cancel()
        return await consumer.result
      }
      #expect(throws: CancellationError.self) { try result.get() }
      #expect(elapsed < Self.prompt, "\(elapsed)")
      try await waitUntil("the listener's connection is closed") {
        try await Self.listeners("ioexec_listen_cancel") == 0
      }
    }
  }

  // MARK: Helpers

  /// Runs `count` tasks at once, every other one on the I/O executor, each asking
  /// `plusOne` 20 times; how many answers were not the value plus one.
  static func wrongAnswers(fromMixedTasks count: Int,
                           _ plusOne: @escaping @Sendable (Int64) async throws -> Int64?) async throws -> Int {
    try await withThrowingTaskGroup(of: Int.self) { group in
      for task in 0..<count {
        let work: @Sendable () async throws -> Int = {
          var wrong = 0
          for query in 0..<20 {
            let value = Int64(task * 1_000 + query)
            if try await plusOne(value) != value + 1 { wrong += 1 }
          }
          return wrong
        }
        if task.isMultiple(of: 2) {
          group.addTask(executorPreference: PostgresDatabase.ioExecutor, operation: work)
        } else {
          group.addTask(operation: work)
        }
      }
      return try await group.reduce(0, +)
    }
  }

  /// Whether the calling code runs on one of the I/O executor's loop threads.
  static var isOnExecutorThread: Bool { IOExecutor.isOnLoopThread }

  /// Terminates server process `pid` and waits until it has left `pg_stat_activity`:
  /// its FATAL message is in our socket by then (its socket may close later; the
  /// pool's idle check does not wait for that), and a moment more lets the reactor
  /// note the arrival.
  static func terminate(_ pid: Int32) async throws {
    try await PostgresTestServer.admin { _ = try await $0.fetchAll("SELECT pg_terminate_backend(\(pid))") }
    try await waitUntil("backend \(pid) gone") {
      try await PostgresTestServer.admin {
        try await $0.fetchValue("SELECT count(*) FROM pg_stat_activity WHERE pid = \(pid)", as: Int.self) == 0
      }
    }
    try await Task.sleep(for: .milliseconds(20))
  }

  /// Server processes of `applicationName` sleeping in `pg_sleep` right now.
  static func sleepers(_ applicationName: String) async throws -> Int {
    try await PostgresTestServer.admin {
      try await $0.fetchValue("""
        SELECT count(*) FROM pg_stat_activity
        WHERE application_name = \(applicationName) AND state = 'active' AND wait_event = 'PgSleep'
        """, as: Int.self) ?? -1
    }
  }

  /// Server processes of `applicationName` whose last statement was a LISTEN.
  static func listeners(_ applicationName: String) async throws -> Int {
    try await PostgresTestServer.admin {
      try await $0.fetchValue("""
        SELECT count(*) FROM pg_stat_activity
        WHERE application_name = \(applicationName) AND query LIKE 'LISTEN%'
        """, as: Int.self) ?? -1
    }
  }
}
