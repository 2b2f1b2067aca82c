import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// A listener's connection lives exactly as long as its iteration, whoever still
/// references the sequence, and no longer than its pool.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason), .timeLimit(.minutes(1)))
struct NotificationLifetimeTests {
  private func pool(_ name: String) async throws -> PostgresDatabase {
    var options = PoolOptions(minSize: 0, maxSize: 2)
    options.connection.applicationName = name
    return try await PostgresDatabase(url: try PostgresTestServer.requireURL(), pool: options)
  }

  /// Server sessions of `applicationName` listening on a channel.
  private func listeningSessions(_ applicationName: String) async throws -> Int {
    try await PostgresTestServer.admin {
      try await $0.fetchValue("""
        SELECT count(*) FROM pg_stat_activity WHERE application_name = \(applicationName) AND query LIKE 'LISTEN%'
        """, as: Int.self) ?? -1
    }
  }

  @Test func leavingTheLoopEndsTheListenSessionWhileTheSequenceIsStillHeld() async throws {
    let db = try await pool("notify_held_break")
    defer { db.terminate() }
    let notes = try await db.listen("wren_held_break")
    try await PostgresTestServer.admin { try await $0.notify("wren_held_break", payload: "x") }
    for try await _ in notes { break }
    try await waitUntil("listen session ended") { try await listeningSessions("notify_held_break") == 0 }
    // `notes` is still referenced here.
    withExtendedLifetime(notes) {}
  }

  @Test func cancellingTheLoopEndsTheListenSessionWhileTheSequenceIsStillHeld() async throws {
    let db = try await pool("notify_held_cancel")
    defer { db.terminate() }
    let notes = try await db.listen("wren_held_cancel")
    let loop = Task { for try await _ in notes {} }
    try await waitUntil("listening") { try await listeningSessions("notify_held_cancel") == 1 }
    loop.cancel()
    _ = await loop.result
    try await waitUntil("listen session ended") { try await listeningSessions("notify_held_cancel") == 0 }
    withExtendedLifetime(notes) {}
  }

  @Test func closingThePoolEndsItsListenersAndTheirLoops() async throws {
    let db = try await pool("notify_pool_close")
    let held = try await db.listen("wren_pool_close_held")   // never iterated
    let iterated = try await db.listen("wren_pool_close_iterated")
    let loop = Task { () async throws -> Int in
      var count = 0
      for try await _ in iterated { count += 1 }
      return count
    }
    try await waitUntil("listening") { try await listeningSessions("notify_pool_close") == 2 }
    try await withTimeout(.seconds(5)) { await db.close() }
    #expect(try await loop.value == 0, "the loop ends when its pool closes")
    try await waitUntil("listen sessions ended") { try await listeningSessions("notify_pool_close") == 0 }
    withExtendedLifetime(held) {}
  }

  @Test func listeningOnAClosedPoolIsRefused() async throws {
    let db = try await pool("notify_closed_pool")
    await db.close()
    let error = await #expect(throws: PoolError.self) { _ = try await db.listen("wren_closed_pool") }
    #expect(error?.reason == .closed)
  }
}
