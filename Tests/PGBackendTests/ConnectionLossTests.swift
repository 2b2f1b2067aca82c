import Model
import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// A connection the server drops reports `.connectionFailure` once, promptly, is then
/// closed, and every later call fails at once instead of waiting on a dead socket.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason), .timeLimit(.minutes(1)))
struct ConnectionLossTests {
  @Test func terminatedWhileIdleTheNextStatementFailsAndTheConnectionIsClosed() async throws {
    try await PostgresTestServer.withConnection(schema: "loss_idle") { conn in
      #expect(try await conn.fetchValue("SELECT 1", as: Int.self) == 1)
      try await Self.terminate(conn)

      let error = try await #require(throws: DatabaseError.self) { try await conn.fetchAll("SELECT 2") }
      #expect(error.code == .connectionFailure)
      #expect(error.isConnectionFatal)
      #expect(conn.isClosed)
      try await Self.expectFailsAtOnceAsClosed(conn)
    }
  }

  @Test func terminatedWhileRunningTheStatementFailsPromptly() async throws {
    try await PostgresTestServer.withConnection(schema: "loss_running") { conn in
      try await PostgresTestServer.closing(try await PostgresTestServer.connect()) { observer in
        let running = Task { try await conn.fetchAll("SELECT pg_sleep(5)") }
        try await waitUntil("pg_sleep runs") { try await CancellationTests.isSleeping(conn, seenBy: observer) }
        let (result, elapsed) = try await measure {
          try await Self.terminate(conn)
          return await running.result
        }
        let error = try #require(throws: DatabaseError.self) { try result.get() }
        #expect(error.code == .connectionFailure)
        #expect(error.isConnectionFatal)
        #expect(error.sql == "SELECT pg_sleep(5)")
        // Well before the 5 s sleep would end (the bound leaves room for the whole suite
        // running in parallel on two cores; the 1 s cancellation bound is CancellationTests').
        #expect(elapsed < .milliseconds(2500))
        #expect(conn.isClosed)
        try await Self.expectFailsAtOnceAsClosed(conn)
      }
    }
  }

  @Test func aStreamWhoseServerProcessIsTerminatedFailsAndClosesTheConnection() async throws {
    try await PostgresTestServer.withConnection(schema: "loss_stream") { conn in
      var rows = conn.stream(StreamTests.slowRows).makeAsyncIterator()
      #expect(try await rows.next()?["g", as: Int.self] == 1)
      try await Self.terminate(conn)
      let error = try await #require(throws: DatabaseError.self) {
        while try await rows.next() != nil {}
      }
      #expect(error.code == .connectionFailure)
      #expect(error.isConnectionFatal)
      #expect(conn.isClosed)
      try await Self.expectFailsAtOnceAsClosed(conn)
    }
  }

  /// Runs a dedicated cluster: restarting the shared one would break the other suites.
  @Test func serverRestartFailsTheOldConnectionAndANewOneWorks() async throws {
    try await ScratchCluster.with { cluster in
      let conn = try await PostgresConnection.connect(cluster.url)
      #expect(try await conn.fetchValue("SELECT 1", as: Int.self) == 1)
      try await cluster.restart()

      let error = try await #require(throws: DatabaseError.self) { try await conn.fetchAll("SELECT 1") }
      #expect(error.code == .connectionFailure)
      #expect(error.isConnectionFatal)
      #expect(conn.isClosed)
      try await Self.expectFailsAtOnceAsClosed(conn)

      try await PostgresTestServer.closing(try await PostgresConnection.connect(cluster.url)) { fresh async throws in
        #expect(try await fresh.fetchValue("SELECT 1", as: Int.self) == 1)
      }
    }
  }

  /// Terminates `conn`'s server process from another session and waits until it is gone.
  static func terminate(_ conn: PostgresConnection) async throws {
    try await PostgresTestServer.admin { admin in
      let terminated = try await admin.fetchValue("SELECT pg_terminate_backend(\(conn.backendPID), 5000)", as: Bool.self)
      #expect(terminated == true)
    }
  }

  static func expectFailsAtOnceAsClosed(_ conn: PostgresConnection,
                                        sourceLocation: SourceLocation = #_sourceLocation) async throws {
    for attempt in 0..<2 {
      let (error, elapsed) = try await measure {
        try await #require(throws: DatabaseError.self, sourceLocation: sourceLocation) {
          try await conn.execute("SELECT 3")
        }
      }
      #expect(error.code == .connectionFailure, sourceLocation: sourceLocation)
      #expect(error.isConnectionFatal, sourceLocation: sourceLocation)
      #expect(error.message.hasPrefix("the connection is closed (the connection was lost"), "\(error)", sourceLocation: sourceLocation)
      #expect(elapsed < .milliseconds(50), "attempt \(attempt)", sourceLocation: sourceLocation)
    }
  }
}
