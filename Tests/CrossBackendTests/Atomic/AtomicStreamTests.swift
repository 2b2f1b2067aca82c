import QueryBuilder
import Testing

/// Streams inside a block read in the block; the block's other statements run once
/// the stream has ended.
@Suite
struct AtomicStreamTests {
  private static func streamed(_ sequence: RowSequence) async throws -> [Int] {
    var numbers: [Int] = []
    for try await row in sequence { numbers.append(try row.decode(Int.self, at: 0)) }
    return numbers
  }

  @Test(arguments: Backend.available)
  func aStreamInABlockSeesItsRowsAndLaterStatementsRunAfterIt(_ backend: Backend) async throws {
    try await withItems(backend, "stream", limit: .seconds(20)) { db in
      try await db.atomic {
        for n in 1...3 { try await Items.insert(n, into: db) }
        var seen: [Int] = []
        for try await row in db.stream("SELECT n FROM items ORDER BY n") {
          seen.append(try row.decode(Int.self, at: 0))
        }
        #expect(seen == [1, 2, 3])
        try await Items.insert(4, into: db)
        #expect(try await Self.streamed(db.stream("SELECT n FROM items ORDER BY n")) == [1, 2, 3, 4])
      }
      #expect(try await Items.numbers(db) == [1, 2, 3, 4])
    }
  }

  @Test(arguments: Backend.available)
  func aStreamThroughTheHandleReadsInTheBlock(_ backend: Backend) async throws {
    try await withItems(backend, "stream_handle", limit: .seconds(20)) { db in
      await #expect(throws: Boom()) {
        try await db.atomic { tx in
          try await Items.insert(1, into: tx)
          try await tx.atomic {
            try await Items.insert(2, into: tx)
            #expect(try await Self.streamed(tx.stream("SELECT n FROM items ORDER BY n")) == [1, 2])
          }
          throw Boom()
        }
      }
      let count = try await Items.count(db)
      #expect(count == 0)
    }
  }

  /// Leaving a stream early (with rows still to come) gives the block its turn back
  /// with the connection clean: the next statement in the block runs normally.
  @Test(arguments: Backend.available)
  func breakingOutOfAStreamEarlyLetsTheBlockGoOn(_ backend: Backend) async throws {
    try await withItems(backend, "stream_break", limit: .seconds(20)) { db in
      let long: SQL = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000) SELECT x FROM c"
      let outcome: Result<[Int], any Error> = await {
        do {
          return .success(try await db.atomic {
            var first: Int?
            for try await row in db.stream(long) {
              first = try row.decode(Int.self, at: 0)
              break
            }
            #expect(first == 1)
            try await Items.insert(1, into: db)
            return try await Items.numbers(db)
          })
        } catch {
          return .failure(error)
        }
      }()
      let numbers = try outcome.get()
      #expect(numbers == [1])
      #expect(try await Items.count(db) == 1, "the database is still usable")
    }
  }

  /// A long stream read to its end leaves the block's connection ready for the next
  /// statement.
  @Test(arguments: Backend.available)
  func aStreamReadToItsEndLeavesTheBlockUsable(_ backend: Backend) async throws {
    try await withItems(backend, "stream_full", limit: .seconds(20)) { db in
      let long: SQL = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000) SELECT x FROM c"
      try await db.atomic {
        var total = 0
        for try await row in db.stream(long) { total += try row.decode(Int.self, at: 0) }
        #expect(total == 5000 * 5001 / 2)
        try await Items.insert(1, into: db)
      }
      #expect(try await Items.numbers(db) == [1])
    }
  }

  /// A stream that fails mid-block fails the block, which rolls back: the error is
  /// the block's, and the database is usable afterwards.
  @Test(arguments: Backend.available)
  func anErrorWhileStreamingRollsTheBlockBack(_ backend: Backend) async throws {
    try await withItems(backend, "stream_throw", limit: .seconds(20)) { db in
      await #expect(throws: Boom(tag: 2)) {
        try await db.atomic {
          for n in 1...3 { try await Items.insert(n, into: db) }
          for try await row in db.stream("SELECT n FROM items ORDER BY n") {
            let n = try row.decode(Int.self, at: 0)
            if n == 2 { throw Boom(tag: 2) }
          }
        }
      }
      let numbers = try await Items.numbers(db)
      #expect(numbers == [])
    }
  }

  /// The same with many rows still to come when the block throws out of the loop.
  @Test(arguments: Backend.available)
  func anErrorWhileStreamingALongResultRollsTheBlockBack(_ backend: Backend) async throws {
    try await withItems(backend, "stream_throw_long", limit: .seconds(20)) { db in
      let long: SQL = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000) SELECT x FROM c"
      let outcome: Result<Void, any Error> = await {
        do {
          try await db.atomic {
            try await Items.insert(1, into: db)
            for try await row in db.stream(long) {
              if try row.decode(Int.self, at: 0) == 2 { throw Boom(tag: 2) }
            }
          }
          return .success(())
        } catch {
          return .failure(error)
        }
      }()
      #expect(throws: Boom(tag: 2)) { try outcome.get() }
      let count = try await Items.count(db)
      #expect(count == 0, "the database is still usable")
    }
  }

  /// A stream made inside a block belongs to it: read after the block ended, it
  /// fails instead of running elsewhere.
  @Test(arguments: Backend.available)
  func aStreamReadAfterItsBlockEndedThrowsMisuseError(_ backend: Backend) async throws {
    try await withItems(backend, "stream_stale", limit: .seconds(20)) { db in
      let stale = try await db.atomic { db.stream("SELECT n FROM items") }
      await #expect(throws: MisuseError.self) { _ = try await Self.streamed(stale) }
      // The database itself is fine.
      #expect(try await Self.streamed(db.stream("SELECT n FROM items")) == [])
    }
  }
}
