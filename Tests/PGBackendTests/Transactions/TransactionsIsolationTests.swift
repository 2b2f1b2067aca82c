import Model
import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// Atomic blocks on several connections at once, against the real server: isolation
/// levels do what PostgreSQL promises, conflicts and deadlocks surface with their
/// retryable codes, and `retry:` runs the whole block again until it goes through.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason), .timeLimit(.minutes(1)))
struct TransactionsIsolationTests {
  // MARK: Serialization failures

  /// Both blocks read the counter, meet, then write what they read plus one: the
  /// second writer waits for the first one's row lock and, once it commits, fails
  /// (an update lost under read committed is refused under serializable).
  @Test func serializableReadThenUpdateOfTheSameRowFailsOneBlockWithoutRetry() async throws {
    try await AtomicTestSupport.withConnections(schema: "pgtx_serializable_conflict", count: 2) { conns in
      try await Self.createCounter(on: conns[0], start: 100)
      let outcomes = await Self.incrementConcurrently(conns, retry: 0)

      let successes = outcomes.compactMap { try? $0.get() }
      let failures = outcomes.compactMap { outcome -> (any Error)? in
        if case .failure(let error) = outcome { return error }
        return nil
      }
      #expect(successes.map(\.value) == [101])
      #expect(failures.count == 1)
      let error = try #require(failures.first as? DatabaseError, "\(failures)")
      #expect(error.code == .serializationFailure, "\(error)")
      #expect(error.isRetryable)
      #expect(try await Self.counter(on: conns[0]) == 101)  // one increment, nothing half-done
      try await Self.expectIdleAndUsable(conns)
    }
  }

  /// The same race with `retry: 5`: the loser runs its block again in a new
  /// transaction, reads the winner's value, and both increments land.
  @Test func serializableReadThenUpdateWithRetrySucceedsForBoth() async throws {
    try await AtomicTestSupport.withConnections(schema: "pgtx_serializable_retry", count: 2) { conns in
      try await Self.createCounter(on: conns[0], start: 100)
      let outcomes = await Self.incrementConcurrently(conns, retry: 5)

      let increments = try outcomes.map { try $0.get() }
      #expect(increments.map(\.value).sorted() == [101, 102])
      #expect(increments.map(\.attempts).sorted() == [1, 2])  // exactly one conflict, retried once
      #expect(try await Self.counter(on: conns[0]) == 102)    // start + 2
      try await Self.expectIdleAndUsable(conns)
    }
  }

  /// Write skew: two doctors are on call; each block checks that someone else is,
  /// then takes its own doctor off. Both read, both write (different rows), then both
  /// commit: under serializable the second COMMIT fails, so a doctor stays on call;
  /// with `retry:` the failed block runs again, sees only one doctor left, and keeps
  /// them. Under read committed both go through and nobody is on call (the anomaly
  /// the test provokes).
  @Test(arguments: [(IsolationLevel.readCommitted, 0), (.serializable, 0), (.serializable, 5)])
  func writeSkewBetweenTwoBlocks(_ isolation: IsolationLevel, retry: Int) async throws {
    let schema = "pgtx_write_skew_\(isolation == .serializable ? "serializable" : "read_committed")_\(retry)"
    try await AtomicTestSupport.withConnections(schema: schema, count: 2) { conns in
      try await conns[0].execute("CREATE TABLE doctors (id int8 PRIMARY KEY, on_call bool NOT NULL); INSERT INTO doctors VALUES (1, true), (2, true)")
      let allRead = Rendezvous(parties: 2), allWrote = Rendezvous(parties: 2)
      let outcomes = await withTaskGroup(of: Result<(attempts: Int, leftCall: Bool), any Error>.self) { group in
        for (conn, doctor) in zip(conns, [Int64(1), 2]) {
          group.addTask {
            var attempts = 0
            do {
              let leftCall = try await conn.atomic(isolation: isolation, retry: retry) {
                attempts += 1
                let onCall = try await conn.fetchValue("SELECT count(*) FROM doctors WHERE on_call", as: Int.self) ?? 0
                if attempts == 1 { await allRead.arrive() }
                if onCall >= 2 { try await conn.execute("UPDATE doctors SET on_call = false WHERE id = \(doctor)") }
                if attempts == 1 { await allWrote.arrive() }
                return onCall >= 2
              }
              return .success((attempts, leftCall))
            } catch {
              return .failure(error)
            }
          }
        }
        var outcomes: [Result<(attempts: Int, leftCall: Bool), any Error>] = []
        for await outcome in group { outcomes.append(outcome) }
        return outcomes
      }

      let onCall = try await conns[0].fetchValue("SELECT count(*) FROM doctors WHERE on_call", as: Int.self)
      let failures = outcomes.compactMap { outcome -> (any Error)? in
        if case .failure(let error) = outcome { return error }
        return nil
      }
      let successes = outcomes.compactMap { try? $0.get() }
      switch (isolation, retry) {
      case (.readCommitted, _):
        #expect(failures.isEmpty, "\(failures)")
        #expect(onCall == 0)
      case (_, 0):
        #expect(successes.count == 1)
        #expect(failures.count == 1)
        let error = try #require(failures.first as? DatabaseError, "\(failures)")
        #expect(error.code == .serializationFailure, "\(error)")
        #expect(onCall == 1)
      default:
        #expect(failures.isEmpty, "\(failures)")
        #expect(successes.map(\.attempts).sorted() == [1, 2])
        #expect(successes.filter(\.leftCall).count == 1)  // the retried block saw one doctor left
        #expect(onCall == 1)
      }
      try await Self.expectIdleAndUsable(conns)
    }
  }

