import Foundation
import Model
import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// COMMIT whose answer never arrives: a proxy between the connection and the server
/// cuts the connection after the server committed, before (part of) its answer
/// reaches the client. `CommitOutcomeUnknown` must then tell what the server did, as
/// far as the client can know: committed when it had the transaction's id (looked up
/// with `txid_status` on a new connection, through the same proxy), unknown when it
/// did not. (The `.aborted` outcome, a connection killed while COMMIT still runs, is
/// `TransactionsFailureTests`'.)
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason), .timeLimit(.minutes(1)))
struct TransactionsCommitOutcomeTests {
  /// The answer to COMMIT is cut off after the transaction's id arrived: the lookup
  /// finds the transaction committed, and so it is; onCommit callbacks run.
  @Test func connectionCutAfterTheServerCommittedReportsCommitted() async throws {
    try await Self.withProxiedConnection(schema: "pgtx_commit_cut_committed") { a, observer, proxy in
      let callbacks = TransactionsFailureTests.Callbacks()
      proxy.arm(.commitComplete)
      let error = try await #require(throws: CommitOutcomeUnknown.self) {
        try await a.atomic {
          callbacks.register(on: a)
          try await a.execute("INSERT INTO t VALUES (1)")
        }
      }
      #expect(proxy.cuts == 1)
      #expect(error.outcome == .committed, "\(error)")
      #expect((error.underlying as? DatabaseError)?.code == .connectionFailure, "\(error.underlying)")
      #expect(a.isClosed)
      #expect(try await observer.fetchValue("SELECT count(*) FROM t", as: Int.self) == 1)
      #expect(callbacks.committed.value == 1)
      #expect(callbacks.rolledBack.value == 0)
    }
  }

  /// A block that wrote nothing has no transaction id: whatever became of its
  /// COMMIT, nothing was lost, and it is reported committed.
  @Test func connectionCutDuringTheCommitOfABlockThatWroteNothingReportsCommitted() async throws {
    try await Self.withProxiedConnection(schema: "pgtx_commit_cut_read_only") { a, _, proxy in
      proxy.arm(.commitComplete)
      let error = try await #require(throws: CommitOutcomeUnknown.self) {
        try await a.atomic { _ = try await a.fetchAll("SELECT count(*) FROM t") }
      }
      #expect(proxy.cuts == 1)
      #expect(error.outcome == .committed, "\(error)")
      #expect(a.isClosed)
    }
  }

  /// Cut before the transaction's id arrived: the client cannot find out, and says
  /// `.unknown` (the server did commit: it answers the whole message at once, after
  /// COMMIT).
  @Test func connectionCutBeforeTheTransactionIDArrivedReportsUnknown() async throws {
    try await Self.withProxiedConnection(schema: "pgtx_commit_cut_unknown") { a, observer, proxy in
      let callbacks = TransactionsFailureTests.Callbacks()
      proxy.arm(.transactionIDRow)
      let error = try await #require(throws: CommitOutcomeUnknown.self) {
        try await a.atomic {
          callbacks.register(on: a)
          try await a.execute("INSERT INTO t VALUES (1)")
        }
      }
      #expect(proxy.cuts == 1)
      #expect(error.outcome == .unknown, "\(error)")
      #expect(a.isClosed)
      #expect(try await observer.fetchValue("SELECT count(*) FROM t", as: Int.self) == 1)
      #expect(callbacks.committed.value == 0)  // not known to have committed
      #expect(callbacks.rolledBack.value == 0)  // not known to have been rolled back either
    }
  }

  /// Runs `body` with a connection to a fresh `schema` through a proxy (table `t`
  /// made), a direct connection to observe the same schema, and the proxy.
  static func withProxiedConnection(
    schema: String,
    _ body: @escaping @Sendable (PostgresConnection, PostgresConnection, CuttingProxy) async throws -> Void
  ) async throws {
    let serverURL = try #require(URLComponents(string: try PostgresTestServer.requireURL()))
    let serverPort = try #require(serverURL.port, "the test server is not reached over TCP: \(serverURL)")
    try await AtomicTestSupport.withConnections(schema: schema, count: 1) { conns in
      let observer = conns[0]
      try await observer.execute("CREATE TABLE t (id int8 PRIMARY KEY)")
      let proxy = try CuttingProxy(upstreamPort: serverPort)
      defer { proxy.stop() }
      let url = proxy.url(replacing: serverURL)
      var options = AtomicTestSupport.quiet
      options.serverSettings["search_path"] = SQLDialect.postgres.quoteIdentifier(schema)
      let proxied = try await PostgresConnection.connect(try #require(url.string), options: PostgresTestServer.patient(options))
      do {
        try await body(proxied, observer, proxy)
      } catch {
        await proxied.close()
        throw error
      }
      await proxied.close()
    }
  }
}
