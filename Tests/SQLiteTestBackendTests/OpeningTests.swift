import Foundation
import Model
import QueryBuilder
import SQLiteTestBackend
import Testing

/// How databases are opened, configured and closed.
@Suite struct OpeningTests {
  @Test func inMemoryDatabaseEnforcesForeignKeys() async throws {
    let db = try SQLiteDatabase.inMemory()
    let foreignKeys: Int? = try await db.fetchValue("PRAGMA foreign_keys")
    #expect(foreignKeys == 1)
    #expect(db.dialect == .sqlite)
    #expect(db.path == ":memory:")
  }

  @Test func fileDatabaseUsesWALWithNormalSynchronousAndForeignKeys() async throws {
    try await withTemporaryDirectory { directory in
      let db = try SQLiteDatabase(path: directory.appendingPathComponent("wal.sqlite").path)
      let journalMode: String? = try await db.fetchValue("PRAGMA journal_mode")
      let synchronous: Int? = try await db.fetchValue("PRAGMA synchronous")
      let foreignKeys: Int? = try await db.fetchValue("PRAGMA foreign_keys")
      #expect(journalMode == "wal")
      #expect(synchronous == 1)  // NORMAL
      #expect(foreignKeys == 1)
    }
  }

  @Test func fileDatabaseKeepsItsDataAcrossCloseAndReopen() async throws {
    try await withTemporaryDirectory { directory in
      let path = directory.appendingPathComponent("persist.sqlite").path
      let first = try SQLiteDatabase(path: path)
      try await first.execute("CREATE TABLE t(s TEXT); INSERT INTO t VALUES ('kept')")
      await first.close()
      let second = try SQLiteDatabase(path: path)
      let value: String? = try await second.fetchValue("SELECT s FROM t")
      #expect(value == "kept")
    }
  }

  @Test func twoConnectionsToOneFileSeeEachOthersCommits() async throws {
    try await withTemporaryDirectory { directory in
      let path = directory.appendingPathComponent("shared.sqlite").path
      let writer = try SQLiteDatabase(path: path)
      let reader = try SQLiteDatabase(path: path, readOnly: true)
      try await writer.execute("CREATE TABLE t(x); INSERT INTO t VALUES (1)")
      let count: Int? = try await reader.fetchValue("SELECT count(*) FROM t")
      #expect(count == 1)
    }
  }

  @Test func closeWaitsForAnOpenStreamToFinish() async throws {
    let db = try SQLiteDatabase.inMemory()
    var iterator = db.stream("SELECT 1 UNION ALL SELECT 2").makeAsyncIterator()
    _ = try await iterator.next()
    let closing = Task { await db.close() }
    let second = try await iterator.next()
    #expect(try second?.decode(Int.self, at: 0) == 2)
    #expect(try await iterator.next() == nil)
    await closing.value
    await #expect(throws: MisuseError.self) { _ = try await db.fetchOne("SELECT 1") }
  }

  @Test func droppingTheLastReferenceClosesTheDatabase() async throws {
    try await withTemporaryDirectory { directory in
      let path = directory.appendingPathComponent("dropped.sqlite").path
      do {
        let db = try SQLiteDatabase(path: path)
        try await db.execute("CREATE TABLE t(x); INSERT INTO t VALUES (1)")
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
      }
      // The last connection to close checkpoints the WAL and deletes it.
      #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }
  }

  @Test func pathWithNULIsAMisuseErrorNotATruncatedPath() async throws {
    try await withTemporaryDirectory { directory in
      let path = directory.appendingPathComponent("real.sqlite").path
      #expect(throws: MisuseError.self) { _ = try SQLiteDatabase(path: path + "\u{0}.ignored") }
      #expect(!FileManager.default.fileExists(atPath: path))
    }
  }

  @Test func openingAndUsingAnInMemoryDatabaseIsCheap() async throws {
    // ARCHITECTURE.md: open, a few tables and a handful of statements well under a
    // millisecond. Checked loosely (debug build, shared CI machine): 20 rounds in 1 s.
    let start = ContinuousClock.now
    for _ in 0..<20 {
      let db = try SQLiteDatabase.inMemory()
      try await db.execute("CREATE TABLE a(id INTEGER PRIMARY KEY, s TEXT); CREATE TABLE b(id INTEGER PRIMARY KEY)")
      try await db.execute("INSERT INTO a(s) VALUES (\("x"))")
      _ = try await db.fetchAll("SELECT * FROM a")
    }
    #expect(ContinuousClock.now - start < .seconds(1))
  }
}
