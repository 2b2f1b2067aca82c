import Model
import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// Many tasks on one connection are served one statement at a time, each with its
/// own answer; waiting for the server never parks a thread of the cooperative pool.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason), .timeLimit(.minutes(1)))
struct ConcurrencyTests {
  @Test func twoHundredTasksSharingOneConnectionEachGetTheirOwnAnswer() async throws {
    try await PostgresTestServer.withConnection(schema: "concurrency_shared") { conn in
      try await conn.execute("CREATE TABLE log (task int8 PRIMARY KEY, tag text NOT NULL)")
      try await withThrowingTaskGroup(of: Void.self) { group in
        for task in 0..<200 {
          let id = Int64(task), tag = "task \(task) ✓"
          group.addTask {
            // Four statement shapes, so that preparing, describing and running of
            // different statements from different tasks would interleave if they could.
            switch task % 4 {
            case 0:
              let row = try #require(try await conn.fetchOne("SELECT \(id)::int8 AS id, \(tag)::text AS tag"))
              #expect(try row["id", as: Int64.self] == id)
              #expect(try row["tag", as: String.self] == tag)
            case 1:
              #expect(try await conn.fetchValue("SELECT \(id)::int8 * 2", as: Int64.self) == id * 2)
            case 2:
              #expect(try await conn.execute("INSERT INTO log VALUES (\(id), \(tag))") == 1)
            default:
              let rows = try await conn.fetchAll("SELECT g FROM generate_series(1, \(id)::int8) g")
              #expect(rows.count == task)
              #expect(try rows.last?["g", as: Int64.self] == id)
            }
          }
        }
        try await group.waitForAll()
      }
      let logged = try await conn.fetchAll("SELECT task, tag FROM log ORDER BY task")
      #expect(try logged.map { try $0["task", as: Int64.self] } == Array(stride(from: 2, to: 200, by: 4)))
      #expect(try logged.allSatisfy { try $0["tag", as: String.self] == "task \(try $0["task", as: Int.self]) ✓" })
    }
  }

  /// Twelve half-second statements on two cores: 0.5 s when every wait is a suspended
  /// task, 3 s or more if each wait held one of the two cooperative threads.
  @Test func twelveConcurrentSleepsOnTwelveConnectionsOverlap() async throws {
    try await withTimeout(.seconds(20)) {
      var connections: [PostgresConnection] = []
      for _ in 0..<12 { connections.append(try await PostgresTestServer.connect()) }
      let all = connections
      let (_, elapsed) = try await measure {
        try await withThrowingTaskGroup(of: Void.self) { group in
          for conn in all {
            group.addTask { _ = try await conn.fetchAll("SELECT pg_sleep(0.5)") }
          }
          try await group.waitForAll()
        }
      }
      for conn in all { await conn.close() }
      #expect(elapsed >= .milliseconds(500))
      #expect(elapsed < .seconds(2))
    }
  }
}
