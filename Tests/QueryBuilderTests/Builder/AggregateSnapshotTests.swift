import Model
import QueryBuilder
import Testing

extension Shop {
  @Suite struct AggregateSnapshotTests {
    // MARK: Aggregates

    @Test(arguments: SQLDialect.allCases)
    func counts(_ dialect: SQLDialect) throws {
      try expectSQL(User.select { $0.age.count() }, dialect,
                    postgres: #"SELECT COUNT("age") FROM "users""#,
                    sqlite: #"SELECT COUNT("age") FROM "users""#)
      try expectSQL(User.select { $0.status.countDistinct() }, dialect,
                    postgres: #"SELECT COUNT(DISTINCT "status") FROM "users""#,
                    sqlite: #"SELECT COUNT(DISTINCT "status") FROM "users""#)
      try expectSQL(User.select { _ in SQLExpression<Int>.countAll }.where { $0.age > 1 }, dialect,
                    postgres: #"SELECT COUNT(*) FROM "users" WHERE "age" > $1"#,
                    sqlite: #"SELECT COUNT(*) FROM "users" WHERE "age" > ?1"#,
                    binds: [.int(1)])
    }

    @Test(arguments: SQLDialect.allCases)
    func sumOfIntegersIsCastToBigint(_ dialect: SQLDialect) throws {
      try expectSQL(Order.select { $0.quantity.sum() }, dialect,
                    postgres: #"SELECT CAST(SUM("quantity") AS BIGINT) FROM "orders""#,
                    sqlite: #"SELECT CAST(SUM("quantity") AS BIGINT) FROM "orders""#)
      try expectSQL(User.select { $0.age.sum() }, dialect,
                    postgres: #"SELECT CAST(SUM("age") AS BIGINT) FROM "users""#,
                    sqlite: #"SELECT CAST(SUM("age") AS BIGINT) FROM "users""#)
      try expectSQL(Tag.select { ($0.small.sum(), $0.medium.sum(), $0.large.sum()) }, dialect,
                    postgres: #"SELECT CAST(SUM("small") AS BIGINT), CAST(SUM("medium") AS BIGINT), CAST(SUM("large") AS BIGINT) FROM "tags""#,
                    sqlite: #"SELECT CAST(SUM("small") AS BIGINT), CAST(SUM("medium") AS BIGINT), CAST(SUM("large") AS BIGINT) FROM "tags""#)
    }

    @Test(arguments: SQLDialect.allCases)
    func sumOfFloatingPointIsCastToDoublePrecision(_ dialect: SQLDialect) throws {
      try expectSQL(Order.select { $0.amount.sum() }, dialect,
                    postgres: #"SELECT CAST(SUM("amount") AS DOUBLE PRECISION) FROM "orders""#,
                    sqlite: #"SELECT CAST(SUM("amount") AS DOUBLE PRECISION) FROM "orders""#)
      // No sum() on Float columns: it does not compile (single vs double precision).
    }

    @Test(arguments: SQLDialect.allCases)
    func averageIsADouble(_ dialect: SQLDialect) throws {
      try expectSQL(Order.select { ($0.amount.average(), $0.quantity.average()) }, dialect,
                    postgres: #"SELECT CAST(AVG("amount") AS DOUBLE PRECISION), CAST(AVG("quantity") AS DOUBLE PRECISION) FROM "orders""#,
                    sqlite: #"SELECT CAST(AVG("amount") AS DOUBLE PRECISION), CAST(AVG("quantity") AS DOUBLE PRECISION) FROM "orders""#)
    }

    @Test(arguments: SQLDialect.allCases)
    func minAndMax(_ dialect: SQLDialect) throws {
      try expectSQL(User.select { ($0.age.min(), $0.createdAt.max(), $0.name.min()) }, dialect,
                    postgres: #"SELECT MIN("age"), MAX("created_at"), MIN("name") FROM "users""#,
                    sqlite: #"SELECT MIN("age"), MAX("created_at"), MIN("name") FROM "users""#)
    }

    @Test(arguments: SQLDialect.allCases)
    func aggregateOfAnExpression(_ dialect: SQLDialect) throws {
      try expectSQL(Order.select { ($0.amount * 2).sum() }, dialect,
                    postgres: #"SELECT CAST(SUM(("amount" * $1)) AS DOUBLE PRECISION) FROM "orders""#,
                    sqlite: #"SELECT CAST(SUM(("amount" * ?1)) AS DOUBLE PRECISION) FROM "orders""#,
                    binds: [.double(2)])
    }

    // MARK: Projections

    @Test(arguments: SQLDialect.allCases)
    func oneValue(_ dialect: SQLDialect) throws {
      // API.md: User.select { $0.name }.where { $0.id.in([1, 2, 3]) }
      try expectSQL(User.select { $0.name }.where { $0.id.in([1, 2, 3]) }, dialect,
                    postgres: #"SELECT "name" FROM "users" WHERE "id" IN ($1, $2, $3)"#,
                    sqlite: #"SELECT "name" FROM "users" WHERE "id" IN (?1, ?2, ?3)"#,
                    binds: [.int(1), .int(2), .int(3)])
    }

    @Test(arguments: SQLDialect.allCases)
    func aProjectionKeepsTheQuerysClauses(_ dialect: SQLDialect) throws {
      try expectSQL(User.where { $0.age > 1 }.order { $0.id.desc() }.limit(2).select { ($0.id, $0.email) }, dialect,
                    postgres: #"SELECT "id", "email_address" FROM "users" WHERE "age" > $1 ORDER BY "id" DESC LIMIT 2"#,
                    sqlite: #"SELECT "id", "email_address" FROM "users" WHERE "age" > ?1 ORDER BY "id" DESC NULLS FIRST LIMIT 2"#,
                    binds: [.int(1)])
    }

    @Test(arguments: SQLDialect.allCases)
    func distinctOrderedAndOffset(_ dialect: SQLDialect) throws {
      try expectSQL(User.select { $0.status }.distinct().order { $0.status.asc() }.offset(1), dialect,
                    postgres: #"SELECT DISTINCT "status" FROM "users" ORDER BY "status" ASC OFFSET 1"#,
                    sqlite: #"SELECT DISTINCT "status" FROM "users" ORDER BY "status" ASC NULLS LAST LIMIT -1 OFFSET 1"#)
    }

    @Test(arguments: SQLDialect.allCases)
    func groupAndHavingAsInAPIMD(_ dialect: SQLDialect) throws {
      let byStatus = User.select { ($0.status, $0.id.count()) }.group { $0.status }.having { $0.id.count() > 1 }
      try expectSQL(byStatus, dialect,
                    postgres: #"SELECT "status", COUNT("id") FROM "users" GROUP BY "status" HAVING COUNT("id") > $1"#,
                    sqlite: #"SELECT "status", COUNT("id") FROM "users" GROUP BY "status" HAVING COUNT("id") > ?1"#,
                    binds: [.int(1)])
    }

    @Test(arguments: SQLDialect.allCases)
    func groupByATupleWithEveryOtherClause(_ dialect: SQLDialect) throws {
      let report = User
        .select { ($0.teamID, $0.status, $0.score.average()) }
        .where { $0.age > 17 }
        .group { ($0.teamID, $0.status) }
        .having { $0.score.average() > 1.5 }
        .having { $0.id.count() >= 2 }
        .order { $0.score.average().desc() }
        .limit(3)
      try expectSQL(report, dialect,
                    postgres: #"SELECT "team_id", "status", CAST(AVG("score") AS DOUBLE PRECISION) FROM "users" WHERE "age" > $1 GROUP BY "team_id", "status" HAVING (CAST(AVG("score") AS DOUBLE PRECISION) > $2) AND (COUNT("id") >= $3) ORDER BY CAST(AVG("score") AS DOUBLE PRECISION) DESC LIMIT 3"#,
                    sqlite: #"SELECT "team_id", "status", CAST(AVG("score") AS DOUBLE PRECISION) FROM "users" WHERE "age" > ?1 GROUP BY "team_id", "status" HAVING (CAST(AVG("score") AS DOUBLE PRECISION) > ?2) AND (COUNT("id") >= ?3) ORDER BY CAST(AVG("score") AS DOUBLE PRECISION) DESC NULLS FIRST LIMIT 3"#,
                    binds: [.int(17), .double(1.5), .int(2)])
    }

    @Test(arguments: SQLDialect.allCases)
    func severalOrderingsOnAProjection(_ dialect: SQLDialect) throws {
      try expectSQL(User.select { ($0.status, $0.id.count()) }.group { $0.status }
                      .order { [$0.id.count().desc(), $0.status.asc(nulls: .first)] }, dialect,
                    postgres: #"SELECT "status", COUNT("id") FROM "users" GROUP BY "status" ORDER BY COUNT("id") DESC, "status" ASC NULLS FIRST"#,
                    sqlite: #"SELECT "status", COUNT("id") FROM "users" GROUP BY "status" ORDER BY COUNT("id") DESC NULLS FIRST, "status" ASC NULLS FIRST"#)
    }
  }
}
