import Model
@testable import QueryBuilder
import Testing

/// The mark that lets a pool skip scanning a model's own statements for session
/// changes: set only where the builder made the statement from metadata alone, gone
/// with any change, and invisible to equality.
@Suite struct PlainModelStatementTests {
  @Test func aModelsKeyedSelectIsMarkedPlainInBothDialects() throws {
    for dialect in [SQLDialect.postgres, .sqlite] {
      let statement = try KeyedSelectTemplate.template(for: Shop.Team.self, dialect).statement(.int(7))
      #expect(statement.isPlainModelStatement, "\(dialect)")
      #expect(statement.binds == [.int(7)])
    }
  }

  @Test func anyChangeToAMarkedStatementClearsTheMark() throws {
    let marked = try KeyedSelectTemplate.template(for: Shop.Team.self, .postgres).statement(.int(1))
    var appended = marked
    appended.append(unsafeRaw: "; SET search_path = evil")
    #expect(!appended.isPlainModelStatement)
    var bound = marked
    bound.append(bind: .int(2))
    #expect(!bound.isPlainModelStatement)
    #expect(!(marked + SQL(unsafeRaw: " FOR UPDATE")).isPlainModelStatement)
  }

  @Test func statementsWrittenByHandAreNotMarked() {
    let sql: SQL = "SELECT \"id\", \"name\" FROM \"teams\" WHERE \"id\" = \(Int64(1)) LIMIT 1"
    #expect(!sql.isPlainModelStatement)
  }

  @Test func theMarkIsNotPartOfAStatementsIdentity() throws {
    let marked = try KeyedSelectTemplate.template(for: Shop.Team.self, .postgres).statement(.int(3))
    let unmarked = SQL(segments: marked.segments)
    #expect(!unmarked.isPlainModelStatement)
    #expect(marked == unmarked)
    #expect(Set([marked, unmarked]).count == 1)
  }
}