  // MARK: Deadlocks

  /// Each block locks one row, meets the other, then asks for the other's row: the
  /// server finds the cycle and fails one of them; the other goes through.
  @Test func locksTakenInOppositeOrderDeadlockOneBlockWithoutRetry() async throws {
    try await AtomicTestSupport.withConnections(schema: "pgtx_deadlock", count: 2, options: Self.deadlockOptions) { conns in
      try await Self.createAccounts(on: conns[0])
      let outcomes = await Self.touchInOppositeOrder(conns, retry: 0)

      let failures = outcomes.compactMap { outcome -> (any Error)? in
        if case .failure(let error) = outcome { return error }
        return nil
      }
      #expect(outcomes.count - failures.count == 1)
      let error = try #require(failures.first as? DatabaseError, "\(failures)")
      #expect(failures.count == 1)
      #expect(error.code == .deadlockDetected, "\(error)")
      #expect(error.isRetryable)
      #expect(try await Self.balances(on: conns[0]) == [1, 1])  // only the survivor's two updates
      try await Self.expectIdleAndUsable(conns)
    }
  }

  @Test func locksTakenInOppositeOrderWithRetrySucceedForBoth() async throws {
    try await AtomicTestSupport.withConnections(schema: "pgtx_deadlock_retry", count: 2, options: Self.deadlockOptions) { conns in
      try await Self.createAccounts(on: conns[0])
      let outcomes = await Self.touchInOppositeOrder(conns, retry: 5)

      let attempts = try outcomes.map { try $0.get() }
      // The victim ran again (and may deadlock once more: its new transaction can
      // take the first row back before the survivor, woken up, gets to it).
      #expect(attempts.reduce(0, +) >= 3, "\(attempts)")
      #expect(try await Self.balances(on: conns[0]) == [2, 2])   // both blocks' updates, once each
      try await Self.expectIdleAndUsable(conns)
    }
  }

  // MARK: Snapshots

