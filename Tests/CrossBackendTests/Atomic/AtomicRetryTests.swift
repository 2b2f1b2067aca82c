import QueryBuilder
import Testing

/// `retry:` runs the whole outermost block again, in a new transaction, after an
/// error the policy accepts; nothing of a failed attempt survives.
@Suite
struct AtomicRetryTests {
  private func begin(_ backend: Backend) -> String { backend == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN" }

  private func insert(_ backend: Backend) -> String {
    backend == .sqlite ? "INSERT INTO items (n) VALUES (?1)" : "INSERT INTO items (n) VALUES ($1)"
  }

  @Test(arguments: Backend.available)
  func aRetryableErrorRunsTheWholeBlockAgainInANewTransaction(_ backend: Backend) async throws {
    try await withItems(backend, "retry_again") { db in
      let recording = RecordingDatabase(db)
      let attempts = Counter()
      let value = try await recording.atomic(retry: 2, retryPolicy: quickRetry) {
        let attempt = attempts.increment()
        try await Items.insert(attempt, into: recording)
        if attempt == 1 { throw serializationFailure(attempt) }
        return attempt
      }
      #expect(value == 2)
      #expect(attempts.current == 2)
      let numbers = try await Items.numbers(db)
      #expect(numbers == [2])
      #expect(recording.texts == [begin(backend), insert(backend), "ROLLBACK", begin(backend), insert(backend), "COMMIT"])
    }
  }

  /// A retryable error escaping a nested block fails the outer block, which is retried.
  @Test(arguments: Backend.available)
  func aRetryableErrorFromANestedBlockRetriesTheOuterBlock(_ backend: Backend) async throws {
    try await withItems(backend, "retry_from_nested") { db in
      let attempts = Counter()
      try await db.atomic(retry: 1, retryPolicy: quickRetry) {
        let attempt = attempts.increment()
        try await Items.insert(attempt * 10, into: db)
        try await db.atomic {
          try await Items.insert(attempt * 10 + 1, into: db)
          if attempt == 1 { throw serializationFailure(attempt) }
        }
      }
      #expect(attempts.current == 2)
      #expect(try await Items.numbers(db) == [20, 21])
    }
  }

  @Test(arguments: Backend.available)
  func retryGivesUpAfterTheCountAndRethrowsTheLastError(_ backend: Backend) async throws {
    try await withItems(backend, "retry_give_up") { db in
      let attempts = Counter()
      let error = await #expect(throws: DatabaseError.self) {
        try await db.atomic(retry: 2, retryPolicy: quickRetry) {
          let attempt = attempts.increment()
          try await Items.insert(attempt, into: db)
          throw serializationFailure(attempt)
        }
      }
      #expect(attempts.current == 3)
      #expect(error?.code == .serializationFailure)
      #expect(error?.message == serializationFailure(3).message)
      let count = try await Items.count(db)
      #expect(count == 0)
    }
  }

