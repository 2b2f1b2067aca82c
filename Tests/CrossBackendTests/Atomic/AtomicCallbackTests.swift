import QueryBuilder
import Testing

/// `onCommit` runs once the outermost COMMIT has landed, for work that is part of
/// it; `onRollback` runs for work that was rolled back, once the transaction is over.
@Suite
struct AtomicCallbackTests {
  @Test(arguments: Backend.available)
  func onCommitRunsOnceAfterTheOutermostCommit(_ backend: Backend) async throws {
    try await withItems(backend, "cb_commit") { db in
      let recording = RecordingDatabase(db)
      let log = EventLog()
      try await recording.atomic {
        try recording.onCommit {
          log.append("outer after \(recording.texts.last ?? "-"), in transaction: \(db.isInTransaction)")
        }
        try await recording.atomic {
          try await Items.insert(1, into: recording)
          try recording.onCommit { log.append("nested after \(recording.texts.last ?? "-")") }
        }
        #expect(log.all == [], "not at RELEASE")
      }
      #expect(log.all == ["outer after COMMIT, in transaction: false", "nested after COMMIT"])
      // Nothing runs again for later blocks.
      try await recording.atomic { try await Items.insert(2, into: recording) }
      #expect(log.all.count == 2)
    }
  }

  @Test(arguments: Backend.available)
  func onCommitOfARolledBackNestedBlockIsDropped(_ backend: Backend) async throws {
    try await withItems(backend, "cb_nested_drop") { db in
      let log = EventLog()
      try await db.atomic {
        try db.onCommit { log.append("outer commit") }
        await #expect(throws: Boom()) {
          try await db.atomic {
            try db.onCommit { log.append("nested commit") }
            try await db.atomic { try db.onCommit { log.append("inner commit") } }  // released into the failed block
            throw Boom()
          }
        }
      }
      #expect(log.all == ["outer commit"])
    }
  }

  /// A rolled-back nested block's `onRollback` runs once the outermost transaction
  /// is over (here: after it committed), not at ROLLBACK TO.
  @Test(arguments: Backend.available)
  func onRollbackRunsForARolledBackNestedBlockOnceTheTransactionIsOver(_ backend: Backend) async throws {
    try await withItems(backend, "cb_nested_rollback") { db in
      let recording = RecordingDatabase(db)
      let log = EventLog()
      try await recording.atomic {
        try recording.onRollback { log.append("outer rollback") }
        _ = try? await recording.atomic { () async throws -> Void in
          try recording.onRollback { log.append("nested rollback after \(recording.texts.last ?? "-")") }
          throw Boom()
        }
        #expect(log.all == [])
        try await recording.atomic { try recording.onRollback { log.append("released nested rollback") } }
      }
      #expect(log.all == ["nested rollback after COMMIT"])
    }
  }

  /// An outer rollback runs the `onRollback` callbacks of the block and of its
  /// released nested blocks, and no `onCommit`.
  @Test(arguments: Backend.available)
  func onRollbackRunsWhenTheOuterBlockRollsBack(_ backend: Backend) async throws {
    try await withItems(backend, "cb_outer_rollback") { db in
      let recording = RecordingDatabase(db)
      let log = EventLog()
      await #expect(throws: Boom()) {
        try await recording.atomic {
          try recording.onCommit { log.append("outer commit") }
          try recording.onRollback { log.append("outer rollback after \(recording.texts.last ?? "-")") }
          try await recording.atomic {
            try recording.onCommit { log.append("nested commit") }
            try recording.onRollback { log.append("nested rollback") }
          }
          throw Boom()
        }
      }
      #expect(log.all.sorted() == ["nested rollback", "outer rollback after ROLLBACK"])
      #expect(!db.isInTransaction)
    }
  }

  /// Callbacks may be registered through the handle, and from child tasks of the block.
  @Test(arguments: Backend.available)
  func callbacksRegisteredThroughTheHandleAndChildTasksRun(_ backend: Backend) async throws {
    try await withItems(backend, "cb_handle") { db in
      let log = EventLog()
      try await db.atomic { tx in
        try tx.onCommit { log.append("handle") }
        try await withThrowingTaskGroup(of: Void.self) { group in
          for n in 1...3 {
            group.addTask { try db.onCommit { log.append("child \(n)") } }
          }
          try await group.waitForAll()
        }
      }
      #expect(log.all.sorted() == ["child 1", "child 2", "child 3", "handle"])
    }
  }
}
