import Model
import QueryBuilder
import Testing

extension Shop {
  @Suite struct MutationSnapshotTests {
    // MARK: UPDATE

    @Test(arguments: SQLDialect.allCases)
    func updateSettingNilAsInAPIMD(_ dialect: SQLDialect) throws {
      try expectSQL({ try User.where { $0.status == .banned }.updateSQL($0) { $0.age = nil } }, dialect,
                    postgres: #"UPDATE "users" SET "age" = $1 WHERE "status" = $2"#,
                    sqlite: #"UPDATE "users" SET "age" = ?1 WHERE "status" = ?2"#,
                    binds: [.null, .text("banned")])
    }

    @Test(arguments: SQLDialect.allCases)
    func updateEveryRowWithAValue(_ dialect: SQLDialect) throws {
      try expectSQL({ try User.all.updateSQL($0) { $0.name = "x" } }, dialect,
                    postgres: #"UPDATE "users" SET "name" = $1"#,
                    sqlite: #"UPDATE "users" SET "name" = ?1"#,
                    binds: [.text("x")])
    }

    @Test(arguments: SQLDialect.allCases)
    func updateWithAnExpressionOfTheColumn(_ dialect: SQLDialect) throws {
      try expectSQL({ try User.where { $0.id == 7 }.updateSQL($0) { $0.age = $0.age + 1 } }, dialect,
                    postgres: #"UPDATE "users" SET "age" = ("age" + $1) WHERE "id" = $2"#,
                    sqlite: #"UPDATE "users" SET "age" = ("age" + ?1) WHERE "id" = ?2"#,
                    binds: [.int(1), .int(7)])
    }

    @Test(arguments: SQLDialect.allCases)
    func updateSeveralColumnsInTheOrderAssigned(_ dialect: SQLDialect) throws {
      let update = { (dialect: SQLDialect) in
        try User.where { $0.age > 1 && $0.name.like("A%") }.updateSQL(dialect) {
          $0.status = .banned
          $0.score = $0.score * 2
          $0.teamID = $0.id.orNull
          $0.email = "x@example.com"
        }
      }
      try expectSQL(update, dialect,
                    postgres: #"UPDATE "users" SET "status" = $1, "score" = ("score" * $2), "team_id" = "id", "email_address" = $3 WHERE ("age" > $4) AND ("name" LIKE $5)"#,
                    sqlite: #"UPDATE "users" SET "status" = ?1, "score" = ("score" * ?2), "team_id" = "id", "email_address" = ?3 WHERE ("age" > ?4) AND ("name" LIKE ?5)"#,
                    binds: [.text("banned"), .double(2), .text("x@example.com"), .int(1), .text("A%")])
    }

    @Test(arguments: SQLDialect.allCases)
    func updateFilteredByAnotherTableQualifiesColumnsButNotTheSetTargets(_ dialect: SQLDialect) throws {
      let update = { (dialect: SQLDialect) in
        try User.where { u in Order.where { $0.userID == u.id && $0.amount > 100 }.existsExpression }
          .updateSQL(dialect) { $0.score = $0.score + 1 }
      }
      try expectSQL(update, dialect,
                    postgres: #"UPDATE "users" SET "score" = ("users"."score" + $1) WHERE EXISTS (SELECT 1 FROM "orders" WHERE ("orders"."user_id" = "users"."id") AND ("orders"."amount" > $2) LIMIT 1)"#,
                    sqlite: #"UPDATE "users" SET "score" = ("users"."score" + ?1) WHERE EXISTS (SELECT 1 FROM "orders" WHERE ("orders"."user_id" = "users"."id") AND ("orders"."amount" > ?2) LIMIT 1)"#,
                    binds: [.double(1), .double(100)])
    }

    @Test(arguments: SQLDialect.allCases)
    func updateRunsTheSameStatement(_ dialect: SQLDialect) async throws {
      let db = ScriptedDatabase(dialect)
      let changed = try await User.where { $0.status == .banned }.update(db) { $0.age = nil }
      #expect(changed == 1)
      #expect(db.statements == [try User.where { $0.status == .banned }.updateSQL(dialect) { $0.age = nil }])
    }

    @Test(arguments: SQLDialect.allCases)
    func updateAssigningNothingIsAMisuse(_ dialect: SQLDialect) async throws {
      let error = #expect(throws: MisuseError.self) { try User.all.updateSQL(dialect) { _ in } }
      #expect(error?.message == "UPDATE of users assigns no column")
      let db = ScriptedDatabase(dialect)
      await #expect(throws: MisuseError.self) { try await User.all.update(db) { _ in } }
      #expect(db.statements.isEmpty)
    }

    @Test(arguments: SQLDialect.allCases)
    func assigningOneColumnTwiceIsAMisuse(_ dialect: SQLDialect) throws {
      // PostgreSQL rejects `SET a = 1, a = 2`; SQLite would keep one silently.
      let error = #expect(throws: MisuseError.self) {
        try User.all.updateSQL(dialect) {
          $0.age = $0.age + 1
          $0.age = $0.age + 1
        }
      }
      #expect(error?.message.contains("age") == true)
    }

