import Foundation
import Model
import QueryBuilder
import SQLiteTestBackend
import Synchronization
import Testing

/// Atomic blocks on SQLite files shared by two connections: write blocks begin
/// IMMEDIATE, so a writer that finds another one busy fails at BEGIN, where a retry
/// is safe, and `retry:` waits for its turn.
@Suite struct TransactionLockingTests {
  private func withTwoConnections(_ body: (SQLiteDatabase, SQLiteDatabase) async throws -> Void) async throws {
    try await withTemporaryDirectory { directory in
      let path = directory.appendingPathComponent("shared.sqlite").path
      let first = try SQLiteDatabase(path: path)
      try await first.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)")
      try await first.execute("INSERT INTO counter (id, value) VALUES (1, 0)")
      let second = try SQLiteDatabase(path: path)
      do {
        try await body(first, second)
        await first.close()
        await second.close()
      } catch {
        await first.close()
        await second.close()
        throw error
      }
    }
  }

  @Test func aSecondWriterFailsAtBeginWithARetryableBusyError() async throws {
    try await withTwoConnections { first, second in
      let holding = try await first.begin()
      try await holding.execute("UPDATE counter SET value = value + 1 WHERE id = 1")
      let recording = RecordingDatabase(second)
      let error = await #expect(throws: DatabaseError.self) {
        try await recording.atomic { try await recording.execute("UPDATE counter SET value = value + 10 WHERE id = 1") }
      }
      #expect(error?.code == .databaseBusy)
      #expect(error?.isRetryable == true)
      // It failed at BEGIN IMMEDIATE: the block's statement never ran.
      #expect(recording.statements.map(\.text) == ["BEGIN IMMEDIATE"])
      try await holding.commit()
      #expect(try await second.fetchValue("SELECT value FROM counter WHERE id = 1", as: Int.self) == 1)
    }
  }

  @Test func retryWaitsForTheOtherWriterAndThenCommits() async throws {
    try await withTwoConnections { first, second in
      let holding = try await first.begin()
      try await holding.execute("UPDATE counter SET value = value + 1 WHERE id = 1")
      let attempts = Mutex(0)
      let policy = RetryPolicy(baseDelay: .milliseconds(20), maxDelay: .milliseconds(50))
      async let retried: Void = second.atomic(retry: 50, retryPolicy: policy) {
        attempts.withLock { $0 += 1 }
        try await second.execute("UPDATE counter SET value = value + 10 WHERE id = 1")
      }
      try await Task.sleep(for: .milliseconds(150))
      try await holding.commit()
      try await retried
      #expect(attempts.withLock { $0 } == 1)  // the failures were at BEGIN, before the block ran
      #expect(try await first.fetchValue("SELECT value FROM counter WHERE id = 1", as: Int.self) == 11)
    }
  }

  @Test func aReadOnlyBlockReadsWhileAnotherConnectionWrites() async throws {
    try await withTwoConnections { first, second in
      let holding = try await first.begin()
      try await holding.execute("UPDATE counter SET value = 5 WHERE id = 1")
      // WAL: a reader is not blocked by the writer and sees the last committed value.
      let seen = try await second.atomic(readOnly: true) {
        try await second.fetchValue("SELECT value FROM counter WHERE id = 1", as: Int.self)
      }
      #expect(seen == 0)
      try await holding.commit()
      await #expect(throws: DatabaseError.self) {
        try await second.atomic(readOnly: true) { try await second.execute("DELETE FROM counter") }
      }
      #expect(try await second.fetchValue("SELECT count(*) FROM counter", as: Int.self) == 1)
    }
  }
}
