import Model
import QueryBuilder
import Testing

/// A statement that reads one table twice names the second one with an alias, so
/// every column says which row it means; two tables left under one name are a clear
/// error, never SQL that silently binds a column to the wrong table.
extension Shop {
  @Suite struct AliasSnapshotTests {
    @Test(arguments: SQLDialect.allCases)
    func aSelfJoinAliasesTheSecondTableAutomatically(_ dialect: SQLDialect) throws {
      let query = Team.join(Team.self) { a, b in a.name == b.name && a.id != b.id }
      try expectSQL({ try query.sql($0) }, dialect,
                    postgres: #"SELECT "teams"."id", "teams"."name", "teams_2"."id", "teams_2"."name" FROM "teams" JOIN "teams" AS "teams_2" ON ("teams"."name" = "teams_2"."name") AND ("teams"."id" <> "teams_2"."id")"#,
                    sqlite: #"SELECT "teams"."id", "teams"."name", "teams_2"."id", "teams_2"."name" FROM "teams" JOIN "teams" AS "teams_2" ON ("teams"."name" = "teams_2"."name") AND ("teams"."id" <> "teams_2"."id")"#)
    }

    @Test(arguments: SQLDialect.allCases)
    func aNamedAliasIsUsedInEveryClause(_ dialect: SQLDialect) throws {
      let query = Team.join(Team.self, as: "other") { a, b in a.id < b.id }
        .where { _, b in b.name == "core" }
        .order { a, b in [a.id.asc(), b.id.desc()] }
      try expectSQL({ try query.sql($0) }, dialect,
                    postgres: #"SELECT "teams"."id", "teams"."name", "other"."id", "other"."name" FROM "teams" JOIN "teams" AS "other" ON "teams"."id" < "other"."id" WHERE "other"."name" = $1 ORDER BY "teams"."id" ASC, "other"."id" DESC"#,
                    sqlite: #"SELECT "teams"."id", "teams"."name", "other"."id", "other"."name" FROM "teams" JOIN "teams" AS "other" ON "teams"."id" < "other"."id" WHERE "other"."name" = ?1 ORDER BY "teams"."id" ASC NULLS LAST, "other"."id" DESC NULLS FIRST"#,
                    binds: [.text("core")])
    }

    @Test(arguments: SQLDialect.allCases)
    func aThirdCopyGetsTheNextSuffix(_ dialect: SQLDialect) throws {
      let pairs: Join<Team, Team> = Team.join(Team.self) { a, b in a.id < b.id }
      let triples: Join<Team, Team, Team> = pairs.join(Team.self) { _, b, c in b.id < c.id }
      let text = try triples.sql(dialect).text
      #expect(text.hasSuffix(#"FROM "teams" JOIN "teams" AS "teams_2" ON "teams"."id" < "teams_2"."id" JOIN "teams" AS "teams_3" ON "teams_2"."id" < "teams_3"."id""#))
    }

    @Test(arguments: SQLDialect.allCases)
    func anAliasedSubqueryOverTheOuterTableIsCorrelated(_ dialect: SQLDialect) throws {
      let query = User.where { u in
        User.aliased("peer").where { $0.teamID == u.teamID && $0.id != u.id }.existsExpression
      }
      try expectSQL({ try query.sql($0) }, dialect,
                    postgres: #"SELECT \#(Columns.qualifiedUsers) FROM "users" WHERE EXISTS (SELECT 1 FROM "users" AS "peer" WHERE ("peer"."team_id" = "users"."team_id") AND ("peer"."id" <> "users"."id") LIMIT 1)"#,
                    sqlite: #"SELECT \#(Columns.qualifiedUsers) FROM "users" WHERE EXISTS (SELECT 1 FROM "users" AS "peer" WHERE ("peer"."team_id" = "users"."team_id") AND ("peer"."id" <> "users"."id") LIMIT 1)"#)
    }

    @Test(arguments: SQLDialect.allCases)
    func anAliasedQueryAliasesItsProjectionsCountsAndMutations(_ dialect: SQLDialect) throws {
      let aliased = Team.aliased("t").where { $0.name == "core" }
      #expect(try aliased.sql(dialect).text.hasPrefix(#"SELECT "id", "name" FROM "teams" AS "t" WHERE "name" = "#))
      #expect(try aliased.select { $0.name }.sql(dialect).text.hasPrefix(#"SELECT "name" FROM "teams" AS "t" WHERE"#))
      #expect(try aliased.deleteSQL(dialect).text.hasPrefix(#"DELETE FROM "teams" AS "t" WHERE "name" = "#))
      let orders = Order.aliased("o").where { $0.amount > 1 }
      #expect(try orders.updateSQL(dialect) { $0.quantity = $0.quantity + 1 }.text
        .hasPrefix(#"UPDATE "orders" AS "o" SET "quantity" = ("quantity" + "#))
    }

    @Test(arguments: SQLDialect.allCases)
    func aSubqueryOverTheSameTableWithoutAnAliasIsAClearError(_ dialect: SQLDialect) {
      let query = User.where { u in
        User.where { $0.teamID == u.teamID && $0.id != u.id }.existsExpression
      }
      #expect(throws: MisuseError.self) { try query.sql(dialect) }
    }

    @Test(arguments: SQLDialect.allCases)
    func twoJoinsUnderOneExplicitNameAreAClearError(_ dialect: SQLDialect) {
      let query = Team.join(Team.self, as: "teams") { a, b in a.id == b.id }
      #expect(throws: MisuseError.self) { try query.sql(dialect) }
    }

    @Test(arguments: SQLDialect.allCases)
    func aSubqueryOverAnotherTableStaysQualified(_ dialect: SQLDialect) throws {
      let query = User.where { u in Order.where { $0.userID == u.id }.existsExpression }
      let text = try query.sql(dialect).text
      #expect(text.contains(#""orders"."user_id" = "users"."id""#))
    }

    @Test(arguments: SQLDialect.allCases)
    func joinsGroupAndFilterGroups(_ dialect: SQLDialect) throws {
      let joined: Join<Order, User> = Order.join(User.self) { o, u in o.userID == u.id }
      let query = joined.group { _, u in u.name }.having { o, _ in o.amount.sum() > 10 }
        .select { o, u in (u.name, o.amount.sum()) }
      try expectSQL({ try query.sql($0) }, dialect,
                    postgres: #"SELECT "users"."name", CAST(SUM("orders"."amount") AS DOUBLE PRECISION) FROM "orders" JOIN "users" ON "orders"."user_id" = "users"."id" GROUP BY "users"."name" HAVING CAST(SUM("orders"."amount") AS DOUBLE PRECISION) > $1"#,
                    sqlite: #"SELECT "users"."name", CAST(SUM("orders"."amount") AS DOUBLE PRECISION) FROM "orders" JOIN "users" ON "orders"."user_id" = "users"."id" GROUP BY "users"."name" HAVING CAST(SUM("orders"."amount") AS DOUBLE PRECISION) > ?1"#,
                    binds: [.double(10)])
    }
  }
}
