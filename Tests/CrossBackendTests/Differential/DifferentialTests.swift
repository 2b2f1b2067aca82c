import QueryBuilder
import PostgresTestSupport
import Testing

/// Each query of ``DifferentialQuery/all`` runs on SQLite and on PostgreSQL, seeded
/// with the same rows, and must read the same Swift values in the same order. (A
/// comparison needs both backends: without a server the whole suite skips.)
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason), .seededPair)
struct DifferentialTests {
  @Test(arguments: DifferentialQuery.all)
  func sameResultOnBothBackends(_ query: DifferentialQuery) async throws {
    let pair: SeededPair
    if query.mutates {
      // A write must not disturb the queries that share the seeded pair.
      let index = DifferentialQuery.all.firstIndex { $0.name == query.name } ?? 0
      pair = try await SeededPair.open(name: "mutation_\(index)")
    } else {
      pair = try #require(SeededPair.shared)
    }
    async let onSQLite = Result(awaiting: { try await query.run(pair.sqlite.db) })
    let onPostgres = await Result(awaiting: { try await query.run(pair.postgres.db) })
    let sqlite = await onSQLite
    if query.mutates { await pair.close() }

    if let knownIssue = query.knownIssue {
      withKnownIssue(knownIssue) { compare(query, sqlite: sqlite, postgres: onPostgres) }
    } else {
      compare(query, sqlite: sqlite, postgres: onPostgres)
    }
  }

  private func compare(_ query: DifferentialQuery, sqlite: Result<Outcome, any Error>,
                       postgres: Result<Outcome, any Error>) {
    switch (sqlite, postgres) {
    case let (.success(left), .success(right)):
      #expect(left.matches(right), "\(query.name): SQLite and PostgreSQL differ; \(left.firstDifference(from: right))")
      #expect(!left.isEmpty, "\(query.name) read no rows on either backend: the comparison proves nothing")
    case let (.failure(error), .success):
      Issue.record("\(query.name) fails on SQLite only: \(String(reflecting: error))")
    case let (.success, .failure(error)):
      Issue.record("\(query.name) fails on PostgreSQL only: \(String(reflecting: error))")
    case let (.failure(left), .failure(right)):
      Issue.record("""
        \(query.name) fails on both backends:
          SQLite: \(String(reflecting: left))
          PostgreSQL: \(String(reflecting: right))
        """)
    }
  }
}

extension Result where Failure == any Error {
  /// The result of an async throwing body.
  init(awaiting body: () async throws -> Success) async {
    do { self = .success(try await body()) } catch { self = .failure(error) }
  }
}
