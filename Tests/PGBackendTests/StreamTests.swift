import Model
import PGBackend
import PostgresTestSupport
import QueryBuilder
import Synchronization
import Testing

/// Row streams read lazily, hold the connection while open, and leave it clean however
/// they end: at the last row, broken off, failed or cancelled.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason), .timeLimit(.minutes(1)))
struct StreamTests {
  /// Ten milliseconds per row: a stream left running would take ten seconds. Each row
  /// is larger than the server's 8 kB send buffer, so the server sends rows as it
  /// makes them instead of batching hundreds of them.
  static let slowRows: SQL = "SELECT g, repeat('x', 9000) AS pad, pg_sleep(0.01) FROM generate_series(1, 1000) g"

  @Test func streamsTenThousandRowsInOrder() async throws {
    try await PostgresTestServer.withConnection(schema: "stream_all_rows") { conn in
      var values: [Int64] = []
      for try await row in conn.stream("SELECT g FROM generate_series(\(Int64(1))::int8, \(Int64(10_000))::int8) g") {
        values.append(try row["g", as: Int64.self])
      }
      #expect(values == Array(1...10_000))
      #expect(try await conn.fetchValue("SELECT 1", as: Int.self) == 1)
    }
  }

  @Test func breakingOffAStreamFreesTheConnectionAtOnce() async throws {
    try await PostgresTestServer.withConnection(schema: "stream_break") { conn in
      var seen = 0
      for try await row in conn.stream(Self.slowRows) {
        seen += 1
        #expect(try row["g", as: Int.self] == seen)
        if seen == 10 { break }
      }
      let (answer, elapsed) = try await measure { try await conn.fetchValue("SELECT 1", as: Int.self) }
      #expect(answer == 1)
      // The other 990 rows would take ten seconds. What the server had already sent
      // is still read and dropped: milliseconds alone, some tenths of a second when
      // the whole suite loads both cores.
      #expect(elapsed < .seconds(4))
    }
  }

  @Test func aStatementFailingMidStreamThrowsItsDatabaseError() async throws {
    try await PostgresTestServer.withConnection(schema: "stream_fails_midway") { conn in
      var values: [Int] = []
      let error = try await #require(throws: DatabaseError.self) {
        for try await row in conn.stream("SELECT 10 / (5 - g) AS q FROM generate_series(1, 10) g") {
          values.append(try row["q", as: Int.self])
        }
      }
      #expect(values == [2, 3, 5, 10])  // the rows before the failing one
      #expect(error.code == .divisionByZero)
      #expect(error.sql == "SELECT 10 / (5 - g) AS q FROM generate_series(1, 10) g")
      #expect(try await conn.fetchValue("SELECT 1", as: Int.self) == 1)
    }
  }

  @Test func aStatementThatCannotBePreparedThrowsOnTheFirstRow() async throws {
    try await PostgresTestServer.withConnection(schema: "stream_fails_to_prepare") { conn in
      let error = try await #require(throws: DatabaseError.self) {
        for try await _ in conn.stream("SELECT * FROM no_such_table") {}
      }
      #expect(error.code == .undefinedTable)
      #expect(try await conn.fetchValue("SELECT 1", as: Int.self) == 1)
    }
  }

  @Test func cancellingTheIteratingTaskStopsTheStreamAndKeepsTheConnection() async throws {
    try await PostgresTestServer.withConnection(schema: "stream_cancel") { conn in
      let rowsRead = Atomic<Int>(0)
      let reader = Task {
        for try await _ in conn.stream(Self.slowRows) { rowsRead.add(1, ordering: .relaxed) }
      }
      try await waitUntil("the stream delivers rows") { rowsRead.load(ordering: .relaxed) >= 5 }
      let (result, elapsed) = await measure {
        reader.cancel()
        return await reader.result
      }
      #expect(throws: CancellationError.self) { try result.get() }
      // Well before the 10 s the whole stream takes (room for a loaded two-core machine).
      #expect(elapsed < .seconds(5))
      #expect(rowsRead.load(ordering: .relaxed) < 1000)
      #expect(try await conn.fetchValue("SELECT 1", as: Int.self) == 1)
    }
  }

  @Test func anotherTasksStatementWaitsUntilTheStreamEnds() async throws {
    try await PostgresTestServer.withConnection(schema: "stream_holds_connection") { conn in
      let events = Mutex<[String]>([])
      var rows = conn.stream("SELECT g FROM generate_series(1, 3) g").makeAsyncIterator()
      #expect(try await rows.next()?["g", as: Int.self] == 1)

      let other = Task {
        let value = try await conn.fetchValue("SELECT 42", as: Int.self)
        events.withLock { $0.append("other statement") }
        return value
      }
      try await Task.sleep(for: .milliseconds(100))
      #expect(events.withLock { $0 }.isEmpty, "the statement ran while the stream was open")

      #expect(try await rows.next()?["g", as: Int.self] == 2)
      #expect(try await rows.next()?["g", as: Int.self] == 3)
      events.withLock { $0.append("stream read") }
      #expect(try await rows.next() == nil)
      #expect(try await other.value == 42)
      #expect(events.withLock { $0 } == ["stream read", "other statement"])
    }
  }
}
