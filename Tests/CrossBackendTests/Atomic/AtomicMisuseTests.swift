import QueryBuilder
import Testing

/// Options a block cannot take where it stands are refused with a ``MisuseError``
/// before any SQL is sent, and the enclosing block carries on.
@Suite
struct AtomicMisuseTests {
  /// Runs `attempt` inside an outer block on a recording database: it must throw a
  /// MisuseError without sending anything, and the outer block must then commit a row.
  private func expectRefusedInsideABlock(_ backend: Backend, _ test: String,
                                         sourceLocation: SourceLocation = #_sourceLocation,
                                         _ attempt: @escaping @Sendable (RecordingDatabase) async throws -> Void) async throws {
    try await withItems(backend, "misuse_\(test)") { db in
      let recording = RecordingDatabase(db)
      try await recording.atomic {
        let before = recording.statements.count
        await #expect(throws: MisuseError.self, sourceLocation: sourceLocation) { try await attempt(recording) }
        #expect(recording.statements.count == before, "no SQL was sent", sourceLocation: sourceLocation)
        try await Items.insert(1, into: recording)
      }
      #expect(try await Items.numbers(db) == [1], sourceLocation: sourceLocation)
    }
  }

  @Test(arguments: Backend.available)
  func durableInsideABlockIsRefusedBeforeAnySQL(_ backend: Backend) async throws {
    try await expectRefusedInsideABlock(backend, "durable") { db in
      try await db.atomic(durable: true) { try await Items.insert(2, into: db) }
    }
  }

  @Test(arguments: Backend.available)
  func transactionInsideABlockIsRefusedBeforeAnySQL(_ backend: Backend) async throws {
    try await expectRefusedInsideABlock(backend, "transaction") { db in
      try await db.transaction { tx in try await Items.insert(2, into: tx) }
    }
  }