  /// Another connection commits a change while the block runs: read committed sees
  /// it at the next statement; repeatable read and serializable keep the snapshot of
  /// the block's first statement.
  @Test(arguments: [IsolationLevel.readCommitted, .repeatableRead, .serializable])
  func aCommitByAnotherConnectionDuringTheBlock(_ isolation: IsolationLevel) async throws {
    let schema = "pgtx_snapshot_" + isolation.rawValue.lowercased().replacing(" ", with: "_")
    try await AtomicTestSupport.withConnections(schema: schema, count: 2) { conns in
      let (a, b) = (conns[0], conns[1])
      try await a.execute("CREATE TABLE t (id int8 PRIMARY KEY, value int8 NOT NULL); INSERT INTO t VALUES (1, 10)")
      let (first, second, rows) = try await a.atomic(isolation: isolation) {
        let first = try await a.fetchValue("SELECT value FROM t WHERE id = 1", as: Int64.self)
        try await b.execute("UPDATE t SET value = 20 WHERE id = 1; INSERT INTO t VALUES (2, 30)")  // b is in no block
        let second = try await a.fetchValue("SELECT value FROM t WHERE id = 1", as: Int64.self)
        let rows = try await a.fetchValue("SELECT count(*) FROM t", as: Int.self)
        return (first, second, rows)
      }
      #expect(first == 10)
      if isolation == .readCommitted {
        #expect(second == 20)
        #expect(rows == 2)
      } else {
        #expect(second == 10)
        #expect(rows == 1)
      }
      #expect(try await a.fetchValue("SELECT value FROM t WHERE id = 1", as: Int64.self) == 20)
    }
  }

