import Foundation
import Model
import PostgresTestSupport
import QueryBuilder
import Testing

/// `executeMany`: one statement with `$n` placeholders run once per row, as one
/// atomic batch, with the same behaviour on both backends (PostgreSQL pipelines it).
@Suite
struct ExecuteManyTests {
  private static let create: SQL = """
    CREATE TABLE batch (id INTEGER NOT NULL PRIMARY KEY, name TEXT, score DOUBLE PRECISION, flag BOOLEAN,
                        CHECK (id > 0))
    """

  private func withBatchTable(_ backend: Backend, _ test: String,
                              _ body: @escaping @Sendable (any Database) async throws -> Void) async throws {
    try await withDatabase(backend, name: "many_\(test)") { db in
      try await db.execute(Self.create)
      try await withTimeout(.seconds(30), test) { () async throws in try await body(db) }
    }
  }

  private static func names(_ db: any Database) async throws -> [String?] {
    try await db.fetchAll("SELECT name FROM batch ORDER BY id").map { try $0.decode(String?.self, at: 0) }
  }

  @Test(arguments: Backend.available)
  func everyRowRunsAndTheChangedRowsAreCounted(_ backend: Backend) async throws {
    try await withBatchTable(backend, "rows") { (db) async throws in
      let changed = try await db.executeMany("INSERT INTO batch (id, name, score, flag) VALUES ($1, $2, $3, $4)", [
        [1, "a", 1.5, true],
        [2, "it's", -0.25, false],
        [3, "tab\there\nnewline \\ ünï", 0.0, true],
      ])
      #expect(changed == 3)
      #expect(try await Self.names(db) == ["a", "it's", "tab\there\nnewline \\ ünï"])
      #expect(try await db.executeMany("UPDATE batch SET score = score + $2 WHERE id = $1", [[1, 1.0], [2, 1.0], [99, 1.0]]) == 2)
      #expect(try await db.fetchValue("SELECT score FROM batch WHERE id = 1", as: Double.self) == 2.5)
    }
  }

  @Test(arguments: Backend.available)
  func nullsGoInWhereverTheRowSaysSo(_ backend: Backend) async throws {
    try await withBatchTable(backend, "nulls") { (db) async throws in
      try await db.executeMany("INSERT INTO batch (id, name, flag) VALUES ($1, $2, $3)", [
        [SQLValue.int(1), .null, .bool(true)],
        [SQLValue.int(2), .text("b"), .null],
      ])
      #expect(try await Self.names(db) == [nil, "b"])
      #expect(try await db.fetchValue("SELECT count(*) FROM batch WHERE flag IS NULL", as: Int.self) == 1)
    }
  }

