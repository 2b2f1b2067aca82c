import Model
import QueryBuilder
import Testing

/// A statement that reads one table twice would have ambiguous columns (table
/// aliases are not supported yet): it is a clear error, never SQL that silently
/// binds a column to the wrong table.
@Suite struct AmbiguityTests {
  typealias User = Shop.User

  @Test(arguments: SQLDialect.allCases)
  func aSelfJoinIsAClearError(dialect: SQLDialect) {
    let query = User.join(User.self) { a, b in a.teamID == b.teamID }
    #expect(throws: MisuseError.self) { try query.sql(dialect) }
  }

  @Test(arguments: SQLDialect.allCases)
  func aSubqueryOverTheSameTableIsAClearError(dialect: SQLDialect) {
    let query = User.where { u in
      User.where { $0.teamID == u.teamID && $0.id != u.id }.existsExpression
    }
    #expect(throws: MisuseError.self) { try query.sql(dialect) }
  }

  @Test(arguments: SQLDialect.allCases)
  func aSubqueryOverAnotherTableStaysQualified(dialect: SQLDialect) throws {
    let query = User.where { u in Shop.Order.where { $0.userID == u.id }.existsExpression }
    let text = try query.sql(dialect).text
    #expect(text.contains(#""orders"."user_id" = "users"."id""#))
  }
}
