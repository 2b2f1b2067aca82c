import Model
import QueryBuilder
import SQLiteTestBackend
import Testing

/// DDL and the Migrator on SQLite, in memory: each test its own database.
@Suite struct SQLiteSchemaTests {
  @Test func defaultsAreFilledIn() async throws {
    try await SchemaScenarios.defaultsAreFilledIn(try SQLiteDatabase.inMemory())
  }

  @Test func constraintsAreEnforced() async throws {
    try await SchemaScenarios.constraintsAreEnforced(try SQLiteDatabase.inMemory())
  }

  @Test func keysAndUniqueIndexes() async throws {
    try await SchemaScenarios.keysAndUniqueIndexes(try SQLiteDatabase.inMemory())
  }

  @Test func indexesAreCreated() async throws {
    try await SchemaScenarios.indexesAreCreated(try SQLiteDatabase.inMemory())
  }

  @Test func ifNotExistsAndIfExists() async throws {
    try await SchemaScenarios.ifNotExistsAndIfExists(try SQLiteDatabase.inMemory())
  }

  /// SQLite has no CASCADE: asking is a MisuseError and nothing is dropped.
  @Test func dropCascadeIsRefused() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.create(table: SchemaFixtures.users)
    await #expect(throws: MisuseError.self) { try await db.drop(table: "users", cascade: true) }
    #expect(try await tableNames(db) == ["users"])
  }

  @Test func migratorAppliesInOrderOnce() async throws {
    try await MigratorScenarios.appliesInOrderOnce(try SQLiteDatabase.inMemory())
  }

  @Test func migratorFailureLeavesNothingBehind() async throws {
    try await MigratorScenarios.failureLeavesNothingBehind(try SQLiteDatabase.inMemory())
  }
}
