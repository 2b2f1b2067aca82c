import Model
import QueryBuilder
import Testing

extension Shop {
  /// A subquery is rendered with the statement that holds it, for that statement's
  /// dialect: what the dialect cannot express in it throws from the outer statement's
  /// `sql(_:)` and fetches, never `IN (SELECT NULL)`, a dropped lock, or SQL the
  /// database rejects.
  @Suite struct SubqueryRenderingTests {
    /// User ids whose orders are over 100, their rows locked (a queue's claim).
    static let lockedBuyers = Order.where { $0.amount > 100 }.forUpdate(skipLocked: true).select { $0.userID }

    // MARK: x IN (subquery)

    @Test(arguments: SQLDialect.allCases)
    func aLockingSubqueryIsRenderedForTheOuterStatementsDialect(_ dialect: SQLDialect) throws {
      let query = User.where { $0.id.in(Self.lockedBuyers) }
      switch dialect {
      case .postgres:
        try expectSQL(query, dialect,
                      postgres: #"SELECT \#(Columns.qualifiedUsers) FROM "users" WHERE "users"."id" IN (SELECT "orders"."user_id" FROM "orders" WHERE "orders"."amount" > $1 FOR UPDATE SKIP LOCKED)"#,
                      sqlite: "", binds: [.double(100)])
      case .sqlite:
        // Rendered for PostgreSQL whatever the outer dialect, the lock used to reach
        // SQLite as text it cannot parse.
        let error = #expect(throws: MisuseError.self) { try query.sql(dialect) }
        #expect(error?.message.contains("PostgreSQL-only") == true)
      }
    }

    @Test(arguments: SQLDialect.allCases)
    func aSubqueryLockNoDialectCanExpressIsAnErrorNotSelectNull(_ dialect: SQLDialect) {
      let impossible = Order.all.forUpdate(skipLocked: true, noWait: true).select { $0.userID }
      let query = User.where { $0.age > 1 && $0.id.in(impossible) }
      let error = #expect(throws: MisuseError.self) { try query.sql(dialect) }
      if dialect == .postgres { #expect(error?.message.contains("NOWAIT") == true) }
      #expect(throws: MisuseError.self) { try query.select { $0.name }.sql(dialect) }
    }

    @Test(arguments: SQLDialect.allCases)
    func aLockingSubqueryInAJoinOrAProjectionIsRenderedForItsDialect(_ dialect: SQLDialect) throws {
      let join = User.join(Team.self) { u, t in u.teamID == t.id }.where { u, _ in u.id.in(Self.lockedBuyers) }
      let leftJoin = User.leftJoin(Team.self) { u, t in u.teamID == t.id }.where { u, _ in u.id.in(Self.lockedBuyers) }
      let projection = User.select { $0.name }.where { $0.id.in(Self.lockedBuyers) }
      switch dialect {
      case .postgres:
        #expect(try join.sql(dialect).text.hasSuffix(#"FOR UPDATE SKIP LOCKED)"#))
        #expect(try join.select { _, t in t.name }.sql(dialect).text.hasSuffix(#"FOR UPDATE SKIP LOCKED)"#))
        #expect(try leftJoin.sql(dialect).text.hasSuffix(#"FOR UPDATE SKIP LOCKED)"#))
        #expect(try projection.sql(dialect).text.hasSuffix(#"FOR UPDATE SKIP LOCKED)"#))
      case .sqlite:
        #expect(throws: MisuseError.self) { try join.sql(dialect) }
        #expect(throws: MisuseError.self) { try join.select { _, t in t.name }.sql(dialect) }
        #expect(throws: MisuseError.self) { try leftJoin.sql(dialect) }
        #expect(throws: MisuseError.self) { try projection.sql(dialect) }
      }
    }

    /// The queue pattern: claim rows nobody else holds, in one UPDATE.
    @Test(arguments: SQLDialect.allCases)
    func updateAndDeleteRenderTheirSubqueryForTheirDialect(_ dialect: SQLDialect) throws {
      let next = Order.where { $0.quantity > 0 }.order { $0.id.asc() }.limit(10).forUpdate(skipLocked: true)
        .select { $0.id }
      let claimed = Order.aliased("claimed").where { $0.id.in(next) }
      switch dialect {
      case .postgres:
        try expectSQL({ try claimed.updateSQL($0) { $0.quantity = 0 } }, dialect,
                      postgres: #"UPDATE "orders" AS "claimed" SET "quantity" = $1 WHERE "claimed"."id" IN (SELECT "orders"."id" FROM "orders" WHERE "orders"."quantity" > $2 ORDER BY "orders"."id" ASC LIMIT 10 FOR UPDATE SKIP LOCKED)"#,
                      sqlite: "", binds: [.int(0), .int(0)])
        try expectSQL({ try claimed.deleteSQL($0) }, dialect,
                      postgres: #"DELETE FROM "orders" AS "claimed" WHERE "claimed"."id" IN (SELECT "orders"."id" FROM "orders" WHERE "orders"."quantity" > $1 ORDER BY "orders"."id" ASC LIMIT 10 FOR UPDATE SKIP LOCKED)"#,
                      sqlite: "", binds: [.int(0)])
      case .sqlite:
        #expect(throws: MisuseError.self) { try claimed.updateSQL(dialect) { $0.quantity = 0 } }
        #expect(throws: MisuseError.self) { try claimed.deleteSQL(dialect) }
      }
    }

    @Test func everyStatementWithARefusedSubqueryThrowsBeforeSendingAnything() async {
      let db = ScriptedDatabase(.sqlite, respond: { _ in [row(.int(1))] })
      let query = User.where { $0.id.in(Self.lockedBuyers) }
      await #expect(throws: MisuseError.self) { try await query.fetchAll(db) }
      await #expect(throws: MisuseError.self) { try await query.fetchOne(db) }
      await #expect(throws: MisuseError.self) { try await query.count(db) }
      await #expect(throws: MisuseError.self) { try await query.limit(3).count(db) }
      await #expect(throws: MisuseError.self) { try await query.exists(db) }
      await #expect(throws: MisuseError.self) { try await query.select { $0.name }.fetchAll(db) }
      await #expect(throws: MisuseError.self) { try await query.update(db) { $0.age = nil } }
      await #expect(throws: MisuseError.self) { try await query.delete(db) }
      await #expect(throws: MisuseError.self) {
        try await User.join(Team.self) { u, t in u.teamID == t.id }.where { u, _ in u.id.in(Self.lockedBuyers) }
          .fetchAll(db)
      }
      #expect(db.statements.isEmpty)
    }