  @Test(arguments: Backend.available)
  func aFailingRowNamesItsIndexAndLeavesNothingOfTheBatch(_ backend: Backend) async throws {
    try await withBatchTable(backend, "failing_row") { (db) async throws in
      try await db.execute("INSERT INTO batch (id, name) VALUES (5, 'kept')")
      let rows: [[any SQLValueConvertible]] = (1...10).map { [$0, "row \($0)"] }  // row 4 is id 5: taken
      let error = await #expect(throws: DatabaseError.self) {
        try await db.executeMany("INSERT INTO batch (id, name) VALUES ($1, $2)", rows)
      }
      #expect(error?.code == .uniqueViolation)
      #expect(error?.batchRow == 4)
      #expect(error?.description.contains("row 4 of the batch") == true)
      #expect(try await Self.names(db) == ["kept"])
      // The connection goes on.
      #expect(try await db.executeMany("INSERT INTO batch (id) VALUES ($1)", [[6], [7]]) == 2)
    }
  }

  @Test(arguments: Backend.available)
  func insideAnAtomicBlockAFailedBatchTakesTheBlockDown(_ backend: Backend) async throws {
    try await withBatchTable(backend, "in_block") { (db) async throws in
      await #expect(throws: DatabaseError.self) {
        try await db.atomic {
          try await db.execute("INSERT INTO batch (id, name) VALUES (100, 'before')")
          try await db.executeMany("INSERT INTO batch (id) VALUES ($1)", [[1], [2], [-3]])  // CHECK fails
        }
      }
      #expect(try await Self.names(db).isEmpty)
      // A nested block around the batch keeps the outer block alive.
      try await db.atomic {
        try await db.execute("INSERT INTO batch (id, name) VALUES (100, 'outer')")
        do {
          try await db.atomic { try await db.executeMany("INSERT INTO batch (id) VALUES ($1)", [[1], [-2]]) }
        } catch let error as DatabaseError {
          #expect(error.batchRow == 1)
        }
        try await db.executeMany("INSERT INTO batch (id, name) VALUES ($1, $2)", [[2, "after"]])
      }
      #expect(try await Self.names(db) == ["after", "outer"])
    }
  }

  @Test(arguments: Backend.available)
  func aFailedBatchCaughtInsideABlockRollsBackOnlyItselfAndTheBlockGoesOn(_ backend: Backend) async throws {
    try await withBatchTable(backend, "caught_in_block") { (db) async throws in
      try await db.atomic {
        try await db.execute("INSERT INTO batch (id, name) VALUES (100, 'before')")
        let error = await #expect(throws: DatabaseError.self) {
          try await db.executeMany("INSERT INTO batch (id) VALUES ($1)", [[1], [2], [-3]])  // CHECK fails
        }
        #expect(error?.batchRow == 2)
        try await db.executeMany("INSERT INTO batch (id, name) VALUES ($1, $2)", [[4, "after"]])
      }
      #expect(try await Self.names(db) == ["after", "before"])
    }
  }

  @Test(arguments: Backend.available)
  func rowsOfTheWrongSizeAndInterpolatedValuesAreRejectedBeforeAnythingRuns(_ backend: Backend) async throws {
    try await withBatchTable(backend, "misuse") { (db) async throws in
      let short = await #expect(throws: MisuseError.self) {
        try await db.executeMany("INSERT INTO batch (id, name) VALUES ($1, $2)", [[1, "a"], [2]])
      }
      #expect(short?.message.contains("row 1") == true)
      await #expect(throws: MisuseError.self) {
        try await db.executeMany("INSERT INTO batch (id, name) VALUES ($1, \("x"))", [[1]])
      }
      await #expect(throws: MisuseError.self) {
        try await db.executeMany("INSERT INTO batch (id, name) VALUES ($1, $3)", [[1, "a", "b"]])
      }
      #expect(try await Self.names(db).isEmpty)
      #expect(try await db.executeMany("INSERT INTO batch (id) VALUES ($1)", [[SQLValue]]()) == 0)
    }
  }

  @Test(arguments: Backend.available)
  func placeholdersInsideQuotesAndCommentsAreText(_ backend: Backend) async throws {
    try await withBatchTable(backend, "quoted") { (db) async throws in
      try await db.executeMany("""
        INSERT INTO batch (id, name) -- not $3
        VALUES ($1, '$2 ' || $2) /* nor $4 */
        """, [[1, "a"], [2, "b"]])
      #expect(try await Self.names(db) == ["$2 a", "$2 b"])
    }
  }

  @Test(arguments: Backend.available)
  func aPlaceholderUsedTwiceTakesTheSameValue(_ backend: Backend) async throws {
    try await withBatchTable(backend, "twice") { (db) async throws in
      try await db.executeMany("INSERT INTO batch (id, score) VALUES ($1, $1 * 2)", [[1], [2]])
      let scores = try await db.fetchAll("SELECT score FROM batch ORDER BY id").map { try $0.decode(Double.self, at: 0) }
      #expect(scores == [2, 4])
    }
  }

  @Test(arguments: Backend.available)
  func aLargeBatchRunsWhole(_ backend: Backend) async throws {
    try await withBatchTable(backend, "large") { (db) async throws in
      let rows: [[SQLValue]] = (1...20_000).map { [.int(Int64($0)), .text("name \($0)")] }
      #expect(try await db.executeMany("INSERT INTO batch (id, name) VALUES ($1, $2)", rows) == 20_000)
      #expect(try await db.fetchValue("SELECT count(*) FROM batch", as: Int.self) == 20_000)
      #expect(try await db.fetchValue("SELECT name FROM batch WHERE id = 12345", as: String.self) == "name 12345")
    }
  }
}
