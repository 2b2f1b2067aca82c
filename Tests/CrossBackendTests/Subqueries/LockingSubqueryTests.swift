import Model
import PostgresTestSupport
import QueryBuilder
import Testing

/// A row lock inside a subquery, run for real: PostgreSQL takes it (the queue pattern),
/// SQLite refuses it before anything is sent, and EXISTS refuses it on both.
@Suite
struct LockingSubqueryTests {
  @Model(table: "jobs")
  struct Job: Equatable, Sendable {
    @ID var id: Int64?
    var state: String
  }

  /// The queued jobs nobody else holds, claimed in one UPDATE.
  @Test(arguments: Backend.available)
  func aQueueClaimsRowsThroughALockingSubquery(_ backend: Backend) async throws {
    try await withDatabase(backend, name: "subquery_claim") { (db) async throws in
      try await db.create(Job.self)
      for _ in 0..<5 {
        var job = Job(state: "queued")
        try await job.insert(db)
      }
      let next = Job.where { $0.state == "queued" }.order { $0.id.asc() }.limit(3).forUpdate(skipLocked: true)
        .select { $0.id }
      let claim = Job.aliased("claimed").where { $0.id.in(next) }
      switch backend {
      case .postgres:
        #expect(try await claim.update(db) { $0.state = "running" } == 3)
        #expect(try await Job.where { $0.state == "running" }.order { $0.id.asc() }.select { $0.id }.fetchAll(db)
                == [1, 2, 3])
      case .sqlite:
        let error = await #expect(throws: MisuseError.self) { try await claim.update(db) { $0.state = "running" } }
        #expect(error?.message.contains("PostgreSQL-only") == true)
        #expect(try await Job.where { $0.state == "running" }.count(db) == 0)
      }
      await #expect(throws: MisuseError.self) { try await Job.all.forUpdate().exists(db) }
      await #expect(throws: MisuseError.self) {
        try await Job.where { j in Job.aliased("other").where { $0.id > j.id }.forUpdate().existsExpression }.fetchAll(db)
      }
    }
  }
}
