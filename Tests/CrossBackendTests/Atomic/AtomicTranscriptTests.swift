import QueryBuilder
import Testing

/// The exact statements atomic blocks send, recorded through ``RecordingDatabase``:
/// BEGIN / COMMIT / ROLLBACK at the outermost level, `sp_n` savepoints when nested.
@Suite
struct AtomicTranscriptTests {
  /// The statements `body` ran through a recording of a fresh database with `items`
  /// (creating the table is not recorded).
  private func transcript(_ backend: Backend, _ test: String,
                          _ body: @escaping @Sendable (RecordingDatabase) async throws -> Void) async throws -> [String] {
    try await withItems(backend, "tr_\(test)") { db in
      let recording = RecordingDatabase(db)
      try await body(recording)
      return recording.texts
    }
  }

  /// What an outermost block without options begins with.
  private func begin(_ backend: Backend) -> String {
    backend == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN"
  }

  /// `Items.insert`'s text.
  private func insert(_ backend: Backend) -> String {
    backend == .sqlite ? "INSERT INTO items (n) VALUES (?1)" : "INSERT INTO items (n) VALUES ($1)"
  }

  private let count = "SELECT count(*) FROM items"

  @Test(arguments: Backend.available)
  func aSingleBlockIsBeginThenCommit(_ backend: Backend) async throws {
    let statements = try await transcript(backend, "single") { db in
      try await db.atomic { try await Items.insert(1, into: db) }
    }
    #expect(statements == [begin(backend), insert(backend), "COMMIT"])
  }

  /// `transaction { }` at the outermost level sends what `atomic { }` does.
  @Test(arguments: Backend.available)
  func anOutermostTransactionIsBeginThenCommit(_ backend: Backend) async throws {
    let statements = try await transcript(backend, "transaction") { db in
      try await db.transaction { tx in try await Items.insert(1, into: tx) }
    }
    #expect(statements == [begin(backend), insert(backend), "COMMIT"])
  }

  /// SQLite: BEGIN DEFERRED and `query_only` for the transaction's duration;
  /// PostgreSQL: READ ONLY written into BEGIN.
  @Test(arguments: Backend.available)
  func aReadOnlyBlockIsEnforcedByQueryOnlyOnSQLiteAndByBeginOnPostgreSQL(_ backend: Backend) async throws {
    let statements = try await transcript(backend, "read_only") { db in
      _ = try await db.atomic(readOnly: true) { try await Items.count(db) }
    }
    switch backend {
    case .sqlite:
      #expect(statements == ["BEGIN DEFERRED", "PRAGMA query_only = ON", count, "COMMIT", "PRAGMA query_only = OFF"])
    case .postgres:
      #expect(statements == ["BEGIN READ ONLY", count, "COMMIT"])
    }
  }

