import Model
import QueryBuilder
import Testing

extension Shop {
  /// Identifiers are quoted with embedded quotes doubled; values are binds whatever
  /// they contain.
  @Suite struct QuotingSnapshotTests {
    // MARK: Identifiers

    @Test(arguments: SQLDialect.allCases)
    func identifiersWithQuotesSpacesAndKeywords(_ dialect: SQLDialect) throws {
      try expectSQL(Weird.where { $0.weird == "x" }.order { $0.keyword.asc(nulls: .first) }, dialect,
                    postgres: #"SELECT "id", "we""ird", "select" FROM "we""ird table" WHERE "we""ird" = $1 ORDER BY "select" ASC NULLS FIRST"#,
                    sqlite: #"SELECT "id", "we""ird", "select" FROM "we""ird table" WHERE "we""ird" = ?1 ORDER BY "select" ASC NULLS FIRST"#,
                    binds: [.text("x")])
    }

    @Test(arguments: SQLDialect.allCases)
    func qualifiedIdentifiersQuoteEachPart(_ dialect: SQLDialect) throws {
      try expectSQL(Weird.join(Team.self) { w, t in w.weird == t.name }.select { w, _ in w.keyword }, dialect,
                    postgres: #"SELECT "we""ird table"."select" FROM "we""ird table" JOIN "teams" ON "we""ird table"."we""ird" = "teams"."name""#,
                    sqlite: #"SELECT "we""ird table"."select" FROM "we""ird table" JOIN "teams" ON "we""ird table"."we""ird" = "teams"."name""#)
    }

    @Test(arguments: SQLDialect.allCases)
    func mutationsQuoteTooAsTheDatabaseSeesThem(_ dialect: SQLDialect) async throws {
      try expectSQL({ try Weird.where { $0.keyword > 1 }.updateSQL($0) { $0.weird = "y" } }, dialect,
                    postgres: #"UPDATE "we""ird table" SET "we""ird" = $1 WHERE "select" > $2"#,
                    sqlite: #"UPDATE "we""ird table" SET "we""ird" = ?1 WHERE "select" > ?2"#,
                    binds: [.text("y"), .int(1)])
      try expectSQL({ try Weird.all.deleteSQL($0) }, dialect,
                    postgres: #"DELETE FROM "we""ird table""#,
                    sqlite: #"DELETE FROM "we""ird table""#)
      let db = ScriptedDatabase(dialect, respond: { _ in [row(.int(1))] })
      var weird = Weird(weird: "w", keyword: 2)
      try await weird.insert(db)
      let expected = switch dialect {
      case .postgres: #"INSERT INTO "we""ird table" ("we""ird", "select") VALUES ($1, $2) RETURNING "id""#
      case .sqlite: #"INSERT INTO "we""ird table" ("we""ird", "select") VALUES (?1, ?2) RETURNING "id""#
      }
      #expect(db.statements.map(\.text) == [expected])
    }

    // MARK: Values that look like SQL

    static let hostile = "x'); DROP TABLE \"users\"; -- $1 ?1 \\"

    @Test(arguments: SQLDialect.allCases)
    func hostileValuesStayBindsInConditions(_ dialect: SQLDialect) throws {
      let text = Self.hostile
      let query = User.where {
        $0.name == text && $0.email.like(text) && $0.handle.in([text, "' OR '1'='1"]) && $0.name.ilike(text)
      }
      try expectSQL(query, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE ((("name" = $1) AND ("email_address" LIKE $2)) AND ("handle" IN ($3, $4))) AND (lower("name") LIKE lower($5))"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE ((("name" = ?1) AND ("email_address" LIKE ?2)) AND ("handle" IN (?3, ?4))) AND (lower("name") LIKE lower(?5))"#,
                    binds: [.text(text), .text(text), .text(text), .text("' OR '1'='1"), .text(text)])
    }

    @Test(arguments: SQLDialect.allCases)
    func hostileValuesStayBindsInMutations(_ dialect: SQLDialect) async throws {
      let text = Self.hostile
      try expectSQL({ try User.where { $0.handle == text }.updateSQL($0) { $0.name = text } }, dialect,
                    postgres: #"UPDATE "users" SET "name" = $1 WHERE "handle" = $2"#,
                    sqlite: #"UPDATE "users" SET "name" = ?1 WHERE "handle" = ?2"#,
                    binds: [.text(text), .text(text)])
      let db = ScriptedDatabase(dialect, respond: { _ in [row(.int(1))] })
      var team = Team(name: text)
      try await team.insert(db)
      #expect(db.statements.map(\.binds) == [[.text(text)]])
      #expect(db.statements.allSatisfy { !$0.text.contains("DROP") })
    }

    @Test(arguments: SQLDialect.allCases)
    func aNulByteInAValueIsABindNotAnError(_ dialect: SQLDialect) throws {
      try expectSQL(User.where { $0.name == "a\u{0}b" }, dialect,
                    postgres: #"SELECT \#(Columns.users) FROM "users" WHERE "name" = $1"#,
                    sqlite: #"SELECT \#(Columns.users) FROM "users" WHERE "name" = ?1"#,
                    binds: [.text("a\u{0}b")])
    }
  }
}
