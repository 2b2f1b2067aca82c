#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QueryBuilder
import Testing

/// Constraint violations name the model and its properties, with the same code and
/// SQLSTATE on both backends: each backend's error must give the one expected report.
@Suite
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

  /// The DatabaseError `body` throws on a fresh database of `backend` with the tables
  /// (recorded as an issue when it throws none, or something else).
  private func violation(_ backend: Backend, _ test: String,
                         _ body: @escaping (any Database) async throws -> Void) async throws -> DatabaseError? {
    try await withTables(backend, test) { db in
      await #expect(throws: DatabaseError.self) { try await body(db) }
    }
  }

  /// The backend reported `expected` (the same report is expected of both).
  private func expectReport(_ error: DatabaseError?, _ expected: ViolationReport,
                            sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(error.map(ViolationReport.init) == expected, sourceLocation: sourceLocation)
  }

  @Test(arguments: Backend.available)
  func insertingADuplicateUniqueValueNamesTheProperty(_ backend: Backend) async throws {
    let error = try await violation(backend, "unique_insert") { db in
      var first = Self.user(1, email: "same@example.com")
      try await first.insert(db)
      var second = Self.user(2, email: "same@example.com")
      try await second.insert(db)
    }
    expectReport(error, ViolationReport(code: .uniqueViolation, modelName: "User", modelFields: ["email"]))
  }

  @Test(arguments: Backend.available)
  func updatingToADuplicateUniqueValueNamesTheProperty(_ backend: Backend) async throws {
    let error = try await violation(backend, "unique_update") { db in
      try await User.insertAll(db, [Self.user(1), Self.user(2)])
      var second = try #require(try await User.where { $0.email == "u2@example.com" }.fetchOne(db))
      second.email = "u1@example.com"
      try await second.update(db)
    }
    expectReport(error, ViolationReport(code: .uniqueViolation, modelName: "User", modelFields: ["email"]))
  }

  @Test(arguments: Backend.available)
  func insertAllWithADuplicateNamesTheProperty(_ backend: Backend) async throws {
    let error = try await violation(backend, "unique_insert_all") { db in
      try await User.insertAll(db, [Self.user(1), Self.user(2, email: "u1@example.com")])
    }
    expectReport(error, ViolationReport(code: .uniqueViolation, modelName: "User", modelFields: ["email"]))
  }

  @Test(arguments: Backend.available)
  func aDuplicatePrimaryKeyNamesTheKey(_ backend: Backend) async throws {
    let error = try await violation(backend, "unique_key") { db in
      var first = Self.user(1)
      try await first.insert(db)
      var second = Self.user(2)
      second.id = first.id
      try await second.insert(db)
    }
    expectReport(error, ViolationReport(code: .uniqueViolation, modelName: "User", modelFields: ["id"]))
  }

  @Test(arguments: Backend.available)
  func rawSQLInsertingNULLIntoANotNullColumnNamesTheColumn(_ backend: Backend) async throws {
    let error = try await violation(backend, "not_null_raw") { db in
      try await db.execute("""
        INSERT INTO users (name, email_address, joined_at, score, token)
        VALUES (NULL, \("x@example.com"), \(Dates.y2000), \(1.5), \(Everything.uuid(1)))
        """)
    }
    expectReport(error, ViolationReport(code: .notNullViolation, modelName: nil, modelFields: []))
    #expect(error?.table == "users")
    #expect(error?.column == "name")
  }

  @Test(arguments: Backend.available)
  func aModelWritingNULLIntoANotNullColumnNamesTheProperty(_ backend: Backend) async throws {
    let error = try await violation(backend, "not_null_model") { db in
      var draft = UserDraft(name: nil, email: "x@example.com", joinedAt: Dates.y2000, score: 1.5, token: Everything.uuid(1))
      try await draft.insert(db)
    }
    expectReport(error, ViolationReport(code: .notNullViolation, modelName: "UserDraft", modelFields: ["name"]))
  }

  @Test(arguments: Backend.available)
  func anOrderOfAMissingUserNamesTheForeignKeyProperty(_ backend: Backend) async throws {
    let error = try await violation(backend, "fk_insert") { db in
      var order = Order(userID: 9_999, tagID: nil, amount: 1, quantity: 1, weight: nil, rate: 0, placedAt: Dates.y2000,
                        note: nil, shipped: false)
      try await order.insert(db)
    }
    expectReport(error, ViolationReport(code: .foreignKeyViolation, modelName: "Order", modelFields: ["userID"]))
  }

  @Test(arguments: Backend.available)
  func anOrderOfAMissingTagNamesTheOtherForeignKeyProperty(_ backend: Backend) async throws {
    let error = try await violation(backend, "fk_update") { db in
      var user = Self.user(1)
      try await user.insert(db)
      var order = Order(userID: try #require(user.id), tagID: nil, amount: 1, quantity: 1, weight: nil, rate: 0,
                        placedAt: Dates.y2000, note: nil, shipped: false)
      try await order.insert(db)
      order.tagID = 4_242
      try await order.update(db)
    }
    expectReport(error, ViolationReport(code: .foreignKeyViolation, modelName: "Order", modelFields: ["tagID"]))
  }

  @Test(arguments: Backend.available)
  func deletingAReferencedRowIsAForeignKeyViolationNamingItsModel(_ backend: Backend) async throws {
    let error = try await violation(backend, "fk_delete") { db in
      var team = Team(name: "Red", region: nil, budget: 0)
      try await team.insert(db)
      var user = Self.user(1)
      user.teamID = team.id
      try await user.insert(db)
      try await team.delete(db)  // users.team_id references it with NO ACTION
    }
    #expect(error?.code == .foreignKeyViolation)
    #expect(error?.modelName == "Team")
  }
}
