import Model
import QueryBuilder
import Testing

extension Shop {
  @Suite struct JoinSnapshotTests {
    @Test(arguments: SQLDialect.allCases)
    func innerJoinOfTwoModelsQualifiesEveryColumn(_ dialect: SQLDialect) throws {
      try expectSQL(Order.join(User.self) { o, u in o.userID == u.id }, dialect,
                    postgres: #"SELECT \#(Columns.qualifiedOrders), \#(Columns.qualifiedUsers) FROM "orders" JOIN "users" ON "orders"."user_id" = "users"."id""#,
                    sqlite: #"SELECT \#(Columns.qualifiedOrders), \#(Columns.qualifiedUsers) FROM "orders" JOIN "users" ON "orders"."user_id" = "users"."id""#)
    }

    @Test(arguments: SQLDialect.allCases)
    func innerJoinOfThreeModels(_ dialect: SQLDialect) throws {
      let join = Order.join(User.self) { o, u in o.userID == u.id }.join(Team.self) { _, u, t in u.teamID == t.id }
      try expectSQL(join, dialect,
                    postgres: #"SELECT \#(Columns.qualifiedOrders), \#(Columns.qualifiedUsers), \#(Columns.qualifiedTeams) FROM "orders" JOIN "users" ON "orders"."user_id" = "users"."id" JOIN "teams" ON "users"."team_id" = "teams"."id""#,
                    sqlite: #"SELECT \#(Columns.qualifiedOrders), \#(Columns.qualifiedUsers), \#(Columns.qualifiedTeams) FROM "orders" JOIN "users" ON "orders"."user_id" = "users"."id" JOIN "teams" ON "users"."team_id" = "teams"."id""#)
    }

    @Test(arguments: SQLDialect.allCases)
    func whereOrderLimitAndOffsetOnAJoin(_ dialect: SQLDialect) throws {
      let join = Order.join(User.self) { o, u in o.userID == u.id }
        .where { _, u in u.name == "Alice" }
        .where { o, _ in o.amount > 10 }
        .order { o, _ in o.amount.desc() }
        .order { o, u in [u.name.asc(), o.id.asc(nulls: .first)] }
        .limit(5).offset(10)
      try expectSQL(join, dialect,
                    postgres: #"SELECT \#(Columns.qualifiedOrders), \#(Columns.qualifiedUsers) FROM "orders" JOIN "users" ON "orders"."user_id" = "users"."id" WHERE ("users"."name" = $1) AND ("orders"."amount" > $2) ORDER BY "orders"."amount" DESC, "users"."name" ASC, "orders"."id" ASC NULLS FIRST LIMIT 5 OFFSET 10"#,
                    sqlite: #"SELECT \#(Columns.qualifiedOrders), \#(Columns.qualifiedUsers) FROM "orders" JOIN "users" ON "orders"."user_id" = "users"."id" WHERE ("users"."name" = ?1) AND ("orders"."amount" > ?2) ORDER BY "orders"."amount" DESC NULLS FIRST, "users"."name" ASC NULLS LAST, "orders"."id" ASC NULLS FIRST LIMIT 5 OFFSET 10"#,
                    binds: [.text("Alice"), .double(10)])
    }

    @Test(arguments: SQLDialect.allCases)
    func bindsInOnConditionsComeFirst(_ dialect: SQLDialect) throws {
      // The WHERE is given before the second join, yet rendered after it.
      let join = Order.join(User.self) { o, u in o.userID == u.id && u.age > 18 }
        .where { o, _ in o.quantity > 2 }
        .join(Team.self) { _, u, t in u.teamID == t.id && t.name != "x" }
      try expectSQL(join, dialect,
                    postgres: #"SELECT \#(Columns.qualifiedOrders), \#(Columns.qualifiedUsers), \#(Columns.qualifiedTeams) FROM "orders" JOIN "users" ON ("orders"."user_id" = "users"."id") AND ("users"."age" > $1) JOIN "teams" ON ("users"."team_id" = "teams"."id") AND ("teams"."name" <> $2) WHERE "orders"."quantity" > $3"#,
                    sqlite: #"SELECT \#(Columns.qualifiedOrders), \#(Columns.qualifiedUsers), \#(Columns.qualifiedTeams) FROM "orders" JOIN "users" ON ("orders"."user_id" = "users"."id") AND ("users"."age" > ?1) JOIN "teams" ON ("users"."team_id" = "teams"."id") AND ("teams"."name" <> ?2) WHERE "orders"."quantity" > ?3"#,
                    binds: [.int(18), .text("x"), .int(2)])
    }

    @Test(arguments: SQLDialect.allCases)
    func selectOnAJoinAsInAPIMD(_ dialect: SQLDialect) throws {
      let rows = Order.join(User.self) { o, u in o.userID == u.id }
        .where { _, u in u.name == "Alice" }
        .select { o, u in (o.amount, u.email) }
      try expectSQL(rows, dialect,
                    postgres: #"SELECT "orders"."amount", "users"."email_address" FROM "orders" JOIN "users" ON "orders"."user_id" = "users"."id" WHERE "users"."name" = $1"#,
                    sqlite: #"SELECT "orders"."amount", "users"."email_address" FROM "orders" JOIN "users" ON "orders"."user_id" = "users"."id" WHERE "users"."name" = ?1"#,
                    binds: [.text("Alice")])
    }

    @Test(arguments: SQLDialect.allCases)
    func selectOnADistinctLimitedJoin(_ dialect: SQLDialect) throws {
      let rows = Order.join(User.self) { o, u in o.userID == u.id }
        .select { o, u in (u.status, o.quantity * 2) }
        .distinct().limit(4)
      try expectSQL(rows, dialect,
                    postgres: #"SELECT DISTINCT "users"."status", ("orders"."quantity" * $1) FROM "orders" JOIN "users" ON "orders"."user_id" = "users"."id" LIMIT 4"#,
                    sqlite: #"SELECT DISTINCT "users"."status", ("orders"."quantity" * ?1) FROM "orders" JOIN "users" ON "orders"."user_id" = "users"."id" LIMIT 4"#,
                    binds: [.int(2)])
    }

    @Test(arguments: SQLDialect.allCases)
    func aSubqueryInAJoinsWhere(_ dialect: SQLDialect) throws {
      let join = Order.join(User.self) { o, u in o.userID == u.id }
        .where { _, u in u.teamID.in(Team.select { $0.id.orNull }.where { $0.name == "core" }) }
      try expectSQL(join, dialect,
                    postgres: #"SELECT \#(Columns.qualifiedOrders), \#(Columns.qualifiedUsers) FROM "orders" JOIN "users" ON "orders"."user_id" = "users"."id" WHERE "users"."team_id" IN (SELECT "teams"."id" FROM "teams" WHERE "teams"."name" = $1)"#,
                    sqlite: #"SELECT \#(Columns.qualifiedOrders), \#(Columns.qualifiedUsers) FROM "orders" JOIN "users" ON "orders"."user_id" = "users"."id" WHERE "users"."team_id" IN (SELECT "teams"."id" FROM "teams" WHERE "teams"."name" = ?1)"#,
                    binds: [.text("core")])
    }

    // MARK: LEFT JOIN

    @Test(arguments: SQLDialect.allCases)
    func leftJoinSelectsBothModels(_ dialect: SQLDialect) throws {
      try expectSQL(User.leftJoin(Order.self) { u, o in o.userID == u.id }.order { u, _ in u.name.asc() }.limit(3), dialect,
                    postgres: #"SELECT \#(Columns.qualifiedUsers), \#(Columns.qualifiedOrders) FROM "users" LEFT JOIN "orders" ON "orders"."user_id" = "users"."id" ORDER BY "users"."name" ASC LIMIT 3"#,
                    sqlite: #"SELECT \#(Columns.qualifiedUsers), \#(Columns.qualifiedOrders) FROM "users" LEFT JOIN "orders" ON "orders"."user_id" = "users"."id" ORDER BY "users"."name" ASC NULLS LAST LIMIT 3"#)
    }

    @Test(arguments: SQLDialect.allCases)
    func leftJoinSelectWithOrNull(_ dialect: SQLDialect) throws {
      let rows = User.leftJoin(Order.self) { u, o in o.userID == u.id }
        .select { u, o in (u.name, o.amount.orNull, o.note) }
      try expectSQL(rows, dialect,
                    postgres: #"SELECT "users"."name", "orders"."amount", "orders"."note" FROM "users" LEFT JOIN "orders" ON "orders"."user_id" = "users"."id""#,
                    sqlite: #"SELECT "users"."name", "orders"."amount", "orders"."note" FROM "users" LEFT JOIN "orders" ON "orders"."user_id" = "users"."id""#)
    }

    @Test(arguments: SQLDialect.allCases)
    func antiJoinThroughOrNullIsNull(_ dialect: SQLDialect) throws {
      let lonely = User.leftJoin(Order.self) { u, o in o.userID == u.id }.where { _, o in o.id.orNull == nil }
      try expectSQL(lonely, dialect,
                    postgres: #"SELECT \#(Columns.qualifiedUsers), \#(Columns.qualifiedOrders) FROM "users" LEFT JOIN "orders" ON "orders"."user_id" = "users"."id" WHERE "orders"."id" IS NULL"#,
                    sqlite: #"SELECT \#(Columns.qualifiedUsers), \#(Columns.qualifiedOrders) FROM "users" LEFT JOIN "orders" ON "orders"."user_id" = "users"."id" WHERE "orders"."id" IS NULL"#)
    }

    @Test(arguments: SQLDialect.allCases)
    func leftJoinAfterAnInnerJoin(_ dialect: SQLDialect) throws {
      let rows = Order.join(User.self) { o, u in o.userID == u.id }
        .leftJoin(Team.self) { _, u, t in u.teamID == t.id }
        .where { o, _, t in o.amount > 1 || t.name.orNull == nil }
      try expectSQL(rows, dialect,
                    postgres: #"SELECT \#(Columns.qualifiedOrders), \#(Columns.qualifiedUsers), \#(Columns.qualifiedTeams) FROM "orders" JOIN "users" ON "orders"."user_id" = "users"."id" LEFT JOIN "teams" ON "users"."team_id" = "teams"."id" WHERE ("orders"."amount" > $1) OR ("teams"."name" IS NULL)"#,
                    sqlite: #"SELECT \#(Columns.qualifiedOrders), \#(Columns.qualifiedUsers), \#(Columns.qualifiedTeams) FROM "orders" JOIN "users" ON "orders"."user_id" = "users"."id" LEFT JOIN "teams" ON "users"."team_id" = "teams"."id" WHERE ("orders"."amount" > ?1) OR ("teams"."name" IS NULL)"#,
                    binds: [.double(1)])
    }
  }
}
