import Model
import QueryBuilder
import Testing

extension Shop {
  /// Statements that `fetchOne`, `count` and `exists` derive from a query when run.
  @Suite struct FetchingSnapshotTests {
    @Test(arguments: SQLDialect.allCases)
    func fetchOneLimitsToOneRow(_ dialect: SQLDialect) async throws {
      let db = ScriptedDatabase(dialect)
      let first = try await User.where { $0.email == "a@example.com" }.limit(10).fetchOne(db)
      #expect(first == nil)
      _ = try await User.select { $0.name }.order { $0.name.desc() }.fetchOne(db)
      let expected = switch dialect {
      case .postgres: [#"SELECT \#(Columns.users) FROM "users" WHERE "email_address" = $1 LIMIT 1"#,
                       #"SELECT "name" FROM "users" ORDER BY "name" DESC LIMIT 1"#]
      case .sqlite: [#"SELECT \#(Columns.users) FROM "users" WHERE "email_address" = ?1 LIMIT 1"#,
                     #"SELECT "name" FROM "users" ORDER BY "name" DESC NULLS FIRST LIMIT 1"#]
      }
      #expect(db.statements.map(\.text) == expected)
    }

    @Test(arguments: SQLDialect.allCases)
    func fetchAllRunsWhatSQLShows(_ dialect: SQLDialect) async throws {
      let db = ScriptedDatabase(dialect)
      let query = User.where { $0.age > 18 }.order { $0.name.asc() }.offset(3)
      _ = try await query.fetchAll(db)
      let join = Order.join(User.self) { o, u in o.userID == u.id }.where { _, u in u.name == "Alice" }
      _ = try await join.fetchAll(db)
      _ = try await join.select { o, u in (o.amount, u.email) }.fetchAll(db)
      #expect(db.statements == [try query.sql(dialect), try join.sql(dialect),
                                try join.select { o, u in (o.amount, u.email) }.sql(dialect)])
    }

    @Test(arguments: SQLDialect.allCases)
    func countSelectsCountStarWithoutOrdering(_ dialect: SQLDialect) async throws {
      let db = ScriptedDatabase(dialect, respond: { _ in [row(.int(2))] })
      #expect(try await User.where { $0.age == nil }.order { $0.name.asc() }.count(db) == 2)
      #expect(try await User.all.count(db) == 2)
      let expected = switch dialect {
      case .postgres: [#"SELECT COUNT(*) FROM "users" WHERE "age" IS NULL"#, #"SELECT COUNT(*) FROM "users""#]
      case .sqlite: [#"SELECT COUNT(*) FROM "users" WHERE "age" IS NULL"#, #"SELECT COUNT(*) FROM "users""#]
      }
      #expect(db.statements.map(\.text) == expected)
    }

    @Test func countOfALockingQueryIsAMisuseErrorBeforeAnySQL() async throws {
      let db = ScriptedDatabase(.postgres, respond: { _ in [row(.int(1))] })
      await #expect(throws: MisuseError.self) { try await User.all.forUpdate().count(db) }
      #expect(db.statements.isEmpty)
    }

    @Test(arguments: SQLDialect.allCases)
    func countOfALimitedOrDistinctQueryCountsASubquery(_ dialect: SQLDialect) async throws {
      let db = ScriptedDatabase(dialect, respond: { _ in [row(.int(1))] })
      _ = try await User.where { $0.age > 1 }.order { $0.age.desc() }.limit(10).offset(5).count(db)
      _ = try await User.all.distinct().count(db)
      _ = try await User.all.offset(5).count(db)
      let expected = switch dialect {
      case .postgres: [
        #"SELECT COUNT(*) FROM (SELECT \#(Columns.users) FROM "users" WHERE "age" > $1 LIMIT 10 OFFSET 5) AS counted"#,
        #"SELECT COUNT(*) FROM (SELECT DISTINCT \#(Columns.users) FROM "users") AS counted"#,
        #"SELECT COUNT(*) FROM (SELECT \#(Columns.users) FROM "users" OFFSET 5) AS counted"#,
      ]
      case .sqlite: [
        #"SELECT COUNT(*) FROM (SELECT \#(Columns.users) FROM "users" WHERE "age" > ?1 LIMIT 10 OFFSET 5) AS counted"#,
        #"SELECT COUNT(*) FROM (SELECT DISTINCT \#(Columns.users) FROM "users") AS counted"#,
        #"SELECT COUNT(*) FROM (SELECT \#(Columns.users) FROM "users" LIMIT -1 OFFSET 5) AS counted"#,
      ]
      }
      #expect(db.statements.map(\.text) == expected)
    }

    @Test(arguments: SQLDialect.allCases)
    func countWithACorrelatedSubqueryStaysQualified(_ dialect: SQLDialect) async throws {
      let db = ScriptedDatabase(dialect, respond: { _ in [row(.int(1))] })
      _ = try await User.where { u in Order.where { $0.userID == u.id }.existsExpression }.count(db)
      #expect(db.statements.map(\.text)
              == [#"SELECT COUNT(*) FROM "users" WHERE EXISTS (SELECT 1 FROM "orders" WHERE "orders"."user_id" = "users"."id" LIMIT 1)"#])
    }

    @Test(arguments: SQLDialect.allCases)
    func existsWrapsALimitedProbe(_ dialect: SQLDialect) async throws {
      let db = ScriptedDatabase(dialect, respond: { _ in [row(.bool(true))] })
      #expect(try await User.where { $0.handle == "al" }.order { $0.name.asc() }.exists(db))
      let expected = switch dialect {
      case .postgres: #"SELECT EXISTS (SELECT 1 FROM "users" WHERE "handle" = $1 LIMIT 1)"#
      case .sqlite: #"SELECT EXISTS (SELECT 1 FROM "users" WHERE "handle" = ?1 LIMIT 1)"#
      }
      #expect(db.statements == [RenderedSQL(text: expected, binds: [.text("al")])])
    }
  }
}
