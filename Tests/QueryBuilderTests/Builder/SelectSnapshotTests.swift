#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import QueryBuilder
import Testing

// Compile-time guarantees (cannot be runtime tests: each line below must NOT compile
// against these fixtures; each was checked with `swiftc -typecheck`, one error per line;
// check again after changing an operator or a builder method):
//
//   User.where { $0.age == "x" }              // a value of another type than the column's
//   User.where { $0.name > 5 }
//   User.where { $0.status == nil }           // nil against a non-optional column
//   User.where { $0.status == "active" }      // the raw value instead of the enum
//   User.where { $0.name }                    // a condition must be an SQLExpression<Bool>
//   User.where { $0.age + "1" > 2 }           // arithmetic with another type
//   User.where { $0.name + "x" == "y" }       // arithmetic on text (String is not SQLNumeric)
//   User.select { $0.name.sum() }             // sum/average of a non-number
//   User.where { $0.id.in(["1"]) }            // IN with values of another type
//   User.where { $0.id.in(Order.select { $0.note }) }               // subquery of another type
//   User.where { $0.id.in(Order.select { ($0.userID, $0.amount) }) } // subquery of two columns
//   Order.join(User.self) { o, u in o.amount == u.id }              // join on unrelated types
//   User.where { $0.age > 1 }.update(db) { $0.age = "x" }           // assignment of another type
//   User.all.update(db) { let n: String = $0.name }                 // reading a column's value
//   User.select { $0.name }.forUpdate()       // row locks exist on model queries only
extension Shop {
  @Suite struct SelectSnapshotTests {
    // MARK: Whole models

