import Model
import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// Task cancellation and statement timeouts stop the statement on the server promptly,
/// and the connection answers the next statement, which no late cancel ever hits.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason), .timeLimit(.minutes(1)))
struct CancellationTests {
  /// "At once" on a busy two-core machine running the whole suite in parallel; the
  /// statements cancelled here run for ten seconds when nothing stops them.
  static let prompt: Duration = .seconds(3)

  @Test func cancellingTheTaskStopsARunningStatementPromptly() async throws {
    try await PostgresTestServer.withConnection(schema: "cancel_running") { conn in
      try await PostgresTestServer.closing(try await PostgresTestServer.connect()) { observer in
        let task = Task { try await conn.fetchAll("SELECT pg_sleep(10)") }
        try await waitUntil("pg_sleep runs") { try await Self.isSleeping(conn, seenBy: observer) }
        let (result, elapsed) = await measure {
          task.cancel()
          return await task.result
        }
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(elapsed < Self.prompt)
        #expect(try await conn.fetchValue("SELECT 1", as: Int.self) == 1)
        #expect(try await !Self.isSleeping(conn, seenBy: observer))
      }
    }
  }

  /// Before it is sent, while it is prepared or described, or while it runs: wherever
  /// the cancel lands, a ten-second statement ends at once.
  @Test(arguments: [256, 0])
  func cancellingAtAnyMomentStopsALongStatement(statementCacheCapacity: Int) async throws {
    let options = PostgresConnectionOptions(statementCacheCapacity: statementCacheCapacity)
    try await PostgresTestServer.withConnection(schema: "cancel_any_moment_\(statementCacheCapacity)", options: options) { conn in
      for delay in [0, 0, 20, 50, 100, 200, 300, 500, 700, 1_000, 1_500, 2_000, 3_000, 5_000, 10_000] {
        let task = Task { try await conn.fetchAll("SELECT pg_sleep(10)") }
        try await Task.sleep(for: .microseconds(delay))
        let (result, elapsed) = try await measure {
          task.cancel()
          return try await withTimeout(.seconds(8), "cancel after \(delay) µs") { await task.result }
        }
        #expect(throws: CancellationError.self, "cancelled after \(delay) µs") { try result.get() }
        #expect(elapsed < Self.prompt, "cancelled after \(delay) µs")
        #expect(try await conn.fetchValue("SELECT \(delay)::int8", as: Int.self) == delay)
      }
    }
  }

  @Test func perStatementTimeoutCancelsOnTheServerWithQueryCanceled() async throws {
    try await PostgresTestServer.withConnection(schema: "cancel_statement_timeout") { conn in
      let (error, elapsed) = try await measure {
        try await #require(throws: DatabaseError.self) {
          try await conn.fetchAll("SELECT pg_sleep(10)", timeout: .milliseconds(200))
        }
      }
      #expect(error.code == .queryCanceled)
      #expect(error.message == "statement timed out after 200 ms and was canceled on the server")
      #expect(error.sql == "SELECT pg_sleep(10)")
      #expect(elapsed >= .milliseconds(200) && elapsed < Self.prompt)
      #expect(try await conn.fetchValue("SELECT 1", as: Int.self, timeout: .milliseconds(200)) == 1)
    }
  }

  @Test func commandTimeoutOptionBoundsEveryStatement() async throws {
    let options = PostgresConnectionOptions(commandTimeout: .milliseconds(200))
    try await PostgresTestServer.withConnection(schema: "cancel_command_timeout", options: options) { conn in
      let statements: [@Sendable () async throws -> Void] = [
        { try await conn.execute("SELECT pg_sleep(10)") },
        { _ = try await conn.fetchAll("SELECT pg_sleep(10)") },
        { _ = try await conn.fetchOne("SELECT pg_sleep(\(10.0))") },
      ]
      for statement in statements {
        let (error, elapsed) = try await measure {
          try await #require(throws: DatabaseError.self) { try await statement() }
        }
        #expect(error.code == .queryCanceled)
        #expect(!error.isConnectionFatal)
        #expect(elapsed >= .milliseconds(200) && elapsed < Self.prompt)
        #expect(try await conn.fetchValue("SELECT 1", as: Int.self) == 1)
      }
    }
  }

  @Test func cancellingATaskWaitingForTheConnectionLeavesTheRunningStatementAlone() async throws {
    try await PostgresTestServer.withConnection(schema: "cancel_waiter") { conn in
      try await PostgresTestServer.closing(try await PostgresTestServer.connect()) { observer in
        let running = Task { try await conn.fetchValue("SELECT 42 FROM pg_sleep(4)", as: Int.self) }
        try await waitUntil("pg_sleep runs") { try await Self.isSleeping(conn, seenBy: observer) }
        let waiting = Task { try await conn.fetchValue("SELECT 1", as: Int.self) }
        try await Task.sleep(for: .milliseconds(50))  // queued behind the running statement
        let (result, elapsed) = await measure {
          waiting.cancel()
          return await waiting.result
        }
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(elapsed < Self.prompt)
        #expect(try await Self.isSleeping(conn, seenBy: observer))
        #expect(try await running.value == 42)
      }
    }
  }

  /// A cancel that loses the race with a fast statement must never land on the next one.
  @Test(arguments: [256, 0])
  func aCancelRacingAFastStatementNeverCancelsTheNextOne(statementCacheCapacity: Int) async throws {
    let options = PostgresConnectionOptions(statementCacheCapacity: statementCacheCapacity)
    try await PostgresTestServer.withConnection(schema: "cancel_race_\(statementCacheCapacity)", options: options) { conn in
      for round in 0..<200 {
        let value = Int64(round)
        let task = Task { try await conn.fetchValue("SELECT \(value)::int8", as: Int64.self) }
        try await Task.sleep(for: .microseconds(round * 37 % 1_000))  // a sweep over the statement's life
        task.cancel()
        switch await task.result {
        case .success(let answer): #expect(answer == value)
        case .failure(let error): #expect(error is CancellationError, "round \(round): \(error)")
        }
        let next = try await conn.fetchValue("SELECT \(value + 1_000_000)::int8", as: Int64.self)
        #expect(next == value + 1_000_000, "round \(round)")
      }
    }
  }

  /// Whether `conn`'s server process is sleeping in `pg_sleep` right now.
  static func isSleeping(_ conn: PostgresConnection, seenBy observer: PostgresConnection) async throws -> Bool {
    try await observer.fetchValue("""
      SELECT count(*) FROM pg_stat_activity
      WHERE pid = \(conn.backendPID) AND state = 'active' AND wait_event = 'PgSleep'
      """, as: Int.self) == 1
  }
}

extension PostgresConnection {
  /// `fetchValue` with a per-statement timeout.
  func fetchValue<T: SQLValueConvertible>(_ sql: SQL, as type: T.Type, timeout: Duration) async throws -> T? {
    guard let row = try await fetchOne(sql, timeout: timeout) else { return nil }
    return try row.decode(T?.self, at: 0)
  }
}