    @Test(arguments: SQLDialect.allCases)
    func updateOfAnOrderedOrLimitedQueryIsAMisuse(_ dialect: SQLDialect) {
      let refused: [Query<User>] = [
        User.order { $0.id.asc() }, User.limit(1), User.all.offset(1), User.all.distinct(),
        User.all.forUpdate(), User.all.forShare(),
      ]
      for query in refused {
        let error = #expect(throws: MisuseError.self) { try query.updateSQL(dialect) { $0.name = "x" } }
        #expect(error?.message.hasPrefix("UPDATE takes only `where` conditions") == true)
      }
    }

    // MARK: DELETE

    @Test(arguments: SQLDialect.allCases)
    func deleteWithAndWithoutWhere(_ dialect: SQLDialect) throws {
      try expectSQL({ try User.where { $0.age < 13 }.deleteSQL($0) }, dialect,
                    postgres: #"DELETE FROM "users" WHERE "age" < $1"#,
                    sqlite: #"DELETE FROM "users" WHERE "age" < ?1"#,
                    binds: [.int(13)])
      try expectSQL({ try User.all.deleteSQL($0) }, dialect,
                    postgres: #"DELETE FROM "users""#,
                    sqlite: #"DELETE FROM "users""#)
      try expectSQL({ try User.where { $0.age < 13 }.where { $0.status == .banned }.deleteSQL($0) }, dialect,
                    postgres: #"DELETE FROM "users" WHERE ("age" < $1) AND ("status" = $2)"#,
                    sqlite: #"DELETE FROM "users" WHERE ("age" < ?1) AND ("status" = ?2)"#,
                    binds: [.int(13), .text("banned")])
    }

    @Test(arguments: SQLDialect.allCases)
    func deleteWithACorrelatedSubquery(_ dialect: SQLDialect) throws {
      try expectSQL({ try User.where { u in !Order.where { $0.userID == u.id }.existsExpression }.deleteSQL($0) }, dialect,
                    postgres: #"DELETE FROM "users" WHERE NOT (EXISTS (SELECT 1 FROM "orders" WHERE "orders"."user_id" = "users"."id" LIMIT 1))"#,
                    sqlite: #"DELETE FROM "users" WHERE NOT (EXISTS (SELECT 1 FROM "orders" WHERE "orders"."user_id" = "users"."id" LIMIT 1))"#)
    }

    @Test(arguments: SQLDialect.allCases)
    func deleteRunsTheSameStatement(_ dialect: SQLDialect) async throws {
      let db = ScriptedDatabase(dialect)
      try await User.where { $0.age < 13 }.delete(db)
      #expect(db.statements == [try User.where { $0.age < 13 }.deleteSQL(dialect)])
    }

    @Test(arguments: SQLDialect.allCases)
    func deleteOfALimitedQueryIsAMisuseBeforeAnythingRuns(_ dialect: SQLDialect) async {
      let db = ScriptedDatabase(dialect)
      for query in [User.limit(1), User.order { $0.name.asc() }, User.all.offset(2), User.all.forUpdate()] {
        let error = #expect(throws: MisuseError.self) { try query.deleteSQL(dialect) }
        #expect(error?.message.hasPrefix("DELETE takes only `where` conditions") == true)
        await #expect(throws: MisuseError.self) { try await query.delete(db) }
      }
      #expect(db.statements.isEmpty)
    }

    // MARK: A model's own update and delete (by primary key)

    @Test(arguments: SQLDialect.allCases)
    func modelUpdateSetsEveryOtherColumnByKey(_ dialect: SQLDialect) async throws {
      let db = ScriptedDatabase(dialect)
      try await Shop.alice(id: 7).update(db)
      let p = (1...9).map { dialect.placeholder($0) }
      let expected = #"UPDATE "users" SET "name" = \#(p[0]), "email_address" = \#(p[1]), "created_at" = \#(p[2]), "age" = \#(p[3]), "status" = \#(p[4]), "handle" = \#(p[5]), "team_id" = \#(p[6]), "score" = \#(p[7]) WHERE "id" = \#(p[8])"#
      #expect(db.statements == [RenderedSQL(text: expected, binds: Shop.aliceValues + [.int(7)])])
    }

    @Test(arguments: SQLDialect.allCases)
    func modelDeleteByKey(_ dialect: SQLDialect) async throws {
      let db = ScriptedDatabase(dialect)
      #expect(try await Shop.alice(id: 7).delete(db))
      let expected = switch dialect {
      case .postgres: #"DELETE FROM "users" WHERE "id" = $1"#
      case .sqlite: #"DELETE FROM "users" WHERE "id" = ?1"#
      }
      #expect(db.statements == [RenderedSQL(text: expected, binds: [.int(7)])])
    }
  }
}
