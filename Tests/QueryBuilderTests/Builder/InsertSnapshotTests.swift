#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
@testable import QueryBuilder
import Testing

extension Shop {
  /// INSERT statements are built while running (`insert`, `upsert`, `insertAll`), so
  /// they are checked through a ``ScriptedDatabase``; `InsertStatement` itself for the
  /// shapes models do not reach.
  @Suite struct InsertSnapshotTests {
    /// Answers an `INSERT ... RETURNING` with one key per VALUES row: `keys[0]`, ....
    static func returning(_ keys: [Int64], width: Int) -> @Sendable (RenderedSQL) -> [Row] {
      { statement in
        guard statement.text.contains(" RETURNING ") else { return [] }
        // Array parameters (PostgreSQL's insertAll) carry one row per element.
        let rows = if case .array(let column)? = statement.binds.first { column.count } else { statement.binds.count / width }
        return keys.prefix(rows).map { row(.int($0)) }
      }
    }

    /// `$1, $2, ...` (or `?1, ...`) for binds `range`.
    static func placeholders(_ range: ClosedRange<Int>, _ dialect: SQLDialect) -> String {
      range.map { dialect.placeholder($0) }.joined(separator: ", ")
    }

    static let userInsertColumns = #""name", "email_address", "created_at", "age", "status", "handle", "team_id", "score""#

    // MARK: insert

    @Test(arguments: SQLDialect.allCases)
    func insertLeavesOutTheGeneratedKeyAndReturnsIt(_ dialect: SQLDialect) async throws {
      let db = ScriptedDatabase(dialect, respond: Self.returning([42], width: 8))
      var alice = Shop.alice()
      try await alice.insert(db)
      #expect(alice.id == 42)
      let expected = switch dialect {
      case .postgres: #"INSERT INTO "users" ("name", "email_address", "created_at", "age", "status", "handle", "team_id", "score") VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING "id""#
      case .sqlite: #"INSERT INTO "users" ("name", "email_address", "created_at", "age", "status", "handle", "team_id", "score") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING "id""#
      }
      #expect(db.statements == [RenderedSQL(text: expected, binds: Shop.aliceValues)])
    }

    @Test(arguments: SQLDialect.allCases)
    func insertWithAKeyAlreadySetSendsItAndReturnsNothing(_ dialect: SQLDialect) async throws {
      let db = ScriptedDatabase(dialect)
      var alice = Shop.alice(id: 5)
      try await alice.insert(db)
      #expect(alice.id == 5)
      let expected = switch dialect {
      case .postgres: #"INSERT INTO "users" ("id", "name", "email_address", "created_at", "age", "status", "handle", "team_id", "score") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"#
      case .sqlite: #"INSERT INTO "users" ("id", "name", "email_address", "created_at", "age", "status", "handle", "team_id", "score") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"#
      }
      #expect(db.statements == [RenderedSQL(text: expected, binds: [.int(5)] + Shop.aliceValues)])
    }

    @Test(arguments: SQLDialect.allCases)
    func nilsAreNullBinds(_ dialect: SQLDialect) async throws {
      let db = ScriptedDatabase(dialect, respond: Self.returning([1], width: 4))
      var order = Order(userID: 3, amount: 9.5, quantity: 2, note: nil)
      try await order.insert(db)
      let expected = switch dialect {
      case .postgres: #"INSERT INTO "orders" ("user_id", "amount", "quantity", "note") VALUES ($1, $2, $3, $4) RETURNING "id""#
      case .sqlite: #"INSERT INTO "orders" ("user_id", "amount", "quantity", "note") VALUES (?1, ?2, ?3, ?4) RETURNING "id""#
      }
      #expect(db.statements == [RenderedSQL(text: expected, binds: [.int(3), .double(9.5), .int(2), .null])])
    }

