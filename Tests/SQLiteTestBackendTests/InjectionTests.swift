import Model
import QueryBuilder
import SQLiteTestBackend
import Testing

/// SQL smuggled in through values or identifiers stays data: it is stored and read
/// back as written, and nothing else in the database changes.
@Suite struct InjectionTests {
  static let attacks = [
    "'); DROP TABLE users; --",
    "x' OR '1'='1",
    "\"; DROP TABLE users; --",
    "1; DELETE FROM users",
    "?1",
    "?2 ?3 :name @name $name",
    "a\u{0}'); DROP TABLE users; --",
    "*/ DROP TABLE users; /*",
    "\\'; DROP TABLE users; --",
  ]

  private func tableNames(_ db: SQLiteDatabase) async throws -> [String] {
    try await db.fetchAll("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
      .map { try $0.decode(String.self, at: 0) }
  }

  @Test(arguments: attacks)
  func injectionThroughAValueIsStoredVerbatim(attack: String) async throws {
    let db = try await makeUsersDatabase()
    try await db.execute("INSERT INTO users(name, email) VALUES (\(attack), \("e"))")
    let names = try await db.fetchAll("SELECT name FROM users").map { try $0.decode(String.self, at: 0) }
    #expect(names == [attack])
    #expect(try await tableNames(db) == ["users"])
  }

  @Test(arguments: attacks)
  func injectionThroughAWhereValueMatchesNothing(attack: String) async throws {
    let db = try await makeUsersDatabase()
    try await db.execute("INSERT INTO users(name, email) VALUES ('alice', 'a')")
    let rows = try await db.fetchAll("SELECT * FROM users WHERE name = \(attack)")
    #expect(rows.isEmpty)
    let changed = try await db.execute("DELETE FROM users WHERE email = \(attack)")
    #expect(changed == 0)
    let count: Int? = try await db.fetchValue("SELECT count(*) FROM users")
    #expect(count == 1)
  }

  @Test(arguments: attacks.filter { !$0.contains("\u{0}") })
  func injectionThroughAnIdentifierNamesAnOddTable(attack: String) async throws {
    let db = try await makeUsersDatabase()
    try await db.execute("CREATE TABLE \(identifier: attack) (\(identifier: attack) TEXT)")
    try await db.execute("INSERT INTO \(identifier: attack) (\(identifier: attack)) VALUES (\(attack))")
    let value: String? = try await db.fetchValue("SELECT \(identifier: attack) FROM \(identifier: attack)")
    #expect(value == attack)
    #expect(try await tableNames(db).sorted() == [attack, "users"].sorted())
  }

  @Test func identifierWithNULIsRejectedBeforeRunning() async throws {
    let db = try await makeUsersDatabase()
    await #expect(throws: MisuseError.self) {
      try await db.execute("DROP TABLE \(identifier: "users\u{0}; DROP TABLE x")")
    }
    #expect(try await tableNames(db) == ["users"])
  }

  @Test func placeholderLookalikeInABoundValueDoesNotShiftOtherBinds() async throws {
    let db = try SQLiteDatabase.inMemory()
    let row = try #require(try await db.fetchOne("SELECT \("?2"), \("second")"))
    #expect(Array(row.values) == [.text("?2"), .text("second")])
  }
}