  /// Under repeatable read, writing a row another transaction changed after the
  /// snapshot is a serialization failure; with `retry:` the block runs again on a new
  /// snapshot and its write is based on the committed value.
  @Test func repeatableReadWriteToARowChangedSinceTheSnapshotFailsAndIsRetried() async throws {
    try await AtomicTestSupport.withConnections(schema: "pgtx_repeatable_read_write", count: 2) { conns in
      let (a, b) = (conns[0], conns[1])
      try await a.execute("CREATE TABLE t (id int8 PRIMARY KEY, value int8 NOT NULL); INSERT INTO t VALUES (1, 10)")

      let error = try await #require(throws: DatabaseError.self) {
        try await a.atomic(isolation: .repeatableRead) {
          let read = try #require(try await a.fetchValue("SELECT value FROM t WHERE id = 1", as: Int64.self))
          try await b.execute("UPDATE t SET value = value + 100 WHERE id = 1")
          try await a.execute("UPDATE t SET value = \(read + 1) WHERE id = 1")
        }
      }
      #expect(error.code == .serializationFailure, "\(error)")
      #expect(try await a.fetchValue("SELECT value FROM t WHERE id = 1", as: Int64.self) == 110)

      var attempts = 0
      let written = try await a.atomic(isolation: .repeatableRead, retry: 2) {
        attempts += 1
        let read = try #require(try await a.fetchValue("SELECT value FROM t WHERE id = 1", as: Int64.self))
        if attempts == 1 { try await b.execute("UPDATE t SET value = value + 100 WHERE id = 1") }
        try await a.execute("UPDATE t SET value = \(read + 1) WHERE id = 1")
        return read + 1
      }
      #expect(attempts == 2)
      #expect(written == 211)
      #expect(try await b.fetchValue("SELECT value FROM t WHERE id = 1", as: Int64.self) == 211)
      try await Self.expectIdleAndUsable(conns)
    }
  }

  // MARK: Read-only blocks

  /// A serializable, read-only, deferrable block gets a snapshot that never
  /// conflicts: a row another connection commits meanwhile stays invisible to it.
  @Test func serializableReadOnlyDeferrableBlockSeesAStableSnapshot() async throws {
    try await AtomicTestSupport.withConnections(schema: "pgtx_read_only_deferrable", count: 2) { conns in
      let (a, b) = (conns[0], conns[1])
      try await a.execute("CREATE TABLE t (id int8 PRIMARY KEY, value int8 NOT NULL); INSERT INTO t VALUES (1, 10), (2, 20)")
      let (before, after, deferrable, readOnly) = try await a.atomic(isolation: .serializable, readOnly: true, deferrable: true) {
        let before = try await a.fetchValue("SELECT sum(value)::int8 FROM t", as: Int64.self)
        try await b.execute("INSERT INTO t VALUES (3, 5)")
        let after = try await a.fetchValue("SELECT sum(value)::int8 FROM t", as: Int64.self)
        return (before, after, try await AtomicTestSupport.show("transaction_deferrable", on: a),
                try await AtomicTestSupport.show("transaction_read_only", on: a))
      }
      #expect(before == 30)
      #expect(after == 30)
      #expect(deferrable == "on")
      #expect(readOnly == "on")
      #expect(try await a.fetchValue("SELECT sum(value)::int8 FROM t", as: Int64.self) == 35)
      try await Self.expectIdleAndUsable(conns)
    }
  }

  /// A write in a read-only block fails with `.readOnlyTransaction` (caught in a
  /// nested block, the outer block goes on; uncaught, the block fails) and nothing
  /// is written; the connection is idle and usable afterwards.
  @Test(arguments: [false, true])
  func aWriteInAReadOnlyBlockFailsWithReadOnlyTransaction(deferrable: Bool) async throws {
    let schema = deferrable ? "pgtx_read_only_write_deferrable" : "pgtx_read_only_write"
    try await AtomicTestSupport.withConnections(schema: schema, count: 1) { conns in
      let a = conns[0]
      try await a.execute("CREATE TABLE t (id int8 PRIMARY KEY)")
      let isolation: IsolationLevel? = deferrable ? .serializable : nil
      let deferrableOption: Bool? = deferrable ? true : nil

      let caught = try await a.atomic(isolation: isolation, readOnly: true, deferrable: deferrableOption) {
        let nested = await #expect(throws: DatabaseError.self) {
          try await a.atomic { try await a.execute("INSERT INTO t VALUES (1)") }
        }
        let rows = try await a.fetchValue("SELECT count(*) FROM t", as: Int.self)  // still usable
        #expect(rows == 0)
        return nested
      }
      #expect(caught?.code == .readOnlyTransaction, "\(String(describing: caught))")

      let error = try await #require(throws: DatabaseError.self) {
        try await a.atomic(isolation: isolation, readOnly: true, deferrable: deferrableOption) {
          try await a.execute("INSERT INTO t VALUES (2)")
        }
      }
      #expect(error.code == .readOnlyTransaction, "\(error)")
      #expect(!a.hasOpenTransaction)
      #expect(try await a.fetchValue("SELECT count(*) FROM t", as: Int.self) == 0)
      #expect(try await a.execute("INSERT INTO t VALUES (3)") == 1)  // the session is not read-only
    }
  }

  // MARK: What the server reports

  /// `SHOW transaction_isolation / transaction_read_only / transaction_deferrable`
  /// inside a block (and a block nested in it) report the block's options, and
  /// after it the server's defaults again.
  @Test func showInsideBlocksReflectsTheirOptions() async throws {
    try await AtomicTestSupport.withConnections(schema: "pgtx_show_options", count: 1) { conns in
      let a = conns[0]
      let defaults = try await Self.shownModes(on: a)
      #expect(defaults == ["read committed", "off", "off"])

      var cases: [(IsolationLevel?, Bool?, Bool?)] = [(.serializable, true, true), (.serializable, true, false)]
      for isolation in [nil] + IsolationLevel.allCases.map(Optional.some) {
        for readOnly in [nil, false, true] as [Bool?] { cases.append((isolation, readOnly, nil)) }
      }
      for (isolation, readOnly, deferrable) in cases {
        let expected = [isolation?.rawValue.lowercased() ?? "read committed",
                        readOnly == true ? "on" : "off", deferrable == true ? "on" : "off"]
        let (outer, nested) = try await a.atomic(isolation: isolation, readOnly: readOnly, deferrable: deferrable) {
          let outer = try await Self.shownModes(on: a)
          let nested = try await a.atomic(isolation: isolation, readOnly: readOnly) { try await Self.shownModes(on: a) }
          return (outer, nested)
        }
        let label = "isolation \(String(describing: isolation)), readOnly \(String(describing: readOnly)), deferrable \(String(describing: deferrable))"
        #expect(outer == expected, "\(label)")
        #expect(nested == expected, "\(label)")
        #expect(try await Self.shownModes(on: a) == defaults, "after \(label)")
      }
    }
  }

  // MARK: Helpers

  struct Increment: Sendable {
    let value: Int64
    let attempts: Int
  }

  static let deadlockOptions = AtomicTestSupport.quiet(["deadlock_timeout": "100ms", "lock_timeout": "5s"])

  static func createCounter(on conn: PostgresConnection, start: Int64) async throws {
    try await conn.execute("CREATE TABLE counter (id int8 PRIMARY KEY, value int8 NOT NULL)")
    try await conn.execute("INSERT INTO counter VALUES (1, \(start))")
  }

  static func counter(on conn: PostgresConnection) async throws -> Int64? {
    try await conn.fetchValue("SELECT value FROM counter WHERE id = 1", as: Int64.self)
  }

  /// Each connection increments the counter in a serializable block; the first
  /// attempts all read before any writes.
  static func incrementConcurrently(_ conns: [PostgresConnection], retry: Int) async -> [Result<Increment, any Error>] {
    let allRead = Rendezvous(parties: conns.count)
    return await withTaskGroup(of: Result<Increment, any Error>.self) { group in
      for conn in conns {
        group.addTask {
          do { return .success(try await increment(conn, firstAttemptMeets: allRead, retry: retry)) } catch { return .failure(error) }
        }
      }
      var outcomes: [Result<Increment, any Error>] = []
      for await outcome in group { outcomes.append(outcome) }
      return outcomes
    }
  }

  static func increment(_ conn: PostgresConnection, firstAttemptMeets allRead: Rendezvous, retry: Int) async throws -> Increment {
    var attempts = 0
    let value = try await conn.atomic(isolation: .serializable, retry: retry) {
      attempts += 1
      let read = try #require(try await conn.fetchValue("SELECT value FROM counter WHERE id = 1", as: Int64.self))
      if attempts == 1 { await allRead.arrive() }
      try await conn.execute("UPDATE counter SET value = \(read + 1) WHERE id = 1")
      return read + 1
    }
    return Increment(value: value, attempts: attempts)
  }

  static func createAccounts(on conn: PostgresConnection) async throws {
    try await conn.execute("CREATE TABLE accounts (id int8 PRIMARY KEY, balance int8 NOT NULL); INSERT INTO accounts VALUES (1, 0), (2, 0)")
  }

  static func balances(on conn: PostgresConnection) async throws -> [Int64] {
    try await conn.fetchAll("SELECT balance FROM accounts ORDER BY id").map { try $0["balance", as: Int64.self] }
  }

  /// The first connection updates account 1 then 2, the second 2 then 1, each in a
  /// block; the first attempts both hold their first lock before asking for the
  /// second. Returns each block's number of attempts.
  static func touchInOppositeOrder(_ conns: [PostgresConnection], retry: Int) async -> [Result<Int, any Error>] {
    let bothLocked = Rendezvous(parties: 2)
    return await withTaskGroup(of: Result<Int, any Error>.self) { group in
      for (conn, order) in zip(conns, [(Int64(1), Int64(2)), (2, 1)]) {
        group.addTask {
          do {
            var attempts = 0
            try await conn.atomic(retry: retry) {
              attempts += 1
              try await conn.execute("UPDATE accounts SET balance = balance + 1 WHERE id = \(order.0)")
              if attempts == 1 { await bothLocked.arrive() }
              try await conn.execute("UPDATE accounts SET balance = balance + 1 WHERE id = \(order.1)")
            }
            return .success(attempts)
          } catch {
            return .failure(error)
          }
        }
      }
      var outcomes: [Result<Int, any Error>] = []
      for await outcome in group { outcomes.append(outcome) }
      return outcomes
    }
  }

  /// transaction_isolation, transaction_read_only, transaction_deferrable.
  static func shownModes(on db: some Database) async throws -> [String?] {
    [try await AtomicTestSupport.show("transaction_isolation", on: db),
     try await AtomicTestSupport.show("transaction_read_only", on: db),
     try await AtomicTestSupport.show("transaction_deferrable", on: db)]
  }

  /// No transaction is left open, and each connection still answers.
  static func expectIdleAndUsable(_ conns: [PostgresConnection], sourceLocation: SourceLocation = #_sourceLocation) async throws {
    for conn in conns {
      #expect(!conn.isClosed, sourceLocation: sourceLocation)
      #expect(!conn.hasOpenTransaction, sourceLocation: sourceLocation)
      #expect(try await conn.fetchValue("SELECT 1", as: Int.self) == 1, sourceLocation: sourceLocation)
      #expect(try await AtomicTestSupport.show("transaction_isolation", on: conn) == "read committed", sourceLocation: sourceLocation)
    }
  }
}
