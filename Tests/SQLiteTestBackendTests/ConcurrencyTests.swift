import Model
import QueryBuilder
import SQLiteTestBackend
import Testing

/// Many tasks share one database: their statements are serialised, never interleaved
/// inside one statement, and every one of them succeeds.
@Suite struct ConcurrencyTests {
  @Test func hundredConcurrentTasksAllSucceedWithConsistentResults() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE items(id INTEGER PRIMARY KEY, owner INTEGER NOT NULL, label TEXT NOT NULL)")
    let readBack = try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
      for task in 0..<100 {
        group.addTask {
          for item in 0..<5 {
            let changed = try await db.execute(
              "INSERT INTO items(owner, label) VALUES (\(task), \("task \(task) item \(item)"))")
            #expect(changed == 1)
          }
          let mine = try await db.fetchAll("SELECT label FROM items WHERE owner = \(task) ORDER BY id")
          let total: Int? = try await db.fetchValue("SELECT count(*) FROM items")
          #expect((5...500).contains(total ?? -1))
          return (task, try mine.map { try $0.decode(String.self, at: 0) })
        }
      }
      var all: [Int: [String]] = [:]
      for try await (task, labels) in group { all[task] = labels }
      return all
    }
    #expect(readBack.count == 100)
    for (task, labels) in readBack {
      #expect(labels == (0..<5).map { "task \(task) item \($0)" })
    }
    let total: Int? = try await db.fetchValue("SELECT count(*) FROM items")
    #expect(total == 500)
  }

  @Test func concurrentReadModifyWriteInsideOneStatementNeverLosesAnUpdate() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE counter(value INTEGER NOT NULL); INSERT INTO counter VALUES (0)")
    try await withThrowingTaskGroup(of: Void.self) { group in
      for _ in 0..<100 {
        group.addTask { try await db.execute("UPDATE counter SET value = value + 1") }
      }
      try await group.waitForAll()
    }
    let value: Int? = try await db.fetchValue("SELECT value FROM counter")
    #expect(value == 100)
  }

  @Test func concurrentStreamsAndWritesEachSeeAWholeTable() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE t(x INTEGER)")
    try await withThrowingTaskGroup(of: Void.self) { group in
      for index in 0..<50 {
        group.addTask {
          if index.isMultiple(of: 2) {
            try await db.execute("INSERT INTO t VALUES (1), (1)")   // always two rows at once
          } else {
            var count = 0
            for try await _ in db.stream("SELECT x FROM t") { count += 1 }
            #expect(count.isMultiple(of: 2))
          }
        }
      }
      try await group.waitForAll()
    }
    let count: Int? = try await db.fetchValue("SELECT count(*) FROM t")
    #expect(count == 50)
  }

  @Test func inMemoryDatabasesAreIsolatedFromEachOther() async throws {
    let first = try SQLiteDatabase.inMemory()
    let second = try SQLiteDatabase.inMemory()
    try await first.execute("CREATE TABLE only_here(x)")
    await #expect(throws: DatabaseError.self) { _ = try await second.fetchAll("SELECT * FROM only_here") }
  }
}
