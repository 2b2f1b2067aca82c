import QueryBuilder
import SQLiteTestBackend
import Testing

/// What atomic blocks do to a real table on both backends: commit, roll back,
/// nest, and route the statements of their task and handle.
@Suite
struct AtomicBehaviourTests {
  @Test(arguments: Backend.available)
  func committedRowsAreVisibleAfterTheBlock(_ backend: Backend) async throws {
    try await withItems(backend, "commit") { db in
      let value = try await db.atomic {
        try await Items.insert(1, into: db)
        try await Items.insert(2, into: db)
        #expect(try await Items.numbers(db) == [1, 2])
        return "done"
      }
      #expect(value == "done")
      #expect(try await Items.numbers(db) == [1, 2])
    }
  }

  /// The block's error comes out as it was thrown (same type, same value), and none
  /// of its rows remain.
  @Test(arguments: Backend.available)
  func aThrownErrorRollsBackAndIsRethrownUnchanged(_ backend: Backend) async throws {
    try await withItems(backend, "rollback") { db in
      await #expect(throws: Boom(tag: 7)) {
        try await db.atomic {
          try await Items.insert(1, into: db)
          try await db.atomic { try await Items.insert(2, into: db) }
          throw Boom(tag: 7)
        }
      }
      let count = try await Items.count(db)
      #expect(count == 0)
    }
  }

  /// A database error inside the block is rethrown as the database reported it.
  @Test(arguments: Backend.available)
  func aDatabaseErrorRollsBackAndIsRethrownAsReported(_ backend: Backend) async throws {
    try await withItems(backend, "db_error") { db in
      let error = await #expect(throws: DatabaseError.self) {
        try await db.atomic {
          try await Items.insert(1, into: db)
          try await Items.insert(1, into: db)
        }
      }
      #expect(error?.code == .uniqueViolation)
      #expect(error?.table == "items")
      let count = try await Items.count(db)
      #expect(count == 0)
    }
  }

  @Test(arguments: Backend.available)
  func aNestedFailureKeepsTheOuterWork(_ backend: Backend) async throws {
    try await withItems(backend, "nested_fail") { db in
      try await db.atomic {
        try await Items.insert(1, into: db)
        await #expect(throws: Boom(tag: 2)) {
          try await db.atomic {
            try await Items.insert(2, into: db)
            throw Boom(tag: 2)
          }
        }
        #expect(try await Items.numbers(db) == [1])
        try await Items.insert(3, into: db)
      }
      #expect(try await Items.numbers(db) == [1, 3])
    }
  }

  /// PostgreSQL aborts a transaction on any error; the savepoint's ROLLBACK TO is
  /// what keeps the outer block usable after a failed statement in a nested one.
  @Test(arguments: Backend.available)
  func aFailedStatementInANestedBlockLeavesTheOuterBlockUsable(_ backend: Backend) async throws {
    try await withItems(backend, "nested_db_error") { db in
      try await db.atomic {
        try await Items.insert(1, into: db)
        let error = await #expect(throws: DatabaseError.self) {
          try await db.atomic { try await Items.insert(1, into: db) }
        }
        #expect(error?.code == .uniqueViolation)
        try await Items.insert(2, into: db)
      }
      #expect(try await Items.numbers(db) == [1, 2])
    }
  }

  /// Released nested work commits with the outer block, at any depth.
  @Test(arguments: Backend.available)
  func releasedNestedWorkCommitsWithTheOuterBlock(_ backend: Backend) async throws {
    try await withItems(backend, "nested_commit") { db in
      try await db.atomic {
        try await db.atomic {
          try await Items.insert(1, into: db)
          try await db.atomic { try await Items.insert(2, into: db) }
        }
        try await db.atomic { try await Items.insert(3, into: db) }
      }
      #expect(try await Items.numbers(db) == [1, 2, 3])
    }
  }

  @Test(arguments: Backend.available)
  func isInTransactionIsTrueOnlyInsideABlock(_ backend: Backend) async throws {
    try await withItems(backend, "is_in") { db in
      #expect(!db.isInTransaction)
      try await db.atomic {
        #expect(db.isInTransaction)
        try await db.atomic { #expect(db.isInTransaction) }
        _ = try? await db.atomic { () async throws -> Void in throw Boom() }
        #expect(db.isInTransaction)
      }
      #expect(!db.isInTransaction)
      _ = try? await db.atomic { () async throws -> Void in
        #expect(db.isInTransaction)
        throw Boom()
      }
      #expect(!db.isInTransaction)
      // Only for the database the block is on, and the wrapper sharing its key.
      let other = try SQLiteDatabase.inMemory()
      try await db.atomic {
        #expect(RecordingDatabase(db).isInTransaction)
        #expect(!other.isInTransaction)
      }
      await other.close()
    }
  }

  /// A block on one database does not capture statements on another: they commit on
  /// their own even when the block rolls back.
  @Test(arguments: Backend.available)
  func aBlockDoesNotCaptureStatementsOnAnotherDatabase(_ backend: Backend) async throws {
    try await withItems(backend, "other_db") { db in
      let other = try SQLiteDatabase.inMemory()
      try await other.execute(Items.create)
      await #expect(throws: Boom()) {
        try await db.atomic {
          try await Items.insert(1, into: db)
          try await Items.insert(2, into: other)
          throw Boom()
        }
      }
      #expect(try await Items.numbers(db) == [])
      #expect(try await Items.numbers(other) == [2])
      await other.close()
    }
  }

  @Test(arguments: Backend.available)
  func theHandleRunsStatementsInTheBlock(_ backend: Backend) async throws {
    try await withItems(backend, "handle") { db in
      try await db.atomic { tx in
        #expect(tx.dialect == db.dialect)
        try await Items.insert(1, into: tx)
        #expect(try await Items.numbers(tx) == [1])
        #expect(try await Items.numbers(db) == [1])  // the block's task sees the same
      }
      await #expect(throws: Boom()) {
        try await db.atomic { tx in
          try await Items.insert(2, into: tx)
          throw Boom()
        }
      }
      #expect(try await Items.numbers(db) == [1])
    }
  }

  /// A handle used inside a block nested in its own runs in the nested block (its
  /// rows roll back with the savepoint) instead of waiting for the turn the nested
  /// block holds.
  @Test(arguments: Backend.available)
  func theHandleInsideABlockNestedInItsOwnRunsInTheNestedBlock(_ backend: Backend) async throws {
    try await withItems(backend, "handle_nested") { db in
      try await db.atomic { tx in
        try await Items.insert(1, into: tx)
        await #expect(throws: Boom()) {
          try await db.atomic {
            try await Items.insert(2, into: tx)
            #expect(try await Items.numbers(tx) == [1, 2])
            throw Boom()
          }
        }
        try await tx.atomic {
          try await tx.atomic { try await Items.insert(3, into: tx) }
        }
      }
      #expect(try await Items.numbers(db) == [1, 3])
    }
  }

  @Test(arguments: Backend.available)
  func theHandleUsedAfterItsBlockEndedThrowsMisuseError(_ backend: Backend) async throws {
    try await withItems(backend, "handle_stale") { db in
      let stale = try await db.atomic { tx in tx }
      await #expect(throws: MisuseError.self) { try await Items.insert(1, into: stale) }
      await #expect(throws: MisuseError.self) { try await Items.count(stale) }
      // Nor does it reach a later block's connection.
      try await db.atomic {
        await #expect(throws: MisuseError.self) { try await Items.insert(2, into: stale) }
        try await Items.insert(3, into: db)
      }
      #expect(try await Items.numbers(db) == [3])
    }
  }

  /// A stale handle is out of every block: nesting on it, registering callbacks
  /// through it and asking it `isInTransaction` say so, also inside a later block.
  @Test(arguments: Backend.available)
  func aStaleHandleIsOutsideEveryBlock(_ backend: Backend) async throws {
    try await withItems(backend, "handle_stale_nest") { db in
      let stale = try await db.atomic { tx in
        #expect(tx.isInTransaction)
        return tx
      }
      #expect(!stale.isInTransaction)
      await #expect(throws: MisuseError.self) { try await stale.atomic { try await Items.insert(1, into: db) } }
      try await db.atomic {
        #expect(!stale.isInTransaction)
        #expect(throws: MisuseError.self) { try stale.onCommit {} }
        await #expect(throws: MisuseError.self) { try await stale.atomic { try await Items.insert(2, into: db) } }
        try await Items.insert(3, into: db)
      }
      #expect(try await Items.numbers(db) == [3])
    }
  }

  /// The handle cannot take another connection: nesting goes through `atomic`.
  @Test(arguments: Backend.available)
  func theHandleCannotOpenASession(_ backend: Backend) async throws {
    try await withItems(backend, "handle_session") { db in
      try await db.atomic { tx in
        await #expect(throws: MisuseError.self) { _ = try await tx.openSession() }
      }
    }
  }

  @Test(arguments: Backend.available)
  func anOutermostDurableBlockCommits(_ backend: Backend) async throws {
    try await withItems(backend, "durable") { db in
      try await db.atomic(durable: true) { try await Items.insert(1, into: db) }
      #expect(try await Items.numbers(db) == [1])
    }
  }

  @Test(arguments: Backend.available)
  func anOutermostTransactionCommitsAndRollsBackLikeAtomic(_ backend: Backend) async throws {
    try await withItems(backend, "transaction") { db in
      try await db.transaction { tx in try await Items.insert(1, into: tx) }
      await #expect(throws: Boom()) {
        try await db.transaction { tx in
          try await Items.insert(2, into: tx)
          throw Boom()
        }
      }
      #expect(try await Items.numbers(db) == [1])
    }
  }

  /// A write in a read-only block fails the same way on both backends, and the
  /// connection is writable again afterwards.
  @Test(arguments: Backend.available)
  func aWriteInAReadOnlyBlockFailsWithReadOnlyTransaction(_ backend: Backend) async throws {
    try await withItems(backend, "read_only") { db in
      let error = await #expect(throws: DatabaseError.self) {
        try await db.atomic(readOnly: true) {
          #expect(try await Items.count(db) == 0)
          try await Items.insert(1, into: db)
        }
      }
      #expect(error?.code == .readOnlyTransaction)
      // A nested block inherits read-only.
      let nested = await #expect(throws: DatabaseError.self) {
        try await db.atomic(readOnly: true) {
          try await db.atomic { try await Items.insert(2, into: db) }
        }
      }
      #expect(nested?.code == .readOnlyTransaction)
      try await Items.insert(3, into: db)
      try await db.atomic { try await Items.insert(4, into: db) }
      #expect(try await Items.numbers(db) == [3, 4])
    }
  }
}
