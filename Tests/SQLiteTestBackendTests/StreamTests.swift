import Model
import QueryBuilder
import SQLiteTestBackend
import Testing

/// `stream(_:)` steps lazily, and however iteration ends the database is free again.
@Suite struct StreamTests {
  private func makeNumbers(_ count: Int) async throws -> SQLiteDatabase {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("""
      CREATE TABLE numbers(n INTEGER PRIMARY KEY, label TEXT);
      WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < \(unsafeRaw: String(count)))
      INSERT INTO numbers SELECT x, 'n' || x FROM c
      """)
    return db
  }

  @Test func streamYieldsEveryRowInOrder() async throws {
    let db = try await makeNumbers(1000)
    var seen: [Int] = []
    for try await row in db.stream("SELECT n, label FROM numbers WHERE n > \(0) ORDER BY n") {
      seen.append(try row.decode(Int.self, at: 0))
      #expect(try row["label", as: String.self] == "n\(seen.last!)")
    }
    #expect(seen == Array(1...1000))
  }

  @Test func streamedRowsShareOneColumnList() async throws {
    let db = try await makeNumbers(3)
    var columnLists: [RowColumns] = []
    for try await row in db.stream("SELECT n FROM numbers") { columnLists.append(row.columns) }
    #expect(columnLists.count == 3)
    #expect(columnLists.allSatisfy { $0 === columnLists[0] })
  }

  @Test func breakingOutEarlyLeavesTheDatabaseAnswering() async throws {
    let db = try await makeNumbers(100)
    var count = 0
    for try await _ in db.stream("SELECT n FROM numbers") {
      count += 1
      if count == 3 { break }
    }
    #expect(count == 3)
    #expect(try await db.execute("DELETE FROM numbers WHERE n > 50") == 50)
    let total: Int? = try await db.fetchValue("SELECT count(*) FROM numbers")
    #expect(total == 50)
  }

  @Test func droppingAnUnfinishedIteratorReleasesTheDatabase() async throws {
    let db = try await makeNumbers(10)
    do {
      var iterator = db.stream("SELECT n FROM numbers").makeAsyncIterator()
      let first = try await iterator.next()
      #expect(try first?.decode(Int.self, at: 0) == 1)
    }
    #expect(try await db.execute("UPDATE numbers SET label = 'x'") == 10)
  }

  @Test func eachIterationRunsTheStatementAnew() async throws {
    let db = try await makeNumbers(2)
    let sequence = db.stream("SELECT count(*) FROM numbers")
    var counts: [Int] = []
    for try await row in sequence { counts.append(try row.decode(Int.self, at: 0)) }
    try await db.execute("INSERT INTO numbers VALUES (3, 'n3')")
    for try await row in sequence { counts.append(try row.decode(Int.self, at: 0)) }
    #expect(counts == [2, 3])
  }

  @Test func errorMidStreamIsThrownAfterEarlierRowsAndReleasesTheDatabase() async throws {
    let db = try await makeNumbers(10)
    var seen: [Int] = []
    let error = await caught(DatabaseError.self) {
      for try await row in db.stream("SELECT CASE WHEN n < 4 THEN n ELSE abs(\(Int64.min)) END FROM numbers ORDER BY n") {
        seen.append(try row.decode(Int.self, at: 0))
      }
    }
    #expect(seen == [1, 2, 3])
    #expect(error?.code == .numericValueOutOfRange)
    #expect(try await db.fetchOne("SELECT 1") != nil)
  }

  @Test func emptyResultEndsAtOnce() async throws {
    let db = try await makeNumbers(5)
    var count = 0
    for try await _ in db.stream("SELECT * FROM numbers WHERE n > \(100)") { count += 1 }
    for try await _ in db.stream("-- nothing but a comment") { count += 1 }
    #expect(count == 0)
    #expect(try await db.execute("DELETE FROM numbers") == 5)
  }

  @Test func openingErrorIsThrownFromTheFirstNext() async throws {
    let db = try SQLiteDatabase.inMemory()
    let error = await caught(DatabaseError.self) {
      for try await _ in db.stream("SELECT * FROM missing") {}
    }
    #expect(error?.code == .undefinedTable)
    await #expect(throws: MisuseError.self) {
      for try await _ in db.stream("SELECT 1; SELECT 2") {}
    }
    #expect(try await db.fetchOne("SELECT 1") != nil)
  }

  @Test func statementsFromOtherTasksWaitUntilTheStreamEnds() async throws {
    let db = try await makeNumbers(5)
    var iterator = db.stream("SELECT n FROM numbers ORDER BY n").makeAsyncIterator()
    _ = try await iterator.next()
    let writer = Task { try await db.execute("DELETE FROM numbers") }
    var rest: [Int] = []
    while let row = try await iterator.next() { rest.append(try row.decode(Int.self, at: 0)) }
    #expect(rest == [2, 3, 4, 5])  // the delete did not run in the middle of the stream
    #expect(try await writer.value == 5)
  }
}
