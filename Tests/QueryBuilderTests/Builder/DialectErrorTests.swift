import Model
import QueryBuilder
import Testing

extension Shop {
  /// Clauses one dialect cannot express fail when rendered for it: never dropped.
  @Suite struct DialectErrorTests {
    /// Each row lock, with the clause PostgreSQL renders for it.
    static let locks: [(lock: @Sendable (Query<User>) -> Query<User>, clause: String)] = [
      ({ $0.forUpdate() }, "FOR UPDATE"),
      ({ $0.forUpdate(skipLocked: true) }, "FOR UPDATE SKIP LOCKED"),
      ({ $0.forUpdate(noWait: true) }, "FOR UPDATE NOWAIT"),
      ({ $0.forShare() }, "FOR SHARE"),
      ({ $0.forShare(skipLocked: true) }, "FOR SHARE SKIP LOCKED"),
      ({ $0.forShare(noWait: true) }, "FOR SHARE NOWAIT"),
    ]

    @Test(arguments: SQLDialect.allCases, Shop.DialectErrorTests.locks.indices)
    func rowLocksArePostgreSQLOnly(_ dialect: SQLDialect, _ index: Int) throws {
      let (lock, clause) = Self.locks[index]
      let query = lock(User.where { $0.status == .active }.limit(1))
      switch dialect {
      case .postgres:
        try expectSQL(query, dialect,
                      postgres: #"SELECT \#(Columns.users) FROM "users" WHERE "status" = $1 LIMIT 1 \#(clause)"#,
                      sqlite: "", binds: [.text("active")])
      case .sqlite:
        let error = #expect(throws: MisuseError.self) { try query.sql(dialect) }
        #expect(error?.message.contains("PostgreSQL-only") == true)
      }
    }

    @Test func apiExampleForUpdateSkipLocked() throws {
      let locked = User.where { $0.status == .active }.limit(1).forUpdate(skipLocked: true)
      #expect(try locked.sql(.postgres).text
              == #"SELECT \#(Columns.users) FROM "users" WHERE "status" = $1 LIMIT 1 FOR UPDATE SKIP LOCKED"#)
      #expect(throws: MisuseError.self) { try locked.sql(.sqlite) }
    }

    @Test(arguments: SQLDialect.allCases)
    func skipLockedWithNoWaitIsAMisuseEverywhere(_ dialect: SQLDialect) {
      // PostgreSQL's grammar takes one of NOWAIT and SKIP LOCKED, not both.
      let error = #expect(throws: MisuseError.self) {
        try User.all.forUpdate(skipLocked: true, noWait: true).sql(dialect)
      }
      if dialect == .postgres { #expect(error?.message.contains("NOWAIT") == true) }
      #expect(throws: MisuseError.self) { try User.all.forShare(skipLocked: true, noWait: true).sql(dialect) }
    }

    @Test func theLastLockWins() throws {
      #expect(try User.all.forUpdate().forShare(noWait: true).sql(.postgres).text
              == #"SELECT \#(Columns.users) FROM "users" FOR SHARE NOWAIT"#)
    }

    @Test(arguments: SQLDialect.allCases)
    func aLockCarriesIntoAProjection(_ dialect: SQLDialect) throws {
      let ids = User.where { $0.age > 1 }.forUpdate().select { $0.id }
      switch dialect {
      case .postgres:
        try expectSQL(ids, dialect, postgres: #"SELECT "id" FROM "users" WHERE "age" > $1 FOR UPDATE"#, sqlite: "",
                      binds: [.int(1)])
      case .sqlite:
        #expect(throws: MisuseError.self) { try ids.sql(dialect) }
      }
    }

    @Test func runningALockedQueryOnSQLiteFailsBeforeSendingAnything() async {
      let db = ScriptedDatabase(.sqlite)
      let locked = User.where { $0.age > 1 }.forUpdate()
      await #expect(throws: MisuseError.self) { try await locked.fetchAll(db) }
      await #expect(throws: MisuseError.self) { try await locked.fetchOne(db) }
      await #expect(throws: MisuseError.self) { try await locked.count(db) }
      await #expect(throws: MisuseError.self) { try await locked.select { $0.id }.fetchAll(db) }
      #expect(db.statements.isEmpty)
    }

    @Test func runningALockedQueryOnPostgreSQLSendsTheLock() async throws {
      let db = ScriptedDatabase(.postgres)
      _ = try await User.where { $0.age > 1 }.limit(1).forUpdate(skipLocked: true).fetchOne(db)
      #expect(db.statements.map(\.text)
              == [#"SELECT \#(Columns.users) FROM "users" WHERE "age" > $1 LIMIT 1 FOR UPDATE SKIP LOCKED"#])
    }
  }
}