  /// Without `retry:`, a retryable error is not retried.
  @Test(arguments: Backend.available)
  func noRetryCountMeansNoRetry(_ backend: Backend) async throws {
    try await withItems(backend, "retry_none") { db in
      let attempts = Counter()
      let error = await #expect(throws: DatabaseError.self) {
        try await db.atomic {
          attempts.increment()
          throw serializationFailure(1)
        }
      }
      #expect(error?.code == .serializationFailure)
      #expect(attempts.current == 1)
    }
  }

  @Test(arguments: Backend.available)
  func nonRetryableErrorsAreNeverRetried(_ backend: Backend) async throws {
    try await withItems(backend, "retry_non_retryable") { db in
      let attempts = Counter()
      await #expect(throws: Boom(tag: 1)) {
        try await db.atomic(retry: 5, retryPolicy: quickRetry) {
          attempts.increment()
          throw Boom(tag: 1)
        }
      }
      #expect(attempts.current == 1)
      // Nor a database error that is not retryable.
      let error = await #expect(throws: DatabaseError.self) {
        try await db.atomic(retry: 5, retryPolicy: quickRetry) {
          attempts.increment()
          try await Items.insert(1, into: db)
          try await Items.insert(1, into: db)
        }
      }
      #expect(error?.code == .uniqueViolation)
      #expect(attempts.current == 2)
      let count = try await Items.count(db)
      #expect(count == 0)
    }
  }

  /// The policy decides what is retried.
  @Test(arguments: Backend.available)
  func aCustomPolicyDecidesWhatIsRetried(_ backend: Backend) async throws {
    try await withItems(backend, "retry_policy") { db in
      let attempts = Counter()
      let booms = RetryPolicy(baseDelay: .zero, maxDelay: .zero) { $0 is Boom }
      try await db.atomic(retry: 3, retryPolicy: booms) {
        if attempts.increment() < 3 { throw Boom() }
        try await Items.insert(1, into: db)
      }
      #expect(attempts.current == 3)
      #expect(try await Items.numbers(db) == [1])
      await #expect(throws: DatabaseError.self) {
        try await db.atomic(retry: 3, retryPolicy: booms) {
          attempts.increment()
          throw serializationFailure(1)
        }
      }
      #expect(attempts.current == 4)
    }
  }

  /// A nested block's retryable error that the outer block catches is just an error:
  /// the outer block goes on and commits once.
  @Test(arguments: Backend.available)
  func aRetryableErrorCaughtInsideTheBlockDoesNotRetryIt(_ backend: Backend) async throws {
    try await withItems(backend, "retry_caught") { db in
      let attempts = Counter()
      try await db.atomic(retry: 3, retryPolicy: quickRetry) {
        attempts.increment()
        try await Items.insert(1, into: db)
        await #expect(throws: DatabaseError.self) {
          try await db.atomic {
            try await Items.insert(2, into: db)
            throw serializationFailure(1)
          }
        }
        try await Items.insert(3, into: db)
      }
      #expect(attempts.current == 1)
      #expect(try await Items.numbers(db) == [1, 3])
    }
  }

  @Test(arguments: Backend.available)
  func onCommitCallbacksOfRetriedAttemptsAreDiscarded(_ backend: Backend) async throws {
    try await withItems(backend, "retry_cb_commit") { db in
      let attempts = Counter()
      let log = EventLog()
      try await db.atomic(retry: 2, retryPolicy: quickRetry) {
        let attempt = attempts.increment()
        try db.onCommit { log.append("commit \(attempt)") }
        try await db.atomic { try db.onCommit { log.append("nested commit \(attempt)") } }
        if attempt == 1 { throw serializationFailure(attempt) }
      }
      #expect(attempts.current == 2)
      #expect(log.all == ["commit 2", "nested commit 2"])
    }
  }

  /// `onRollback` is documented as "dropped if a retry runs the block again": only
  /// the attempt that counts (the last) may run its rollback callbacks.
  @Test(arguments: Backend.available)
  func onRollbackCallbacksOfRetriedAttemptsAreDiscarded(_ backend: Backend) async throws {
    try await withItems(backend, "retry_cb_rollback") { db in
      let attempts = Counter()
      let log = EventLog()
      try await db.atomic(retry: 2, retryPolicy: quickRetry) {
        let attempt = attempts.increment()
        try db.onRollback { log.append("rollback \(attempt)") }
        if attempt == 1 { throw serializationFailure(attempt) }
      }
      #expect(attempts.current == 2)
      #expect(log.all == [])
    }
  }

  /// When every attempt fails, the last attempt's rollback callbacks run, once.
  @Test(arguments: Backend.available)
  func onlyTheLastAttemptsRollbackCallbacksRunWhenRetryGivesUp(_ backend: Backend) async throws {
    try await withItems(backend, "retry_cb_give_up") { db in
      let attempts = Counter()
      let log = EventLog()
      await #expect(throws: DatabaseError.self) {
        try await db.atomic(retry: 2, retryPolicy: quickRetry) {
          let attempt = attempts.increment()
          try db.onRollback { log.append("rollback \(attempt)") }
          _ = try? await db.atomic { () async throws -> Void in
            try db.onRollback { log.append("nested rollback \(attempt)") }
            throw Boom()
          }
          throw serializationFailure(attempt)
        }
      }
      #expect(attempts.current == 3)
      #expect(log.all.contains("rollback 3") && log.all.contains("nested rollback 3"))
      #expect(log.all.sorted() == ["nested rollback 3", "rollback 3"])
    }
  }
}
