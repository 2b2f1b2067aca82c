import QueryBuilder
import Testing

/// A COMMIT the database refuses (a deferred foreign key, checked at COMMIT on both
/// backends) fails the block like an error inside it: the error comes out, the work
/// is rolled back, `onRollback` runs, and the connection takes new blocks.
@Suite
struct AtomicCommitFailureTests {
  @Test(arguments: Backend.available)
  func aRefusedCommitRollsBackAndRunsOnRollback(_ backend: Backend) async throws {
    try await withItems(backend, "commit_refused") { db in
      try await db.execute("CREATE TABLE parents (id INTEGER NOT NULL PRIMARY KEY)")
      try await db.execute("""
        CREATE TABLE children (id INTEGER NOT NULL PRIMARY KEY,
          parent_id INTEGER NOT NULL REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED)
        """)
      let recording = RecordingDatabase(db)
      let log = EventLog()
      let error = await #expect(throws: DatabaseError.self) {
        try await recording.atomic {
          try recording.onCommit { log.append("commit") }
          try recording.onRollback { log.append("rollback") }
          try await recording.execute("INSERT INTO children (id, parent_id) VALUES (1, 42)")
        }
      }
      #expect(error?.code == .foreignKeyViolation)
      #expect(log.all == ["rollback"])
      #expect(recording.texts == [backend == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN",
                                  "INSERT INTO children (id, parent_id) VALUES (1, 42)", "COMMIT", "ROLLBACK"])
      #expect(!db.isInTransaction)
      // No transaction is left open: the next block begins and commits normally.
      try await db.atomic {
        try await db.execute("INSERT INTO parents (id) VALUES (42)")
        try await db.execute("INSERT INTO children (id, parent_id) VALUES (1, 42)")
      }
      #expect(try await db.fetchValue("SELECT count(*) FROM children", as: Int.self) == 1)
    }
  }
}