  /// A read-only block that throws still turns `query_only` off after its ROLLBACK.
  @Test(arguments: Backend.available)
  func aFailingReadOnlyBlockRollsBackAndStillUndoesItsSettings(_ backend: Backend) async throws {
    let statements = try await transcript(backend, "read_only_fail") { db in
      await #expect(throws: Boom()) {
        try await db.atomic(readOnly: true) {
          _ = try await Items.count(db)
          throw Boom()
        }
      }
      try await Items.insert(1, into: db)  // writable again
    }
    switch backend {
    case .sqlite:
      #expect(statements == ["BEGIN DEFERRED", "PRAGMA query_only = ON", count, "ROLLBACK", "PRAGMA query_only = OFF",
                             insert(backend)])
    case .postgres:
      #expect(statements == ["BEGIN READ ONLY", count, "ROLLBACK", insert(backend)])
    }
  }

  /// PostgreSQL writes every option into BEGIN; SQLite has one isolation level, and a
  /// serializable read-only deferrable block is simply read-only there.
  @Test(arguments: Backend.available)
  func optionsAreWrittenIntoBeginOnPostgreSQL(_ backend: Backend) async throws {
    let statements = try await transcript(backend, "options") { db in
      _ = try await db.atomic(isolation: .serializable, readOnly: true, deferrable: true) { try await Items.count(db) }
      try await db.atomic(isolation: .readCommitted, readOnly: false, deferrable: false) {
        try await Items.insert(1, into: db)
      }
    }
    switch backend {
    case .sqlite:
      #expect(statements == ["BEGIN DEFERRED", "PRAGMA query_only = ON", count, "COMMIT", "PRAGMA query_only = OFF",
                             "BEGIN IMMEDIATE", insert(backend), "COMMIT"])
    case .postgres:
      #expect(statements == ["BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY, DEFERRABLE", count, "COMMIT",
                             "BEGIN ISOLATION LEVEL READ COMMITTED, READ WRITE, NOT DEFERRABLE", insert(backend), "COMMIT"])
    }
  }

  /// Every isolation level is accepted on both backends; only PostgreSQL writes it.
  @Test(arguments: Backend.available, IsolationLevel.allCases)
  func eachIsolationLevelIsWrittenIntoBeginOnPostgreSQL(_ backend: Backend, _ level: IsolationLevel) async throws {
    let statements = try await transcript(backend, "iso_\(level.rawValue.prefix(6).lowercased().filter(\.isLetter))") { db in
      try await db.atomic(isolation: level) { try await Items.insert(1, into: db) }
    }
    let begin = backend == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN ISOLATION LEVEL \(level.rawValue)"
    #expect(statements == [begin, insert(backend), "COMMIT"])
  }

  @Test(arguments: Backend.available)
  func aNestedBlockIsASavepointReleasedAtItsEnd(_ backend: Backend) async throws {
    let statements = try await transcript(backend, "nested") { db in
      try await db.atomic {
        try await Items.insert(1, into: db)
        try await db.atomic { try await Items.insert(2, into: db) }
        try await Items.insert(3, into: db)
      }
    }
    #expect(statements == [begin(backend), insert(backend), "SAVEPOINT \"sp_1\"", insert(backend),
                           "RELEASE SAVEPOINT \"sp_1\"", insert(backend), "COMMIT"])
  }

  @Test(arguments: Backend.available)
  func aFailingNestedBlockRollsBackToItsSavepointAndTheOuterStillCommits(_ backend: Backend) async throws {
    let statements = try await transcript(backend, "nested_fail") { db in
      try await db.atomic {
        await #expect(throws: Boom()) {
          try await db.atomic {
            try await Items.insert(1, into: db)
            throw Boom()
          }
        }
        try await Items.insert(2, into: db)
      }
    }
    #expect(statements == [begin(backend), "SAVEPOINT \"sp_1\"", insert(backend), "ROLLBACK TO SAVEPOINT \"sp_1\"",
                           "RELEASE SAVEPOINT \"sp_1\"", insert(backend), "COMMIT"])
  }

  /// Savepoints are named by depth, so siblings reuse the same name.
  @Test(arguments: Backend.available)
  func siblingNestedBlocksBothUseTheFirstSavepointName(_ backend: Backend) async throws {
    let statements = try await transcript(backend, "siblings") { db in
      try await db.atomic {
        try await db.atomic { try await Items.insert(1, into: db) }
        try await db.atomic { try await Items.insert(2, into: db) }
      }
    }
    #expect(statements == [begin(backend),
                           "SAVEPOINT \"sp_1\"", insert(backend), "RELEASE SAVEPOINT \"sp_1\"",
                           "SAVEPOINT \"sp_1\"", insert(backend), "RELEASE SAVEPOINT \"sp_1\"",
                           "COMMIT"])
  }

  @Test(arguments: Backend.available)
  func aBlockAtDepthThreeIsTheSecondSavepoint(_ backend: Backend) async throws {
    let statements = try await transcript(backend, "depth3") { db in
      try await db.atomic {
        try await db.atomic {
          try await db.atomic { try await Items.insert(1, into: db) }
        }
      }
    }
    #expect(statements == [begin(backend), "SAVEPOINT \"sp_1\"", "SAVEPOINT \"sp_2\"", insert(backend),
                           "RELEASE SAVEPOINT \"sp_2\"", "RELEASE SAVEPOINT \"sp_1\"", "COMMIT"])
  }

  /// A middle block that fails after its own nested block was released undoes both.
  @Test(arguments: Backend.available)
  func aFailingMiddleBlockRollsBackToItsOwnSavepoint(_ backend: Backend) async throws {
    let statements = try await transcript(backend, "depth3_fail") { db in
      try await db.atomic {
        _ = try? await db.atomic {
          try await db.atomic { try await Items.insert(1, into: db) }
          throw Boom()
        }
      }
      #expect(try await Items.count(db) == 0)
    }
    #expect(statements == [begin(backend), "SAVEPOINT \"sp_1\"", "SAVEPOINT \"sp_2\"", insert(backend),
                           "RELEASE SAVEPOINT \"sp_2\"", "ROLLBACK TO SAVEPOINT \"sp_1\"", "RELEASE SAVEPOINT \"sp_1\"",
                           "COMMIT", count])
  }

  @Test(arguments: Backend.available)
  func aFailingOuterBlockRollsBack(_ backend: Backend) async throws {
    let statements = try await transcript(backend, "outer_fail") { db in
      await #expect(throws: Boom()) {
        try await db.atomic {
          try await Items.insert(1, into: db)
          try await db.atomic { try await Items.insert(2, into: db) }
          throw Boom()
        }
      }
    }
    #expect(statements == [begin(backend), insert(backend), "SAVEPOINT \"sp_1\"", insert(backend),
                           "RELEASE SAVEPOINT \"sp_1\"", "ROLLBACK"])
  }

  /// The handle form sends the same statements, nested blocks opened through the
  /// handle included.
  @Test(arguments: Backend.available)
  func theHandleFormRecordsTheSameStatements(_ backend: Backend) async throws {
    let statements = try await transcript(backend, "handle") { db in
      try await db.atomic { tx in
        try await Items.insert(1, into: tx)
        try await tx.atomic { try await Items.insert(2, into: tx) }
      }
    }
    #expect(statements == [begin(backend), insert(backend), "SAVEPOINT \"sp_1\"", insert(backend),
                           "RELEASE SAVEPOINT \"sp_1\"", "COMMIT"])
  }

  /// PostgreSQL gets the budget as `SET LOCAL statement_timeout` right after BEGIN;
  /// SQLite enforces it in the client only.
  @Test(arguments: Backend.available)
  func aTimeoutIsSentAsAStatementTimeoutOnPostgreSQLOnly(_ backend: Backend) async throws {
    let statements = try await transcript(backend, "timeout") { db in
      try await db.atomic(timeout: .seconds(5)) { try await Items.insert(1, into: db) }
    }
    switch backend {
    case .sqlite:
      #expect(statements == ["BEGIN IMMEDIATE", insert(backend), "COMMIT"])
    case .postgres:
      try #require(statements.count == 4)
      #expect(statements[0] == "BEGIN")
      let prefix = "SET LOCAL statement_timeout = "
      #expect(statements[1].hasPrefix(prefix))
      let milliseconds = try #require(Int(statements[1].dropFirst(prefix.count)))
      #expect((4_000...5_000).contains(milliseconds))
      #expect(Array(statements[2...]) == [insert(backend), "COMMIT"])
    }
  }

  /// A stream in a block is recorded once, when iteration starts, between BEGIN and
  /// the statements after it.
  @Test(arguments: Backend.available)
  func aStreamInABlockRunsInItsTurn(_ backend: Backend) async throws {
    let statements = try await transcript(backend, "stream") { db in
      try await db.atomic {
        for try await _ in db.stream("SELECT n FROM items ORDER BY n") {}
        try await Items.insert(1, into: db)
      }
    }
    #expect(statements == [begin(backend), "SELECT n FROM items ORDER BY n", insert(backend), "COMMIT"])
  }
}
