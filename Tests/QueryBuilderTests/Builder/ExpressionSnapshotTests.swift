import Model
import QueryBuilder
import Testing

extension Shop {
  @Suite struct ExpressionSnapshotTests {
    // MARK: Optional against non-optional

    @Test(arguments: SQLDialect.allCases)
    func optionalAndNonOptionalExpressionsCompareEitherWay(_ dialect: SQLDialect) throws {
      let joined: Join<Order, User> = Order.join(User.self) { o, u in o.userID == u.id }
      let conditions: [(Join<Order, User>, String)] = [
        (joined.where { o, u in o.quantity != u.age }, #""orders"."quantity" <> "users"."age""#),
        (joined.where { o, u in o.quantity < u.age }, #""orders"."quantity" < "users"."age""#),
        (joined.where { o, u in o.quantity <= u.age }, #""orders"."quantity" <= "users"."age""#),
        (joined.where { o, u in u.age > o.quantity }, #""users"."age" > "orders"."quantity""#),
        (joined.where { o, u in u.age >= o.quantity }, #""users"."age" >= "orders"."quantity""#),
        (joined.where { o, u in u.age != o.quantity }, #""users"."age" <> "orders"."quantity""#),
      ]
      for (query, condition) in conditions {
        #expect(try query.sql(dialect).text.hasSuffix(" WHERE " + condition))
      }
    }

    @Test(arguments: SQLDialect.allCases)
    func betweenARangeOnAnOptionalColumn(_ dialect: SQLDialect) throws {
      try expectSQL(User.where { $0.age.between(18...65) }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE "age" BETWEEN $1 AND $2"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE "age" BETWEEN ?1 AND ?2"#,
                    binds: [.int(18), .int(65)])
    }

    // MARK: AND, OR, NOT

    @Test(arguments: SQLDialect.allCases)
    func andOrParenthesiseEachOperand(_ dialect: SQLDialect) throws {
      try expectSQL(User.where { $0.age > 1 && $0.name == "x" }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE ("age" > $1) AND ("name" = $2)"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE ("age" > ?1) AND ("name" = ?2)"#,
                    binds: [.int(1), .text("x")])
      try expectSQL(User.where { $0.age > 1 || $0.name == "x" }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE ("age" > $1) OR ("name" = $2)"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE ("age" > ?1) OR ("name" = ?2)"#,
                    binds: [.int(1), .text("x")])
    }

    @Test(arguments: SQLDialect.allCases)
    func andBindsTighterThanOrAsInSwift(_ dialect: SQLDialect) throws {
      try expectSQL(User.where { $0.age == 1 || $0.age == 2 && $0.name == "x" }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE ("age" = $1) OR (("age" = $2) AND ("name" = $3))"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE ("age" = ?1) OR (("age" = ?2) AND ("name" = ?3))"#,
                    binds: [.int(1), .int(2), .text("x")])
      try expectSQL(User.where { ($0.age == 1 || $0.age == 2) && $0.name == "x" }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE (("age" = $1) OR ("age" = $2)) AND ("name" = $3)"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE (("age" = ?1) OR ("age" = ?2)) AND ("name" = ?3)"#,
                    binds: [.int(1), .int(2), .text("x")])
    }

    @Test(arguments: SQLDialect.allCases)
    func notWrapsItsOperand(_ dialect: SQLDialect) throws {
      try expectSQL(User.where { !($0.age > 1) }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE NOT ("age" > $1)"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE NOT ("age" > ?1)"#,
                    binds: [.int(1)])
      try expectSQL(User.where { !($0.age > 1 || $0.age == nil) && !(!($0.name == "x")) }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE (NOT (("age" > $1) OR ("age" IS NULL))) AND (NOT (NOT ("name" = $2)))"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE (NOT (("age" > ?1) OR ("age" IS NULL))) AND (NOT (NOT ("name" = ?2)))"#,
                    binds: [.int(1), .text("x")])
    }

    @Test(arguments: SQLDialect.allCases)
    func aBooleanColumnIsACondition(_ dialect: SQLDialect) throws {
      try expectSQL(Tag.where { $0.enabled && !$0.enabled }, dialect,
                    postgres: #"SELECT \#(Columns.tags) FROM "tags" WHERE ("enabled") AND (NOT ("enabled"))"#,
                    sqlite: #"SELECT \#(Columns.tags) FROM "tags" WHERE ("enabled") AND (NOT ("enabled"))"#)
    }

    /// Unparenthesised, PostgreSQL rejects `"count" > $1 = "enabled"`, and both backends
    /// read `a AND b = $1` as `a AND (b = $1)`.
    @Test(arguments: SQLDialect.allCases)
    func aConditionComparedAsAValueKeepsItsGrouping(_ dialect: SQLDialect) throws {
      try expectSQL(Tag.where { ($0.count > 1) == $0.enabled }, dialect,
                    postgres: #"SELECT \#(Columns.tags) FROM "tags" WHERE ("count" > $1) = "enabled""#,
                    sqlite: #"SELECT \#(Columns.tags) FROM "tags" WHERE ("count" > ?1) = "enabled""#,
                    binds: [.int(1)])
      try expectSQL(Tag.where { ($0.enabled && $0.count > 1) == false }, dialect,
                    postgres: #"SELECT \#(Columns.tags) FROM "tags" WHERE (("enabled") AND ("count" > $1)) = $2"#,
                    sqlite: #"SELECT \#(Columns.tags) FROM "tags" WHERE (("enabled") AND ("count" > ?1)) = ?2"#,
                    binds: [.int(1), .bool(false)])
      try expectSQL(Tag.where { ($0.count > 1).isNull || ($0.count > 1).in([true]) }, dialect,
                    postgres: #"SELECT \#(Columns.tags) FROM "tags" WHERE (("count" > $1) IS NULL) OR (("count" > $2) IN ($3))"#,
                    sqlite: #"SELECT \#(Columns.tags) FROM "tags" WHERE (("count" > ?1) IS NULL) OR (("count" > ?2) IN (?3))"#,
                    binds: [.int(1), .int(1), .bool(true)])
      // A boolean column or value needs no parentheses.
      try expectSQL(Tag.where { $0.enabled == true }, dialect,
                    postgres: #"SELECT \#(Columns.tags) FROM "tags" WHERE "enabled" = $1"#,
                    sqlite: #"SELECT \#(Columns.tags) FROM "tags" WHERE "enabled" = ?1"#,
                    binds: [.bool(true)])
    }

    @Test(arguments: SQLDialect.allCases)
    func alwaysAndNever(_ dialect: SQLDialect) throws {
      try expectSQL(User.where { _ in SQLExpression<Bool>.never }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE 1 = 0"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE 1 = 0"#)
      try expectSQL(User.where { SQLExpression<Bool>.always && $0.age > 1 }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE (1 = 1) AND ("age" > $1)"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE (1 = 1) AND ("age" > ?1)"#,
                    binds: [.int(1)])
    }

    // MARK: IN

    @Test(arguments: SQLDialect.allCases)
    func inWithValues(_ dialect: SQLDialect) throws {
      try expectSQL(User.where { $0.id.in([1, 2, 3]) }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE "id" IN ($1, $2, $3)"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE "id" IN (?1, ?2, ?3)"#,
                    binds: [.int(1), .int(2), .int(3)])
      try expectSQL(User.where { $0.status.in([.banned]) }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE "status" IN ($1)"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE "status" IN (?1)"#,
                    binds: [.text("banned")])
      try expectSQL(User.where { $0.id.in(7...8) }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE "id" IN ($1, $2)"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE "id" IN (?1, ?2)"#,
                    binds: [.int(7), .int(8)])
    }

    @Test(arguments: SQLDialect.allCases)
    func emptyInIsFalseAndEmptyNotInIsTrue(_ dialect: SQLDialect) throws {
      let none: [Int64] = []
      try expectSQL(User.where { $0.id.in(none) }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE 1 = 0"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE 1 = 0"#)
      try expectSQL(User.where { $0.id.notIn(none) }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE 1 = 1"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE 1 = 1"#)
      // Inside a larger condition the constant keeps its place.
      try expectSQL(User.where { $0.age > 1 || $0.id.in([]) }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE ("age" > $1) OR (1 = 0)"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE ("age" > ?1) OR (1 = 0)"#,
                    binds: [.int(1)])
    }

    @Test(arguments: SQLDialect.allCases)
    func notIn(_ dialect: SQLDialect) throws {
      try expectSQL(User.where { $0.id.notIn([4, 5]) }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE "id" NOT IN ($1, $2)"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE "id" NOT IN (?1, ?2)"#,
                    binds: [.int(4), .int(5)])
    }

    /// A nil in the list means NULL, as `== nil` does: `in` is the OR of `==` with each
    /// value, `notIn` the AND of `!=` (a NULL bind inside `NOT IN` would match nothing).
    @Test(arguments: SQLDialect.allCases)
    func nilInTheListIsIsNull(_ dialect: SQLDialect) throws {
      try expectSQL(User.where { $0.age.in([1, nil]) }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE ("age" IN ($1) OR "age" IS NULL)"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE ("age" IN (?1) OR "age" IS NULL)"#,
                    binds: [.int(1)])
      try expectSQL(User.where { $0.age.notIn([1, nil]) }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE ("age" NOT IN ($1) AND "age" IS NOT NULL)"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE ("age" NOT IN (?1) AND "age" IS NOT NULL)"#,
                    binds: [.int(1)])
      try expectSQL(User.where { $0.age.in([nil]) && $0.age.notIn([nil]) }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE ("age" IS NULL) AND ("age" IS NOT NULL)"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE ("age" IS NULL) AND ("age" IS NOT NULL)"#)
    }

    // MARK: Subqueries

    @Test(arguments: SQLDialect.allCases)
    func inASubqueryOverAnotherTableQualifiesEveryColumn(_ dialect: SQLDialect) throws {
      try expectSQL(User.where { $0.id.in(Order.select { $0.userID }) }, dialect,
                    postgres: #"SELECT \#(Columns.qualifiedUsers) FROM "users" WHERE "users"."id" IN (SELECT "orders"."user_id" FROM "orders")"#,
                    sqlite: #"SELECT \#(Columns.qualifiedUsers) FROM "users" WHERE "users"."id" IN (SELECT "orders"."user_id" FROM "orders")"#)
    }

    @Test(arguments: SQLDialect.allCases)
    func subqueryBindsAreNumberedInTextOrder(_ dialect: SQLDialect) throws {
      let query = User
        .where { $0.age > 1 && $0.id.in(Order.select { $0.userID }.where { $0.amount > 100 }) }
        .where { $0.name == "x" }
      try expectSQL(query, dialect,
                    postgres: #"SELECT \#(Columns.qualifiedUsers) FROM "users" WHERE (("users"."age" > $1) AND ("users"."id" IN (SELECT "orders"."user_id" FROM "orders" WHERE "orders"."amount" > $2))) AND ("users"."name" = $3)"#,
                    sqlite: #"SELECT \#(Columns.qualifiedUsers) FROM "users" WHERE (("users"."age" > ?1) AND ("users"."id" IN (SELECT "orders"."user_id" FROM "orders" WHERE "orders"."amount" > ?2))) AND ("users"."name" = ?3)"#,
                    binds: [.int(1), .double(100), .text("x")])
    }

    @Test(arguments: SQLDialect.allCases)
    func aSubqueryIsRenderedForTheOuterStatementsDialect(_ dialect: SQLDialect) throws {
      let recent = Order.select { $0.userID }.order { $0.amount.desc() }.offset(5)
      try expectSQL(User.where { $0.id.in(recent) }, dialect,
                    postgres: #"SELECT \#(Columns.qualifiedUsers) FROM "users" WHERE "users"."id" IN (SELECT "orders"."user_id" FROM "orders" ORDER BY "orders"."amount" DESC OFFSET 5)"#,
                    sqlite: #"SELECT \#(Columns.qualifiedUsers) FROM "users" WHERE "users"."id" IN (SELECT "orders"."user_id" FROM "orders" ORDER BY "orders"."amount" DESC NULLS FIRST LIMIT -1 OFFSET 5)"#)
    }

    // A subquery over the outer query's own table is refused until table aliases
    // exist: see AmbiguityTests.

    @Test(arguments: SQLDialect.allCases)
    func correlatedExistsQualifiesBothTables(_ dialect: SQLDialect) throws {
      try expectSQL(User.where { u in Order.where { $0.userID == u.id }.existsExpression }, dialect,
                    postgres: #"SELECT \#(Columns.qualifiedUsers) FROM "users" WHERE EXISTS (SELECT 1 FROM "orders" WHERE "orders"."user_id" = "users"."id" LIMIT 1)"#,
                    sqlite: #"SELECT \#(Columns.qualifiedUsers) FROM "users" WHERE EXISTS (SELECT 1 FROM "orders" WHERE "orders"."user_id" = "users"."id" LIMIT 1)"#)
    }

    @Test(arguments: SQLDialect.allCases)
    func existsDropsOrderingAndKeepsOffset(_ dialect: SQLDialect) throws {
      let big = Order.where { $0.amount > 10 }.order { $0.amount.desc() }.limit(50).offset(2)
      try expectSQL(User.where { u in !big.existsExpression && u.age > 3 }, dialect,
                    postgres: #"SELECT \#(Columns.qualifiedUsers) FROM "users" WHERE (NOT (EXISTS (SELECT 1 FROM "orders" WHERE "orders"."amount" > $1 LIMIT 1 OFFSET 2))) AND ("users"."age" > $2)"#,
                    sqlite: #"SELECT \#(Columns.qualifiedUsers) FROM "users" WHERE (NOT (EXISTS (SELECT 1 FROM "orders" WHERE "orders"."amount" > ?1 LIMIT 1 OFFSET 2))) AND ("users"."age" > ?2)"#,
                    binds: [.double(10), .int(3)])
    }

    // MARK: BETWEEN

    @Test(arguments: SQLDialect.allCases)
    func between(_ dialect: SQLDialect) throws {
      try expectSQL(User.where { $0.age.between(18, and: 65) }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE "age" BETWEEN $1 AND $2"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE "age" BETWEEN ?1 AND ?2"#,
                    binds: [.int(18), .int(65)])
      try expectSQL(User.where { $0.score.between(1.5...2.5) }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE "score" BETWEEN $1 AND $2"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE "score" BETWEEN ?1 AND ?2"#,
                    binds: [.double(1.5), .double(2.5)])
    }

    // MARK: Text

    @Test(arguments: SQLDialect.allCases)
    func likeAndNotLike(_ dialect: SQLDialect) throws {
      try expectSQL(User.where { $0.name.like("A%") }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE "name" LIKE $1"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE "name" LIKE ?1"#,
                    binds: [.text("A%")])
      try expectSQL(Order.where { $0.note.notLike("%gift%") }, dialect,
                    postgres: #"SELECT \#(Columns.orders) FROM "orders" WHERE "note" NOT LIKE $1"#,
                    sqlite: #"SELECT \#(Columns.orders) FROM "orders" WHERE "note" NOT LIKE ?1"#,
                    binds: [.text("%gift%")])
    }

    @Test(arguments: SQLDialect.allCases)
    func caseInsensitiveMatchingLowersBothSides(_ dialect: SQLDialect) throws {
      try expectSQL(User.where { $0.name.ilike("a%") }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE lower("name") LIKE lower($1)"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE lower("name") LIKE lower(?1)"#,
                    binds: [.text("a%")])
      try expectSQL(User.where { $0.email.equalsIgnoringCase("A@Example.com") }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE lower("email_address") = lower($1)"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE lower("email_address") = lower(?1)"#,
                    binds: [.text("A@Example.com")])
    }

    // MARK: Arithmetic

    @Test(arguments: SQLDialect.allCases)
    func arithmeticWithValues(_ dialect: SQLDialect) throws {
      try expectSQL(User.where { $0.age + 1 > 18 }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE ("age" + $1) > $2"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE ("age" + ?1) > ?2"#,
                    binds: [.int(1), .int(18)])
      try expectSQL(Order.select { ($0.quantity - 1, $0.quantity * 2, $0.amount / 4) }, dialect,
                    postgres: #"SELECT ("quantity" - $1), ("quantity" * $2), ("amount" / $3) FROM "orders""#,
                    sqlite: #"SELECT ("quantity" - ?1), ("quantity" * ?2), ("amount" / ?3) FROM "orders""#,
                    binds: [.int(1), .int(2), .double(4)])
    }

    @Test(arguments: SQLDialect.allCases)
    func arithmeticWithColumnsNests(_ dialect: SQLDialect) throws {
      try expectSQL(Order.select { ($0.quantity + $0.quantity) * 2 - $0.quantity / $0.quantity }, dialect,
                    postgres: #"SELECT ((("quantity" + "quantity") * $1) - ("quantity" / "quantity")) FROM "orders""#,
                    sqlite: #"SELECT ((("quantity" + "quantity") * ?1) - ("quantity" / "quantity")) FROM "orders""#,
                    binds: [.int(2)])
      try expectSQL(Order.where { $0.amount * $0.amount >= $0.amount - 1 }, dialect,
                    postgres: #"SELECT \#(Columns.orders) FROM "orders" WHERE ("amount" * "amount") >= ("amount" - $1)"#,
                    sqlite: #"SELECT \#(Columns.orders) FROM "orders" WHERE ("amount" * "amount") >= ("amount" - ?1)"#,
                    binds: [.double(1)])
    }

    // MARK: COALESCE

    @Test(arguments: SQLDialect.allCases)
    func coalesceWithAValueOrAColumn(_ dialect: SQLDialect) throws {
      try expectSQL(User.where { $0.age.coalesce(0) >= 18 }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE COALESCE("age", $1) >= $2"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE COALESCE("age", ?1) >= ?2"#,
                    binds: [.int(0), .int(18)])
      try expectSQL(User.select { $0.teamID.coalesce($0.id) }, dialect,
                    postgres: #"SELECT COALESCE("team_id", "id") FROM "users""#,
                    sqlite: #"SELECT COALESCE("team_id", "id") FROM "users""#)
    }

    // MARK: Raw fragments

    @Test(arguments: SQLDialect.allCases)
    func aRawFragmentKeepsColumnsAndBinds(_ dialect: SQLDialect) throws {
      try expectSQL(User.where { SQLExpression<Bool>.sql("length(\($0.name)) > \(3)") }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE length("name") > $1"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE length("name") > ?1"#,
                    binds: [.int(3)])
    }
  }
}
