import QueryBuilder
import Testing

/// `SQLDialect.maxBindCount` is what `insertAll` chunks by and what statements are
/// checked against before they are sent, so it must be what each backend can really
/// run: a statement at the limit runs, one bind more is refused up front (and the
/// connection stays usable).
@Suite
struct BindLimitTests {
  /// `SELECT COUNT(*) FROM (VALUES ($1), ($2), ...) AS v` with `count` binds.
  private func statement(binding count: Int) -> SQL {
    let rows = (1...count).map { "(" + SQL(segments: [.bind(.text("v\($0)"))]) + ")" }
    return "SELECT COUNT(*) FROM (VALUES " + SQL.joined(rows, separator: ", ") + ") AS v"
  }

  @Test(arguments: Backend.available)
  func aStatementAtTheLimitRunsAndOneBindMoreIsRefusedBeforeSending(_ backend: Backend) async throws {
    try await withDatabase(backend, name: "bind_limit") { db in
      let limit = db.dialect.maxBindCount
      let counted = try await db.fetchValue(statement(binding: limit), as: Int.self)
      #expect(counted == limit)
      await #expect(throws: MisuseError.self) { try await db.fetchValue(statement(binding: limit + 1), as: Int.self) }
      let answer = try await db.fetchValue("SELECT \(41) + 1", as: Int.self)
      #expect(answer == 42, "the connection is still usable")
    }
  }
}