    // MARK: EXISTS (subquery)

    @Test(arguments: SQLDialect.allCases)
    func existsOfALockingQueryIsRefusedOnEveryDialect(_ dialect: SQLDialect) {
      // The lock used to be dropped without a word.
      let query = User.where { u in Order.where { $0.userID == u.id }.forUpdate().existsExpression }
      let error = #expect(throws: MisuseError.self) { try query.sql(dialect) }
      #expect(error?.message.hasPrefix("exists of a query with forUpdate/forShare") == true)
      #expect(throws: MisuseError.self) { try query.deleteSQL(dialect) }
    }

    @Test(arguments: SQLDialect.allCases)
    func existsOfALockingQueryThrowsBeforeSendingAnything(_ dialect: SQLDialect) async {
      let db = ScriptedDatabase(dialect, respond: { _ in [row(.bool(true))] })
      let error = await #expect(throws: MisuseError.self) { try await User.all.forUpdate(skipLocked: true).exists(db) }
      #expect(error?.message.hasPrefix("exists of a query with forUpdate/forShare") == true)
      #expect(db.statements.isEmpty)
    }

    // MARK: Hand-written SQL around a builder expression

    /// `u.id IN (SELECT ... FOR UPDATE SKIP LOCKED)` taken out of the builder.
    static let lockedCondition = User.Columns(table: "users").id.in(lockedBuyers)

    @Test(arguments: SQLDialect.allCases)
    func handWrittenSQLAroundARefusedSubqueryFailsValidation(_ dialect: SQLDialect) async throws {
      let sql: SQL = "SELECT \(identifier: "name") FROM \(identifier: "users") WHERE \(Self.lockedCondition)"
      let rendered = sql.render(dialect)
      #expect(rendered.text.hasSuffix(#"WHERE "users"."id" IN (SELECT "orders"."user_id" FROM "orders" WHERE "orders"."amount" > \#(dialect.placeholder(1)) FOR UPDATE SKIP LOCKED)"#))
      let db = ScriptedDatabase(dialect)
      switch dialect {
      case .postgres:
        #expect(rendered.renderingError == nil)
        try rendered.validate(for: dialect)
        _ = try await db.fetchAll(sql)
        #expect(db.statements.count == 1)
      case .sqlite:
        #expect(rendered.renderingError?.message.contains("PostgreSQL-only") == true)
        #expect(throws: MisuseError.self) { try rendered.validate(for: dialect) }
        await #expect(throws: MisuseError.self) { try await db.fetchAll(sql) }
        #expect(db.statements.isEmpty)
      }
    }

    @Test func aRefusalIsPartOfTheStatementsValue() throws {
      let sql = Self.lockedCondition.sql
      // The same pieces without the refusal render differently: they are another statement.
      let bare = SQL(segments: sql.segments)
      #expect(bare != sql)
      #expect(Set([bare, sql]).count == 2)
      #expect(bare.render(.sqlite).text == sql.render(.sqlite).text)
      #expect(bare.render(.sqlite).renderingError == nil)
      // It survives whatever the statement is built into.
      let built: [SQL] = [
        try sql.resolvingColumns(),
        "SELECT 1 WHERE \(sql)",
        "SELECT 1 WHERE " + sql,
        SQL.joined(["1 = 1", sql], separator: " AND "),
        SQLExpression<Bool>.sql("NOT (\(sql))").sql,
      ]
      for statement in built {
        #expect(throws: MisuseError.self) { try statement.render(.sqlite).validate(for: .sqlite) }
        try statement.render(.postgres).validate(for: .postgres)
      }
    }

    @Test func executeManyKeepsTheRefusal() throws {
      let impossible = Order.all.forUpdate(skipLocked: true, noWait: true).select { $0.userID }
      let noDialect = User.Columns(table: "users").id.in(impossible)
      #expect(throws: MisuseError.self) { try BatchStatement("DELETE FROM users WHERE age = $1 AND \(noDialect)") }

      let locked = Order.all.forUpdate().select { $0.userID }
      let sqliteOnly = User.Columns(table: "users").id.in(locked)
      let batch = try BatchStatement("DELETE FROM users WHERE age = $1 AND \(sqliteOnly)")
      #expect(batch.postgresText.hasSuffix(#"IN (SELECT "orders"."user_id" FROM "orders" FOR UPDATE)"#))
      let statement = batch.sql(binding: [.int(1)])
      try statement.render(.postgres).validate(for: .postgres)
      #expect(throws: MisuseError.self) { try statement.render(.sqlite).validate(for: .sqlite) }
    }
  }
}
