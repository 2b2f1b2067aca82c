import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// LISTEN / NOTIFY as an AsyncSequence, against the real server.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason), .timeLimit(.minutes(1)))
struct NotificationTests {
  private func pool(_ name: String) async throws -> PostgresDatabase {
    var options = PoolOptions(minSize: 1, maxSize: 2)
    options.connection.applicationName = name
    return try await PostgresDatabase(url: try PostgresTestServer.requireURL(), pool: options)
  }

  @Test func notificationsArriveWithTheirChannelPayloadAndSender() async throws {
    let db = try await pool("notify_basic")
    defer { db.terminate() }
    let channel = "Wren Orders ü"  // quoted: case, blanks and non-ASCII survive
    let notes = try await db.listen(channel)
    let sender = try await PostgresTestServer.connect()
    defer { Task { await sender.close() } }
    for payload in ["one", "it's \"two\"", ""] { try await sender.notify(channel, payload: payload) }
    try await sender.notify("another channel", payload: "not for us")
    let received = try await withTimeout(.seconds(10)) { () async throws -> [PostgresNotification] in
      var received: [PostgresNotification] = []
      for try await note in notes {
        received.append(note)
        if received.count == 3 { break }
      }
      return received
    }
    #expect(received.map(\.payload) == ["one", "it's \"two\"", ""])
    #expect(received.allSatisfy { $0.channel == channel && $0.senderPID == sender.backendPID })
  }

  @Test func aNotificationSentInsideABlockArrivesOnlyIfItCommits() async throws {
    let db = try await pool("notify_block")
    defer { db.terminate() }
    let notes = try await db.listen("wren_block")
    await #expect(throws: MisuseError.self) {
      try await db.atomic {
        try await db.notify("wren_block", payload: "rolled back")
        throw MisuseError("roll back")
      }
    }
    try await db.atomic { try await db.notify("wren_block", payload: "committed") }
    let first = try await withTimeout(.seconds(10)) { () async throws -> PostgresNotification? in
      var iterator = notes.makeAsyncIterator()
      return try await iterator.next()
    }
    #expect(first?.payload == "committed")
  }

  @Test func leavingTheLoopUnlistensAndGivesTheConnectionBack() async throws {
    try await PostgresTestServer.withConnection(schema: "notify_unlisten") { conn in
      let notes = try await conn.listen("wren_unlisten")
      #expect(try await PostgresTestServer.admin { admin in
        try await admin.fetchValue("SELECT count(*) FROM pg_stat_activity WHERE pid = \(conn.backendPID)", as: Int.self)
      } == 1)
      try await PostgresTestServer.admin { try await $0.notify("wren_unlisten", payload: "x") }
      for try await note in notes {
        #expect(note.payload == "x")
        break
      }
      // The connection's next statement runs after UNLISTEN.
      #expect(try await conn.fetchValue("SELECT count(*) FROM pg_listening_channels()", as: Int.self) == 0)
    }
  }

  @Test func cancellingTheListeningTaskEndsItWithCancellationError() async throws {
    try await PostgresTestServer.withConnection(schema: "notify_cancel") { conn in
      let notes = try await conn.listen("wren_cancel")
      let listener = Task {
        var count = 0
        for try await _ in notes { count += 1 }
        return count
      }
      try await Task.sleep(for: .milliseconds(200))
      listener.cancel()
      let result = await listener.result
      #expect(throws: CancellationError.self) { try result.get() }
      #expect(try await conn.fetchValue("SELECT count(*) FROM pg_listening_channels()", as: Int.self) == 0)
    }
  }

  @Test func aKilledListenerConnectionEndsTheIterationWithConnectionFailure() async throws {
    let db = try await pool("notify_killed")
    defer { db.terminate() }
    let notes = try await db.listen("wren_killed")
    let waiting = Task { for try await _ in notes {} }
    try await Task.sleep(for: .milliseconds(200))
    try await PostgresTestServer.admin {
      _ = try await $0.fetchAll("""
        SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'notify_killed' AND 'wren_killed' IN (SELECT pg_listening_channels())
           OR (application_name = 'notify_killed' AND query LIKE 'LISTEN%')
        """)
    }
    let error = await #expect(throws: DatabaseError.self) { try await withTimeout(.seconds(10)) { try await waiting.value } }
    #expect(error?.code == .connectionFailure)
  }

  @Test func listeningInsideAnAtomicBlockIsAMisuse() async throws {
    try await PostgresTestServer.withConnection(schema: "notify_misuse") { conn in
      try await conn.atomic {
        await #expect(throws: MisuseError.self) { _ = try await conn.listen("x") }
      }
      await #expect(throws: MisuseError.self) { _ = try await conn.listen("") }
    }
  }
}