    @Test(arguments: SQLDialect.allCases)
    func everyColumnKindIsBoundAsItsValue(_ dialect: SQLDialect) async throws {
      let token = try #require(UUID(uuidString: "3F2504E0-4F89-41D3-9A0C-0305E82C3301"))
      let price = Decimal(sign: .plus, exponent: -2, significand: 1999)
      var tag = Tag(label: "l", small: 1, medium: 2, large: 3, count: 4, ratio: 0.5, weight: 1.25, enabled: true,
                    bytes: [0, 255], data: Data([7]), createdAt: Shop.created, token: token, price: price,
                    status: .banned, nickname: nil)
      let db = ScriptedDatabase(dialect, respond: Self.returning([9], width: 15))
      try await tag.insert(db)
      #expect(tag.id == 9)
      let columns = #""label", "small", "medium", "large", "count", "ratio", "weight", "enabled", "bytes", "data", "created_at", "token", "price", "status", "nickname""#
      let expected = #"INSERT INTO "tags" (\#(columns)) VALUES (\#(Self.placeholders(1...15, dialect))) RETURNING "id""#
      #expect(db.statements == [RenderedSQL(text: expected, binds: [
        .text("l"), .int(1), .int(2), .int(3), .int(4), .double(0.5), .double(1.25), .bool(true), .bytes([0, 255]),
        .bytes([7]), .timestamp(Shop.created), .uuid(token), .decimal(price), .text("banned"), .null,
      ])])
    }

    // MARK: upsert

    @Test(arguments: SQLDialect.allCases)
    func upsertOnAUniqueColumnUpdatesEveryOtherColumn(_ dialect: SQLDialect) async throws {
      let db = ScriptedDatabase(dialect, respond: Self.returning([8], width: 8))
      var alice = Shop.alice()
      try await alice.upsert(db, onConflict: \.handle)
      #expect(alice.id == 8)
      let expected = switch dialect {
      case .postgres: #"INSERT INTO "users" ("name", "email_address", "created_at", "age", "status", "handle", "team_id", "score") VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT ("handle") DO UPDATE SET "name" = excluded."name", "email_address" = excluded."email_address", "created_at" = excluded."created_at", "age" = excluded."age", "status" = excluded."status", "team_id" = excluded."team_id", "score" = excluded."score" RETURNING "id""#
      case .sqlite: #"INSERT INTO "users" ("name", "email_address", "created_at", "age", "status", "handle", "team_id", "score") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT ("handle") DO UPDATE SET "name" = excluded."name", "email_address" = excluded."email_address", "created_at" = excluded."created_at", "age" = excluded."age", "status" = excluded."status", "team_id" = excluded."team_id", "score" = excluded."score" RETURNING "id""#
      }
      #expect(db.statements == [RenderedSQL(text: expected, binds: Shop.aliceValues)])
    }

    @Test(arguments: SQLDialect.allCases)
    func upsertOnThePrimaryKey(_ dialect: SQLDialect) async throws {
      let db = ScriptedDatabase(dialect, respond: Self.returning([4], width: 2))
      var team = Team(id: 4, name: "core")
      try await team.upsert(db)
      let expected = switch dialect {
      case .postgres: #"INSERT INTO "teams" ("id", "name") VALUES ($1, $2) ON CONFLICT ("id") DO UPDATE SET "name" = excluded."name" RETURNING "id""#
      case .sqlite: #"INSERT INTO "teams" ("id", "name") VALUES (?1, ?2) ON CONFLICT ("id") DO UPDATE SET "name" = excluded."name" RETURNING "id""#
      }
      #expect(db.statements == [RenderedSQL(text: expected, binds: [.int(4), .text("core")])])
    }

    // MARK: insertAll

    @Test(arguments: SQLDialect.allCases)
    func insertAllIsOneMultiRowStatementWithKeysInOrder(_ dialect: SQLDialect) async throws {
      // Keys come back in any order; they are assigned ascending.
      let db = ScriptedDatabase(dialect, respond: Self.returning([11, 10], width: 1))
      let saved = try await Team.insertAll(db, [Team(name: "a"), Team(name: "b")])
      #expect(saved.map(\.id) == [10, 11])
      let expected = switch dialect {
      case .postgres: RenderedSQL(text: #"INSERT INTO "teams" ("name") SELECT * FROM unnest($1::text[]) RETURNING "id""#,
                                  binds: [.array([.text("a"), .text("b")])])
      case .sqlite: RenderedSQL(text: #"INSERT INTO "teams" ("name") VALUES (?1), (?2) RETURNING "id""#,
                                binds: [.text("a"), .text("b")])
      }
      #expect(db.statements == [expected])
    }

    @Test func insertAllOnPostgresSendsOneTypedArrayPerColumnWithNulls() async throws {
      let db = ScriptedDatabase(.postgres, respond: Self.returning([1, 2], width: 1))
      _ = try await Order.insertAll(db, [Order(userID: 1, amount: 2.5, quantity: 3, note: nil),
                                         Order(userID: 2, amount: 4, quantity: 5, note: "gift")])
      #expect(db.statements.map(\.text) == [
        #"INSERT INTO "orders" ("user_id", "amount", "quantity", "note") SELECT * FROM unnest($1::bigint[], $2::double precision[], $3::bigint[], $4::text[]) RETURNING "id""#,
      ])
      #expect(db.statements.map(\.binds) == [[.array([.int(1), .int(2)]), .array([.double(2.5), .double(4)]),
                                              .array([.int(3), .int(5)]), .array([.null, .text("gift")])]])
    }

    @Test(arguments: SQLDialect.allCases)
    func insertAllSendsKeyedModelsFirstThenTheOthers(_ dialect: SQLDialect) async throws {
      let db = ScriptedDatabase(dialect, respond: Self.returning([20, 21], width: 1))
      let saved = try await Team.insertAll(db, [Team(name: "new"), Team(id: 3, name: "kept"), Team(name: "newer")])
      #expect(saved.map(\.id) == [20, 3, 21])
      switch dialect {
      case .postgres:
        #expect(db.statements.map(\.text) == [
          #"INSERT INTO "teams" ("id", "name") SELECT * FROM unnest($1::bigint[], $2::text[])"#,
          #"INSERT INTO "teams" ("name") SELECT * FROM unnest($1::text[]) RETURNING "id""#,
        ])
        #expect(db.statements.map(\.binds) == [[.array([.int(3)]), .array([.text("kept")])],
                                                [.array([.text("new"), .text("newer")])]])
      case .sqlite:
        #expect(db.statements.map(\.text) == [#"INSERT INTO "teams" ("id", "name") VALUES (?1, ?2)"#,
                                                #"INSERT INTO "teams" ("name") VALUES (?1), (?2) RETURNING "id""#])
        #expect(db.statements.map(\.binds) == [[.int(3), .text("kept")], [.text("new"), .text("newer")]])
      }
    }

    @Test func insertAllOnSQLiteSplitsAtTheBindLimit() async throws {
      let count = SQLDialect.sqlite.maxBindCount + 1
      let db = ScriptedDatabase(.sqlite, respond: { statement in
        (0..<statement.binds.count).map { row(.int(Int64($0))) }
      })
      _ = try await Team.insertAll(db, (0..<count).map { Team(name: "t\($0)") })
      #expect(db.statements.map(\.binds.count) == [SQLDialect.sqlite.maxBindCount, 1])
    }

    @Test func insertAllOnPostgresSplitsIntoArraysOfTenThousandRows() async throws {
      let db = ScriptedDatabase(.postgres, respond: { statement in
        guard case .array(let names)? = statement.binds.first else { return [] }
        return names.indices.map { row(.int(Int64($0))) }
      })
      _ = try await Team.insertAll(db, (0..<20_001).map { Team(name: "t\($0)") })
      let rowsPerStatement = db.statements.map { statement -> Int in
        guard case .array(let names)? = statement.binds.first else { return 0 }
        return names.count
      }
      #expect(rowsPerStatement == [10_000, 10_000, 1])
    }

    // MARK: InsertStatement shapes no model method reaches yet

    @Test(arguments: SQLDialect.allCases)
    func defaultValuesDoNothingAndEmptyDoUpdate(_ dialect: SQLDialect) throws {
      try expectSQL({ InsertStatement(table: "teams", columns: [], rows: [[]], returning: ["id"]).sql.render($0) }, dialect,
                    postgres: #"INSERT INTO "teams" DEFAULT VALUES RETURNING "id""#,
                    sqlite: #"INSERT INTO "teams" DEFAULT VALUES RETURNING "id""#)
      let doNothing = InsertStatement(table: "teams", columns: ["name"], rows: [[.text("a")]],
                                      conflict: .doNothing(target: ["name"]))
      try expectSQL({ doNothing.sql.render($0) }, dialect,
                    postgres: #"INSERT INTO "teams" ("name") VALUES ($1) ON CONFLICT ("name") DO NOTHING"#,
                    sqlite: #"INSERT INTO "teams" ("name") VALUES (?1) ON CONFLICT ("name") DO NOTHING"#,
                    binds: [.text("a")])
      // Nothing left to update once the target is excluded: DO NOTHING, not an empty SET.
      let nothingToUpdate = InsertStatement(table: "teams", columns: ["id"], rows: [[.int(1)]],
                                            conflict: .doUpdate(target: ["id"], columns: []))
      try expectSQL({ nothingToUpdate.sql.render($0) }, dialect,
                    postgres: #"INSERT INTO "teams" ("id") VALUES ($1) ON CONFLICT ("id") DO NOTHING"#,
                    sqlite: #"INSERT INTO "teams" ("id") VALUES (?1) ON CONFLICT ("id") DO NOTHING"#,
                    binds: [.int(1)])
    }
  }
}