    @Test(arguments: SQLDialect.allCases)
    func selectAllListsEveryColumnInSchemaOrder(_ dialect: SQLDialect) throws {
      try expectSQL(User.all, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users""#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users""#)
    }

    @Test(arguments: SQLDialect.allCases)
    func everyKindOfColumnIsSelected(_ dialect: SQLDialect) throws {
      try expectSQL(Tag.all, dialect,
                    postgres: #"SELECT \#(Columns.tags) FROM "tags""#,
                    sqlite: #"SELECT \#(Columns.tags) FROM "tags""#)
    }

    @Test(arguments: SQLDialect.allCases)
    func apiExampleRendersAsDocumented(_ dialect: SQLDialect) throws {
      // API.md: q.sql(.postgres)  // ... WHERE "age" > $1 ORDER BY "name" ASC   binds: [18]
      try expectSQL(User.where { $0.age > 18 }.order { $0.name.asc() }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE "age" > $1 ORDER BY "name" ASC"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE "age" > ?1 ORDER BY "name" ASC NULLS LAST"#,
                    binds: [.int(18)])
    }

    @Test(arguments: SQLDialect.allCases)
    func apiExampleWithThreeConditions(_ dialect: SQLDialect) throws {
      let adults = User
        .where { $0.age >= 18 && $0.name.like("A%") && $0.status == .active }
        .order { $0.name.asc() }
        .limit(10).offset(20)
      try expectSQL(adults, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE (("age" >= $1) AND ("name" LIKE $2)) AND ("status" = $3) ORDER BY "name" ASC LIMIT 10 OFFSET 20"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE (("age" >= ?1) AND ("name" LIKE ?2)) AND ("status" = ?3) ORDER BY "name" ASC NULLS LAST LIMIT 10 OFFSET 20"#,
                    binds: [.int(18), .text("A%"), .text("active")])
    }

    // MARK: Comparisons with values

    @Test(arguments: SQLDialect.allCases)
    func equalityAndInequality(_ dialect: SQLDialect) throws {
      try expectSQL(User.where { $0.email == "a@example.com" }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE "email_address" = $1"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE "email_address" = ?1"#,
                    binds: [.text("a@example.com")])
      try expectSQL(User.where { $0.status != .banned }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE "status" <> $1"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE "status" <> ?1"#,
                    binds: [.text("banned")])
    }

    @Test(arguments: SQLDialect.allCases)
    func orderingComparisons(_ dialect: SQLDialect) throws {
      try expectSQL(User.where { $0.age < 13 }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE "age" < $1"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE "age" < ?1"#,
                    binds: [.int(13)])
      try expectSQL(User.where { $0.age <= 13 }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE "age" <= $1"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE "age" <= ?1"#,
                    binds: [.int(13)])
      try expectSQL(User.where { $0.score > 2.5 }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE "score" > $1"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE "score" > ?1"#,
                    binds: [.double(2.5)])
      try expectSQL(User.where { $0.createdAt >= Shop.created }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE "created_at" >= $1"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE "created_at" >= ?1"#,
                    binds: [.timestamp(Shop.created)])
    }

    @Test(arguments: SQLDialect.allCases)
    func comparisonsBetweenColumns(_ dialect: SQLDialect) throws {
      try expectSQL(Order.where { $0.amount > $0.amount }, dialect,
                    postgres: #"SELECT \#(Columns.orders) FROM "orders" WHERE "amount" > "amount""#,
                    sqlite: #"SELECT \#(Columns.orders) FROM "orders" WHERE "amount" > "amount""#)
      // A nullable key against a key, in either order.
      try expectSQL(User.where { $0.teamID == $0.id }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE "team_id" = "id""#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE "team_id" = "id""#)
      try expectSQL(User.where { $0.id == $0.teamID }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE "id" = "team_id""#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE "id" = "team_id""#)
    }

    @Test(arguments: SQLDialect.allCases)
    func everyColumnKindBindsItsValue(_ dialect: SQLDialect) throws {
      let query = Tag.where {
        $0.small == 1 && $0.medium == 2 && $0.large == 3 && $0.ratio == 0.5 && $0.enabled == true
          && $0.bytes == [0xFF] && $0.price == 12
      }
      let placeholders = (1...7).map { dialect.placeholder($0) }
      let expected = #"SELECT \#(Columns.tags) FROM "tags" WHERE (((((("small" = \#(placeholders[0])) AND ("medium" = \#(placeholders[1]))) AND ("large" = \#(placeholders[2]))) AND ("ratio" = \#(placeholders[3]))) AND ("enabled" = \#(placeholders[4]))) AND ("bytes" = \#(placeholders[5]))) AND ("price" = \#(placeholders[6]))"#
      try expectSQL(query, dialect,
                    postgres: expected, sqlite: expected,
                    binds: [.int(1), .int(2), .int(3), .double(0.5), .bool(true), .bytes([0xFF]), .decimal(12)])
    }

    // MARK: NULL

    @Test(arguments: SQLDialect.allCases)
    func comparingWithNilIsIsNull(_ dialect: SQLDialect) throws {
      try expectSQL(User.where { $0.age == nil }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE "age" IS NULL"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE "age" IS NULL"#)
      try expectSQL(User.where { $0.age != nil }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE "age" IS NOT NULL"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE "age" IS NOT NULL"#)
    }

    @Test(arguments: SQLDialect.allCases)
    func aNilVariableIsIsNullToo(_ dialect: SQLDialect) throws {
      let missing: Int? = nil
      let present: Int? = 4
      try expectSQL(User.where { $0.age == missing }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE "age" IS NULL"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE "age" IS NULL"#)
      try expectSQL(User.where { $0.age != missing }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE "age" IS NOT NULL"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE "age" IS NOT NULL"#)
      try expectSQL(User.where { $0.age == present }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE "age" = $1"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE "age" = ?1"#,
                    binds: [.int(4)])
    }

    @Test(arguments: SQLDialect.allCases)
    func isNullAndIsNotNullProperties(_ dialect: SQLDialect) throws {
      try expectSQL(Order.where { $0.note.isNull || $0.note.isNotNull }, dialect,
                    postgres: #"SELECT \#(Columns.orders) FROM "orders" WHERE ("note" IS NULL) OR ("note" IS NOT NULL)"#,
                    sqlite: #"SELECT \#(Columns.orders) FROM "orders" WHERE ("note" IS NULL) OR ("note" IS NOT NULL)"#)
    }

    // MARK: Several where clauses

    @Test(arguments: SQLDialect.allCases)
    func successiveWhereClausesAreAndedInOrder(_ dialect: SQLDialect) throws {
      try expectSQL(User.where { $0.age > 1 }.where { $0.name == "x" || $0.name == "y" }.where { $0.score < 3 }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE ("age" > $1) AND (("name" = $2) OR ("name" = $3)) AND ("score" < $4)"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE ("age" > ?1) AND (("name" = ?2) OR ("name" = ?3)) AND ("score" < ?4)"#,
                    binds: [.int(1), .text("x"), .text("y"), .double(3)])
    }

    // MARK: Order

    @Test(arguments: SQLDialect.allCases)
    func defaultNullsFollowPostgreSQLOnBothBackends(_ dialect: SQLDialect) throws {
      try expectSQL(User.order { $0.age.asc() }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" ORDER BY "age" ASC"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" ORDER BY "age" ASC NULLS LAST"#)
      try expectSQL(User.order { $0.age.desc() }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" ORDER BY "age" DESC"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" ORDER BY "age" DESC NULLS FIRST"#)
    }

    @Test(arguments: SQLDialect.allCases)
    func explicitNullsAreWrittenForBothBackends(_ dialect: SQLDialect) throws {
      try expectSQL(User.order { $0.age.asc(nulls: .first) }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" ORDER BY "age" ASC NULLS FIRST"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" ORDER BY "age" ASC NULLS FIRST"#)
      try expectSQL(User.order { $0.age.asc(nulls: .last) }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" ORDER BY "age" ASC NULLS LAST"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" ORDER BY "age" ASC NULLS LAST"#)
      try expectSQL(User.order { $0.age.desc(nulls: .first) }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" ORDER BY "age" DESC NULLS FIRST"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" ORDER BY "age" DESC NULLS FIRST"#)
      try expectSQL(User.order { $0.age.desc(nulls: .last) }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" ORDER BY "age" DESC NULLS LAST"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" ORDER BY "age" DESC NULLS LAST"#)
    }

    @Test(arguments: SQLDialect.allCases)
    func severalOrderingsKeepTheirOrder(_ dialect: SQLDialect) throws {
      try expectSQL(User.order { [$0.status.asc(), $0.age.desc(nulls: .last)] }.order { $0.id.asc() }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" ORDER BY "status" ASC, "age" DESC NULLS LAST, "id" ASC"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" ORDER BY "status" ASC NULLS LAST, "age" DESC NULLS LAST, "id" ASC NULLS LAST"#)
    }

    @Test(arguments: SQLDialect.allCases)
    func orderingByAnExpression(_ dialect: SQLDialect) throws {
      try expectSQL(User.order { ($0.score * 2).desc() }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" ORDER BY ("score" * $1) DESC"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" ORDER BY ("score" * ?1) DESC NULLS FIRST"#,
                    binds: [.double(2)])
    }

    // MARK: Limit, offset, distinct

    @Test(arguments: SQLDialect.allCases)
    func limitAndOffset(_ dialect: SQLDialect) throws {
      try expectSQL(User.limit(10), dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" LIMIT 10"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" LIMIT 10"#)
      try expectSQL(User.all.limit(10).offset(20), dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" LIMIT 10 OFFSET 20"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" LIMIT 10 OFFSET 20"#)
      // Given in the other order: still LIMIT before OFFSET.
      try expectSQL(User.all.offset(20).limit(10), dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" LIMIT 10 OFFSET 20"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" LIMIT 10 OFFSET 20"#)
    }

    @Test(arguments: SQLDialect.allCases)
    func offsetWithoutLimitNeedsLimitMinusOneOnSQLite(_ dialect: SQLDialect) throws {
      try expectSQL(User.all.offset(20), dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" OFFSET 20"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" LIMIT -1 OFFSET 20"#)
    }

    @Test(arguments: SQLDialect.allCases)
    func negativeLimitAndOffsetAreClampedToZero(_ dialect: SQLDialect) throws {
      try expectSQL(User.limit(-5).offset(-1), dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" LIMIT 0 OFFSET 0"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" LIMIT 0 OFFSET 0"#)
    }

    @Test(arguments: SQLDialect.allCases)
    func theLastLimitWins(_ dialect: SQLDialect) throws {
      try expectSQL(User.limit(10).limit(3), dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" LIMIT 3"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" LIMIT 3"#)
    }

    @Test(arguments: SQLDialect.allCases)
    func distinct(_ dialect: SQLDialect) throws {
      try expectSQL(User.where { $0.age > 1 }.distinct(), dialect,
                    postgres: #"SELECT DISTINCT \#(Columns.users) FROM "users" WHERE "age" > $1"#,
                    sqlite: #"SELECT DISTINCT \#(Columns.users) FROM "users" WHERE "age" > ?1"#,
                    binds: [.int(1)])
    }

    @Test(arguments: SQLDialect.allCases)
    func everyClauseInItsPlace(_ dialect: SQLDialect) throws {
      let query = User.limit(5).offset(6).distinct().order { $0.name.desc() }.where { $0.age > 1 }
      try expectSQL(query, dialect,
                    postgres: #"SELECT DISTINCT \#(Columns.users) FROM "users" WHERE "age" > $1 ORDER BY "name" DESC LIMIT 5 OFFSET 6"#,
                    sqlite: #"SELECT DISTINCT \#(Columns.users) FROM "users" WHERE "age" > ?1 ORDER BY "name" DESC NULLS FIRST LIMIT 5 OFFSET 6"#,
                    binds: [.int(1)])
    }

    // MARK: Builders are values

    @Test(arguments: SQLDialect.allCases)
    func refiningAQueryLeavesTheOriginalUnchanged(_ dialect: SQLDialect) throws {
      let base = User.where { $0.age > 1 }
      _ = base.where { $0.name == "x" }.order { $0.id.asc() }.limit(1)
      try expectSQL(base, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE "age" > $1"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE "age" > ?1"#,
                    binds: [.int(1)])
    }
  }
}