  /// Through a block's handle, inside a nested block, too.
  @Test(arguments: Backend.available)
  func transactionThroughAHandleInANestedBlockIsRefusedBeforeAnySQL(_ backend: Backend) async throws {
    try await withItems(backend, "misuse_transaction_nested") { db in
      let recording = RecordingDatabase(db)
      try await recording.atomic { tx in
        try await tx.atomic {
          let before = recording.statements.count
          await #expect(throws: MisuseError.self) {
            try await tx.transaction { inner in try await Items.insert(1, into: inner) }
          }
          #expect(recording.statements.count == before)
          try await Items.insert(2, into: tx)
        }
      }
      #expect(try await Items.numbers(db) == [2])
    }
  }

  @Test(arguments: Backend.available)
  func retryOnANestedBlockIsRefusedBeforeAnySQL(_ backend: Backend) async throws {
    try await expectRefusedInsideABlock(backend, "retry") { db in
      try await db.atomic(retry: 1) { try await Items.insert(2, into: db) }
    }
  }

  @Test(arguments: Backend.available)
  func aNestedBlockCannotChangeTheIsolationLevel(_ backend: Backend) async throws {
    try await withItems(backend, "misuse_isolation") { db in
      let recording = RecordingDatabase(db)
      try await recording.atomic(isolation: .serializable) {
        let before = recording.statements.count
        await #expect(throws: MisuseError.self) {
          try await recording.atomic(isolation: .repeatableRead) { try await Items.insert(1, into: recording) }
        }
        #expect(recording.statements.count == before)
        // The same level is accepted.
        try await recording.atomic(isolation: .serializable) { try await Items.insert(2, into: recording) }
      }
      // A level inside a block that left it to the server's default differs from it.
      try await recording.atomic {
        await #expect(throws: MisuseError.self) {
          try await recording.atomic(isolation: .serializable) { try await Items.insert(3, into: recording) }
        }
      }
      #expect(try await Items.numbers(db) == [2])
    }
  }

  @Test(arguments: Backend.available)
  func aNestedBlockCannotChangeReadOnly(_ backend: Backend) async throws {
    try await withItems(backend, "misuse_read_only") { db in
      try await db.atomic {
        await #expect(throws: MisuseError.self) {
          try await db.atomic(readOnly: true) { _ = try await Items.count(db) }
        }
        // A block without readOnly is read-write: repeating that is accepted.
        try await db.atomic(readOnly: false) { try await Items.insert(1, into: db) }
      }
      try await db.atomic(readOnly: true) {
        await #expect(throws: MisuseError.self) {
          try await db.atomic(readOnly: false) { try await Items.insert(2, into: db) }
        }
        let count = try await db.atomic(readOnly: true) { try await Items.count(db) }
        #expect(count == 1)
      }
      #expect(try await Items.numbers(db) == [1])
    }
  }

  @Test(arguments: Backend.available)
  func aNestedBlockCannotChangeDeferrable(_ backend: Backend) async throws {
    try await withItems(backend, "misuse_deferrable") { db in
      try await db.atomic(isolation: .serializable, readOnly: true, deferrable: true) {
        await #expect(throws: MisuseError.self) {
          try await db.atomic(deferrable: false) { _ = try await Items.count(db) }
        }
        let count = try await db.atomic(isolation: .serializable, readOnly: true, deferrable: true) {
          try await Items.count(db)
        }
        #expect(count == 0)
      }
    }
  }

  /// DEFERRABLE means something only for a serializable read-only transaction; any
  /// other combination is refused before BEGIN.
  @Test(arguments: Backend.available)
  func deferrableWithoutSerializableReadOnlyIsRefusedBeforeAnySQL(_ backend: Backend) async throws {
    try await withItems(backend, "misuse_deferrable_outer") { db in
      let recording = RecordingDatabase(db)
      let refused: [TransactionOptions] = [
        TransactionOptions(deferrable: true),
        TransactionOptions(isolation: .serializable, deferrable: true),
        TransactionOptions(readOnly: true, deferrable: true),
        TransactionOptions(isolation: .repeatableRead, readOnly: true, deferrable: true),
        TransactionOptions(isolation: .serializable, readOnly: false, deferrable: true),
      ]
      for options in refused {
        await #expect(throws: MisuseError.self, "\(options)") {
          try await recording.atomic(isolation: options.isolation, readOnly: options.readOnly,
                                     deferrable: options.deferrable) { try await Items.insert(1, into: recording) }
        }
        await #expect(throws: MisuseError.self, "\(options)") {
          try await recording.transaction(isolation: options.isolation, readOnly: options.readOnly,
                                          deferrable: options.deferrable) { tx in try await Items.insert(1, into: tx) }
        }
      }
      #expect(recording.texts == [])
      #expect(!db.isInTransaction)
      // Inside a block too.
      try await recording.atomic(isolation: .serializable) {
        await #expect(throws: MisuseError.self) {
          try await recording.atomic(isolation: .serializable, deferrable: true) { try await Items.insert(1, into: recording) }
        }
      }
      #expect(recording.texts.count == 2)  // BEGIN, COMMIT
      #expect(try await Items.count(db) == 0)
    }
  }

  @Test(arguments: Backend.available)
  func aNegativeRetryCountIsRefusedBeforeAnySQL(_ backend: Backend) async throws {
    try await withItems(backend, "misuse_negative_retry") { db in
      let recording = RecordingDatabase(db)
      await #expect(throws: MisuseError.self) {
        try await recording.atomic(retry: -1) { try await Items.insert(1, into: recording) }
      }
      #expect(recording.texts == [])
    }
  }

  @Test(arguments: Backend.available)
  func callbacksOutsideABlockAreRefused(_ backend: Backend) async throws {
    try await withItems(backend, "misuse_callbacks") { db in
      #expect(throws: MisuseError.self) { try db.onCommit {} }
      #expect(throws: MisuseError.self) { try db.onRollback {} }
      let stale = try await db.atomic { tx in tx }
      #expect(throws: MisuseError.self) { try stale.onCommit {} }
    }
  }
}
