import Model
import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// Atomic blocks that fail the hard ways, against the real server: the connection
/// killed inside a block or during COMMIT, a deferred constraint failing COMMIT, an
/// error swallowed without a savepoint, a block's time running out. Each time the
/// block throws what happened, nothing of it is committed (seen from another
/// connection), and the connection is closed or usable as it should be.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason), .timeLimit(.minutes(1)))
struct TransactionsFailureTests {
  // MARK: The connection killed inside a block

  /// Killed between two statements: the next one fails with a connection error, the
  /// block rethrows it (not retried: it is not retryable), the row it wrote is gone,
  /// the connection is closed and later blocks fail at once.
  @Test func connectionKilledBetweenStatementsOfABlock() async throws {
    try await AtomicTestSupport.withConnections(schema: "pgtx_killed_between", count: 2) { conns in
      let (a, observer) = (conns[0], conns[1])
      try await a.execute("CREATE TABLE t (id int8 PRIMARY KEY)")
      let callbacks = Callbacks()
      var attempts = 0
      let error = try await #require(throws: DatabaseError.self) {
        try await a.atomic(retry: 3) {
          attempts += 1
          callbacks.register(on: a)
          try await a.execute("INSERT INTO t VALUES (1)")
          try await AtomicTestSupport.terminate(a, from: observer)
          try await a.execute("INSERT INTO t VALUES (2)")
        }
      }
      #expect(attempts == 1)
      try await Self.expectLost(a, error: error, observer: observer, callbacks: callbacks)
    }
  }

  /// Killed while a statement of the block runs: it fails promptly with a connection
  /// error, and so does the block.
  @Test func connectionKilledWhileAStatementOfABlockRuns() async throws {
    try await AtomicTestSupport.withConnections(schema: "pgtx_killed_running", count: 2) { conns in
      let (a, observer) = (conns[0], conns[1])
      try await a.execute("CREATE TABLE t (id int8 PRIMARY KEY)")
      let killer = Task {
        try await waitUntil("the block's pg_sleep runs") { try await AtomicTestSupport.isSleeping(a, seenBy: observer) }
        try await AtomicTestSupport.terminate(a, from: observer)
      }
      let callbacks = Callbacks()
      let (error, elapsed) = try await measure {
        try await #require(throws: DatabaseError.self) {
          try await a.atomic {
            callbacks.register(on: a)
            try await a.execute("INSERT INTO t VALUES (1)")
            _ = try await a.fetchAll("SELECT pg_sleep(5)")
          }
        }
      }
      try await killer.value
      #expect(elapsed < .milliseconds(4500))  // not the whole sleep (a few 100 ms unloaded)
      try await Self.expectLost(a, error: error, observer: observer, callbacks: callbacks)
    }
  }

  /// Killed inside a nested block: the savepoint is not rolled back (there is no
  /// connection to do it on), the connection error reaches the outer block, and the
  /// outer block fails with it too.
  @Test func connectionKilledInsideANestedBlock() async throws {
    try await AtomicTestSupport.withConnections(schema: "pgtx_killed_nested", count: 2) { conns in
      let (a, observer) = (conns[0], conns[1])
      try await a.execute("CREATE TABLE t (id int8 PRIMARY KEY)")
      let callbacks = Callbacks()
      let error = try await #require(throws: DatabaseError.self) {
        try await a.atomic {
          callbacks.register(on: a)
          try await a.execute("INSERT INTO t VALUES (1)")
          try await a.atomic {
            try await a.execute("INSERT INTO t VALUES (2)")
            try await AtomicTestSupport.terminate(a, from: observer)
            try await a.execute("INSERT INTO t VALUES (3)")
          }
        }
      }
      try await Self.expectLost(a, error: error, observer: observer, callbacks: callbacks)
    }
  }

  /// The outer block swallows the connection error of a nested block and returns:
  /// COMMIT cannot even be sent. The server never got a COMMIT (and killed the
  /// transaction with its process), so the block must fail in a way that says it
  /// was not committed: a connection error, or ``CommitOutcomeUnknown`` with
  /// `.aborted` ("the server rolled it back, or it never got the COMMIT").
  @Test func aSwallowedConnectionLossFailsTheCommitAsNotCommitted() async throws {
    try await AtomicTestSupport.withConnections(schema: "pgtx_killed_swallowed", count: 2) { conns in
      let (a, observer) = (conns[0], conns[1])
      try await a.execute("CREATE TABLE t (id int8 PRIMARY KEY)")
      let callbacks = Callbacks()
      let thrown = await #expect(throws: (any Error).self) {
        try await a.atomic {
          callbacks.register(on: a)
          try await a.execute("INSERT INTO t VALUES (1)")
          _ = try? await a.atomic {
            try await AtomicTestSupport.terminate(a, from: observer)
            try await a.execute("INSERT INTO t VALUES (2)")
          }
        }
      }
      let error = try #require(thrown)
      #expect(a.isClosed)
      #expect(try await observer.fetchValue("SELECT count(*) FROM t", as: Int.self) == 0)
      #expect(callbacks.committed.value == 0)
      #expect(callbacks.rolledBack.value == 1)
      switch error {
      case let lost as DatabaseError:
        #expect(lost.code == .connectionFailure, "\(lost)")
      case let lost as CommitOutcomeUnknown:
        #expect(lost.outcome == .aborted, "\(lost)")  // COMMIT was never sent
      default:
        Issue.record("unexpected error \(error)")
      }
    }
  }

  // MARK: The connection killed during COMMIT

  /// COMMIT runs a deferred constraint trigger that sleeps 3 s; the connection is
  /// killed meanwhile. The trigger runs before the commit record is written, so the
  /// transaction was rolled back: `CommitOutcomeUnknown` says `.aborted` (found out
  /// with `txid_status` on a new connection) and the row is not there.
  @Test func connectionKilledDuringCommitBeforeTheCommitRecordReportsAborted() async throws {
    try await AtomicTestSupport.withConnections(schema: "pgtx_commit_killed", count: 2) { conns in
      let (a, observer) = (conns[0], conns[1])
      try await a.execute("""
        CREATE TABLE t (id int8 PRIMARY KEY);
        CREATE FUNCTION slow_check() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(3); RETURN NULL; END $$;
        CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON t DEFERRABLE INITIALLY DEFERRED
          FOR EACH ROW EXECUTE FUNCTION slow_check();
        """)
      let killer = Task {
        try await waitUntil("COMMIT sleeps in the deferred trigger") { try await AtomicTestSupport.isSleeping(a, seenBy: observer) }
        #expect(a.hasOpenTransaction)
        try await AtomicTestSupport.terminate(a, from: observer)
      }
      let callbacks = Callbacks()
      let error = try await #require(throws: CommitOutcomeUnknown.self) {
        try await a.atomic {
          callbacks.register(on: a)
          try await a.execute("INSERT INTO t VALUES (1)")
        }
      }
      try await killer.value
      #expect(error.outcome == .aborted, "\(error)")
      let underlying = try #require(error.underlying as? DatabaseError, "\(error.underlying)")
      #expect(underlying.code == .connectionFailure)
      #expect(underlying.isConnectionFatal)
      #expect(a.isClosed)
      #expect(try await observer.fetchValue("SELECT count(*) FROM t", as: Int.self) == 0)
      #expect(callbacks.committed.value == 0)
      #expect(callbacks.rolledBack.value == 1)
    }
  }

  // MARK: COMMIT refused

  /// A deferred constraint is checked by COMMIT: the block fails with the
  /// constraint's error, nothing is committed, and the connection stays usable.
  @Test(arguments: ["unique", "foreign_key"])
  func aDeferredConstraintViolatedAtCommitFailsTheBlock(_ kind: String) async throws {
    try await AtomicTestSupport.withConnections(schema: "pgtx_deferred_\(kind)", count: 2) { conns in
      let (a, observer) = (conns[0], conns[1])
      let unique = kind == "unique"
      if unique {
        try await a.execute("CREATE TABLE t (id int8, k int8 CONSTRAINT t_k_key UNIQUE DEFERRABLE INITIALLY DEFERRED)")
      } else {
        try await a.execute("""
          CREATE TABLE parent (id int8 PRIMARY KEY);
          CREATE TABLE t (id int8, k int8 CONSTRAINT t_k_fkey REFERENCES parent DEFERRABLE INITIALLY DEFERRED)
          """)
      }
      let callbacks = Callbacks()
      let error = try await #require(throws: DatabaseError.self) {
        try await a.atomic {
          callbacks.register(on: a)
          try await a.execute("INSERT INTO t VALUES (1, 7)")
          if unique { try await a.execute("INSERT INTO t VALUES (2, 7)") }
          // Accepted until COMMIT checks it.
          let rows = try await a.fetchValue("SELECT count(*) FROM t", as: Int.self)
          #expect(rows == (unique ? 2 : 1))
        }
      }
      #expect(error.code == (unique ? .uniqueViolation : .foreignKeyViolation), "\(error)")
      #expect(error.constraint == (unique ? "t_k_key" : "t_k_fkey"))
      #expect(try await observer.fetchValue("SELECT count(*) FROM t", as: Int.self) == 0)
      #expect(callbacks.committed.value == 0)
      #expect(callbacks.rolledBack.value == 1)
      #expect(!a.isClosed)
      #expect(!a.hasOpenTransaction)

      if !unique { try await a.execute("INSERT INTO parent VALUES (7)") }
      try await a.atomic { try await a.execute("INSERT INTO t VALUES (3, 7)") }
      #expect(try await observer.fetchValue("SELECT count(*) FROM t", as: Int.self) == 1)
    }
  }

  /// An error caught in the outermost block without a nested block leaves
  /// PostgreSQL's transaction aborted (every later statement is refused): the block
  /// cannot commit and fails with `.inFailedTransaction`, nothing is committed, and
  /// the connection stays usable. Caught in a nested block, the same error is undone
  /// by its savepoint and the outer block commits.
  @Test func anErrorCaughtWithoutANestedBlockFailsTheBlockWithInFailedTransaction() async throws {
    try await AtomicTestSupport.withConnections(schema: "pgtx_in_failed_transaction", count: 2) { conns in
      let (a, observer) = (conns[0], conns[1])
      try await a.execute("CREATE TABLE t (id int8 PRIMARY KEY)")
      let callbacks = Callbacks()
      var refused: DatabaseError?
      let error = try await #require(throws: DatabaseError.self) {
        try await a.atomic {
          callbacks.register(on: a)
          try await a.execute("INSERT INTO t VALUES (1)")
          _ = try? await a.execute("SELECT 1/0")
          do { try await a.execute("INSERT INTO t VALUES (2)") } catch let error as DatabaseError { refused = error }
        }
      }
      #expect(refused?.code == .inFailedTransaction, "\(String(describing: refused))")
      #expect(error.code == .inFailedTransaction, "\(error)")
      #expect(try await observer.fetchValue("SELECT count(*) FROM t", as: Int.self) == 0)
      #expect(callbacks.committed.value == 0)
      #expect(callbacks.rolledBack.value == 1)
      #expect(!a.isClosed)
      #expect(!a.hasOpenTransaction)
      #expect(try await a.fetchValue("SELECT 1", as: Int.self) == 1)

      try await a.atomic {
        try await a.execute("INSERT INTO t VALUES (1)")
        let nested = await #expect(throws: DatabaseError.self) { try await a.atomic { try await a.execute("SELECT 1/0") } }
        #expect(nested?.code == .divisionByZero)
        try await a.execute("INSERT INTO t VALUES (2)")
      }
      #expect(try await observer.fetchValue("SELECT count(*) FROM t", as: Int.self) == 2)
    }
  }

  // MARK: Timeouts

  /// A block's timeout cancels its slow statement on the server with
  /// `.queryCanceled`, long before the statement would end; the block is rolled
  /// back and the connection is usable, its statement_timeout as before.
  @Test func aBlockTimeoutCancelsASlowStatementWithQueryCanceled() async throws {
    try await AtomicTestSupport.withConnections(schema: "pgtx_timeout", count: 2) { conns in
      let (a, observer) = (conns[0], conns[1])
      try await a.execute("CREATE TABLE t (id int8 PRIMARY KEY)")
      let (error, elapsed) = try await measure {
        try await #require(throws: DatabaseError.self) {
          try await a.atomic(timeout: .milliseconds(300)) {
            try await a.execute("INSERT INTO t VALUES (1)")
            _ = try await a.fetchAll("SELECT pg_sleep(20)")
          }
        }
      }
      #expect(error.code == .queryCanceled, "\(error)")
      #expect(elapsed >= .milliseconds(250))
      #expect(elapsed < .seconds(5))  // not the whole sleep
      #expect(!a.isClosed)
      #expect(!a.hasOpenTransaction)
      #expect(try await observer.fetchValue("SELECT count(*) FROM t", as: Int.self) == 0)
      #expect(try await AtomicTestSupport.show("statement_timeout", on: a) == "0")
      #expect(try await a.fetchValue("SELECT 1", as: Int.self) == 1)
    }
  }

  /// Inside a block with a timeout, `SHOW statement_timeout` reports at most the
  /// budget (what is left of it); after the block the session's own value is back.
  @Test func showStatementTimeoutInsideABlockIsAtMostItsBudget() async throws {
    let options = AtomicTestSupport.quiet(["statement_timeout": "10s"])
    try await AtomicTestSupport.withConnections(schema: "pgtx_timeout_show", count: 1, options: options) { conns in
      let a = conns[0]
      for budget in [Duration.seconds(4), .seconds(6), .seconds(8)] {
        let shown = try await a.atomic(timeout: budget) {
          try await AtomicTestSupport.show("statement_timeout", on: a)
        }
        let milliseconds = try #require(shown.flatMap(AtomicTestSupport.milliseconds), "\(String(describing: shown))")
        #expect(milliseconds > 0)
        #expect(.milliseconds(milliseconds) <= budget, "\(String(describing: shown)) for \(budget)")
        #expect(try await AtomicTestSupport.show("statement_timeout", on: a) == "10s")
      }
      #expect(try await a.atomic { try await AtomicTestSupport.show("statement_timeout", on: a) } == "10s")
    }
  }

  /// A nested block's own, shorter timeout cancels its statement; the outer block
  /// goes on and commits.
  @Test func aNestedBlockTimeoutCancelsItsStatementAndTheOuterBlockGoesOn() async throws {
    try await AtomicTestSupport.withConnections(schema: "pgtx_timeout_nested", count: 2) { conns in
      let (a, observer) = (conns[0], conns[1])
      try await a.execute("CREATE TABLE t (id int8 PRIMARY KEY)")
      let (nested, elapsed) = try await measure {
        try await a.atomic(timeout: .seconds(30)) {
          try await a.execute("INSERT INTO t VALUES (1)")
          let nested = await #expect(throws: DatabaseError.self) {
            try await a.atomic(timeout: .milliseconds(300)) {
              try await a.execute("INSERT INTO t VALUES (2)")
              _ = try await a.fetchAll("SELECT pg_sleep(20)")
            }
          }
          try await a.execute("INSERT INTO t VALUES (3)")
          return nested
        }
      }
      #expect(nested?.code == .queryCanceled, "\(String(describing: nested))")
      // The cancel request needs a new connection to the server: allow for a loaded machine.
      #expect(elapsed < .seconds(8))  // not the whole sleep
      let ids = try await observer.fetchAll("SELECT id FROM t ORDER BY id").map { try $0["id", as: Int64.self] }
      #expect(ids == [1, 3])
    }
  }

  /// Time spent outside statements counts too: the first statement after the
  /// budget ran out fails with `.queryCanceled` without reaching the server.
  @Test func aStatementAfterTheBudgetRanOutFailsWithQueryCanceled() async throws {
    try await AtomicTestSupport.withConnections(schema: "pgtx_timeout_spent", count: 2) { conns in
      let (a, observer) = (conns[0], conns[1])
      try await a.execute("CREATE TABLE t (id int8 PRIMARY KEY)")
      let error = try await #require(throws: DatabaseError.self) {
        try await a.atomic(timeout: .seconds(1)) {
          try await a.execute("INSERT INTO t VALUES (1)")
          try await Task.sleep(for: .milliseconds(1_500))
          try await a.execute("INSERT INTO t VALUES (2)")
        }
      }
      #expect(error.code == .queryCanceled, "\(error)")
      #expect(try await observer.fetchValue("SELECT count(*) FROM t", as: Int.self) == 0)
      #expect(!a.hasOpenTransaction)
      #expect(try await a.fetchValue("SELECT 1", as: Int.self) == 1)
    }
  }

  /// A statement's own timeout, given to `execute(_:timeout:)` / `fetchAll(_:timeout:)`
  /// or set as the connection's `commandTimeout`, bounds it outside a block; it
  /// must bound it inside a block too.
  @Test func aStatementsOwnTimeoutAppliesInsideABlock() async throws {
    var options = AtomicTestSupport.quiet
    options.commandTimeout = .milliseconds(300)
    try await AtomicTestSupport.withConnections(schema: "pgtx_statement_timeout", count: 1, options: options) { conns in
      let a = conns[0]
      let outside = try await #require(throws: DatabaseError.self) { try await a.fetchAll("SELECT pg_sleep(10)") }
      #expect(outside.code == .queryCanceled)

      for explicit in [true, false] {
        let (error, elapsed) = await measure { () async -> (any Error)? in
          do {
            try await a.atomic {
              if explicit {
                _ = try await a.fetchAll("SELECT pg_sleep(10)", timeout: .milliseconds(200))
              } else {
                _ = try await a.fetchAll("SELECT pg_sleep(10)")  // commandTimeout
              }
            }
            return nil
          } catch {
            return error
          }
        }
        #expect((error as? DatabaseError)?.code == .queryCanceled, "explicit: \(explicit), \(String(describing: error))")
        #expect(elapsed < .seconds(4), "explicit: \(explicit)")  // not the whole sleep
        #expect(!a.hasOpenTransaction)
      }
    }
  }

  // MARK: Helpers

  /// Counts a block's onCommit and onRollback callbacks.
  final class Callbacks: Sendable {
    let committed = Counter()
    let rolledBack = Counter()

    func register(on db: some Database, sourceLocation: SourceLocation = #_sourceLocation) {
      #expect(throws: Never.self, sourceLocation: sourceLocation) {
        try db.onCommit { [committed] in committed.add() }
        try db.onRollback { [rolledBack] in rolledBack.add() }
      }
    }
  }

  /// The block failed because its connection was lost: the error says so, the
  /// connection is closed (later blocks fail at once), nothing was committed, and the
  /// rollback callbacks ran.
  static func expectLost(_ conn: PostgresConnection, error: DatabaseError, observer: PostgresConnection,
                         callbacks: Callbacks, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    #expect(error.code == .connectionFailure, "\(error)", sourceLocation: sourceLocation)
    #expect(error.isConnectionFatal, sourceLocation: sourceLocation)
    #expect(!error.isRetryable, sourceLocation: sourceLocation)
    #expect(conn.isClosed, sourceLocation: sourceLocation)
    #expect(!conn.hasOpenTransaction, sourceLocation: sourceLocation)
    #expect(try await observer.fetchValue("SELECT count(*) FROM t", as: Int.self) == 0, sourceLocation: sourceLocation)
    #expect(callbacks.committed.value == 0, sourceLocation: sourceLocation)
    #expect(callbacks.rolledBack.value == 1, sourceLocation: sourceLocation)
    let again = try await withTimeout(.seconds(10)) {
      try await #require(throws: DatabaseError.self, sourceLocation: sourceLocation) {
        try await conn.atomic { try await conn.execute("SELECT 1") }
      }
    }
    #expect(again.code == .connectionFailure, sourceLocation: sourceLocation)
  }
}
