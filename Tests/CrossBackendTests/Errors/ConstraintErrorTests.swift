#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QueryBuilder
import PostgresTestSupport
import Testing

/// Constraint violations name the model and its properties, with the same code and
/// SQLSTATE on both backends.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason))
struct ConstraintErrorTests {
  static func user(_ n: Int, email: String? = nil) -> User {
    User(name: "user \(n)", email: email ?? "u\(n)@example.com", age: n, joinedAt: Dates.y2000, score: Double(n),
         balance: nil, token: Everything.uuid(n), teamID: nil, nickname: nil)
  }

  /// A fresh database of `backend` with the seeded schema's tables, still empty.
  private func withTables<T: Sendable>(_ backend: Backend, _ test: String,
                                       _ body: (any Database) async throws -> T) async throws -> T {
    try await withDatabase(backend, name: "errors_\(test)") { db in
      try await db.create(Team.self)
      try await db.create(Tag.self)
      try await db.create(User.self)
      try await db.create(Order.self)
      return try await body(db)
    }
  }

  /// Runs `body` on each backend and returns the DatabaseError each threw.
  private func violations(_ test: String, _ body: @escaping (any Database) async throws -> Void) async throws
    -> [Backend: DatabaseError] {
    var errors: [Backend: DatabaseError] = [:]
    for backend in Backend.allCases {
      try await withTables(backend, test) { db in
        let error = await #expect(throws: DatabaseError.self, "\(backend)") { try await body(db) }
        errors[backend] = error
      }
    }
    return errors
  }

  /// Both backends reported `expected`.
  private func expectBoth(_ errors: [Backend: DatabaseError], _ expected: ViolationReport,
                          sourceLocation: SourceLocation = #_sourceLocation) {
    let sqlite = errors[.sqlite].map(ViolationReport.init)
    let postgres = errors[.postgres].map(ViolationReport.init)
    #expect(sqlite == expected, "SQLite", sourceLocation: sourceLocation)
    #expect(postgres == expected, "PostgreSQL", sourceLocation: sourceLocation)
  }

  @Test func insertingADuplicateUniqueValueNamesTheProperty() async throws {
    let errors = try await violations("unique_insert") { db in
      var first = Self.user(1, email: "same@example.com")
      try await first.insert(db)
      var second = Self.user(2, email: "same@example.com")
      try await second.insert(db)
    }
    expectBoth(errors, ViolationReport(code: .uniqueViolation, modelName: "User", modelFields: ["email"]))
  }

  @Test func updatingToADuplicateUniqueValueNamesTheProperty() async throws {
    let errors = try await violations("unique_update") { db in
      try await User.insertAll(db, [Self.user(1), Self.user(2)])
      var second = try #require(try await User.where { $0.email == "u2@example.com" }.fetchOne(db))
      second.email = "u1@example.com"
      try await second.update(db)
    }
    expectBoth(errors, ViolationReport(code: .uniqueViolation, modelName: "User", modelFields: ["email"]))
  }

  @Test func insertAllWithADuplicateNamesTheProperty() async throws {
    let errors = try await violations("unique_insert_all") { db in
      try await User.insertAll(db, [Self.user(1), Self.user(2, email: "u1@example.com")])
    }
    expectBoth(errors, ViolationReport(code: .uniqueViolation, modelName: "User", modelFields: ["email"]))
  }

  @Test func aDuplicatePrimaryKeyNamesTheKey() async throws {
    let errors = try await violations("unique_key") { db in
      var first = Self.user(1)
      try await first.insert(db)
      var second = Self.user(2)
      second.id = first.id
      try await second.insert(db)
    }
    expectBoth(errors, ViolationReport(code: .uniqueViolation, modelName: "User", modelFields: ["id"]))
  }

  @Test func rawSQLInsertingNULLIntoANotNullColumnNamesTheColumn() async throws {
    let errors = try await violations("not_null_raw") { db in
      try await db.execute("""
        INSERT INTO users (name, email_address, joined_at, score, token)
        VALUES (NULL, \("x@example.com"), \(Dates.y2000), \(1.5), \(Everything.uuid(1)))
        """)
    }
    expectBoth(errors, ViolationReport(code: .notNullViolation, modelName: nil, modelFields: []))
    for (backend, error) in errors {
      #expect(error.table == "users", "\(backend)")
      #expect(error.column == "name", "\(backend)")
    }
  }

  @Test func aModelWritingNULLIntoANotNullColumnNamesTheProperty() async throws {
    let errors = try await violations("not_null_model") { db in
      var draft = UserDraft(name: nil, email: "x@example.com", joinedAt: Dates.y2000, score: 1.5, token: Everything.uuid(1))
      try await draft.insert(db)
    }
    expectBoth(errors, ViolationReport(code: .notNullViolation, modelName: "UserDraft", modelFields: ["name"]))
  }

  @Test func anOrderOfAMissingUserNamesTheForeignKeyProperty() async throws {
    let errors = try await violations("fk_insert") { db in
      var order = Order(userID: 9_999, tagID: nil, amount: 1, quantity: 1, weight: nil, rate: 0, placedAt: Dates.y2000,
                        note: nil, shipped: false)
      try await order.insert(db)
    }
    expectBoth(errors, ViolationReport(code: .foreignKeyViolation, modelName: "Order", modelFields: ["userID"]))
  }

  @Test func anOrderOfAMissingTagNamesTheOtherForeignKeyProperty() async throws {
    let errors = try await violations("fk_update") { db in
      var user = Self.user(1)
      try await user.insert(db)
      var order = Order(userID: try #require(user.id), tagID: nil, amount: 1, quantity: 1, weight: nil, rate: 0,
                        placedAt: Dates.y2000, note: nil, shipped: false)
      try await order.insert(db)
      order.tagID = 4_242
      try await order.update(db)
    }
    expectBoth(errors, ViolationReport(code: .foreignKeyViolation, modelName: "Order", modelFields: ["tagID"]))
  }

  @Test func deletingAReferencedRowIsAForeignKeyViolationOnBoth() async throws {
    let errors = try await violations("fk_delete") { db in
      var team = Team(name: "Red", region: nil, budget: 0)
      try await team.insert(db)
      var user = Self.user(1)
      user.teamID = team.id
      try await user.insert(db)
      try await team.delete(db)  // users.team_id references it with NO ACTION
    }
    let codes = errors.mapValues(\.code)
    #expect(codes == [.sqlite: .foreignKeyViolation, .postgres: .foreignKeyViolation])
    #expect(errors.mapValues(\.modelName) == [.sqlite: "Team", .postgres: "Team"])
  }
}
