import Model
import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// DDL and the Migrator on PostgreSQL: each test in a schema of its own.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason), .timeLimit(.minutes(1)))
struct PostgresSchemaTests {
  @Test func defaultsAreFilledIn() async throws {
    try await PostgresTestServer.withSchema("wren_schema_defaults") { try await SchemaScenarios.defaultsAreFilledIn($0) }
  }

  @Test func constraintsAreEnforced() async throws {
    try await PostgresTestServer.withSchema("wren_schema_constraints") { try await SchemaScenarios.constraintsAreEnforced($0) }
  }

  @Test func keysAndUniqueIndexes() async throws {
    try await PostgresTestServer.withSchema("wren_schema_keys") { try await SchemaScenarios.keysAndUniqueIndexes($0) }
  }

  @Test func indexesAreCreated() async throws {
    try await PostgresTestServer.withSchema("wren_schema_indexes") { try await SchemaScenarios.indexesAreCreated($0) }
  }

  @Test func ifNotExistsAndIfExists() async throws {
    try await PostgresTestServer.withSchema("wren_schema_if_exists") { try await SchemaScenarios.ifNotExistsAndIfExists($0) }
  }

  /// Without CASCADE a referenced table stays; with it, the table goes and the
  /// referencing table loses its foreign key (not its rows).
  @Test func dropCascade() async throws {
    try await PostgresTestServer.withSchema("wren_schema_cascade") { db in
      try await db.create(table: SchemaFixtures.users)
      try await db.create(table: SchemaFixtures.posts)
      let refused = await databaseError { try await db.drop(table: "users") }
      #expect(refused?.sqlState == "2BP01")  // dependent_objects_still_exist
      try await db.drop(table: "users", cascade: true)
      #expect(try await tableNames(db) == ["posts"])
      try await db.execute("INSERT INTO posts (author_id) VALUES (999)")
    }
  }

  @Test func migratorAppliesInOrderOnce() async throws {
    try await PostgresTestServer.withSchema("wren_schema_migrator_order") { try await MigratorScenarios.appliesInOrderOnce($0) }
  }

  @Test func migratorFailureLeavesNothingBehind() async throws {
    try await PostgresTestServer.withSchema("wren_schema_migrator_failure") {
      try await MigratorScenarios.failureLeavesNothingBehind($0)
    }
  }

  /// Two migrators started together on two connections both finish, and each
  /// migration runs exactly once: the first would fail if run twice (CREATE TABLE
  /// without IF NOT EXISTS), and its pg_sleep keeps the race open.
  @Test func concurrentMigratorsAreSerialised() async throws {
    let schema = "wren_schema_migrator_race"
    try await PostgresTestServer.withSchema(schema) { first in
      let second = try await PostgresTestServer.connect(searchPath: schema)
      var migrator = Migrator()
      migrator.register("001-create-race") { db in
        try await db.execute("CREATE TABLE race (n int)")
        try await db.execute("SELECT pg_sleep(0.3)")
      }
      migrator.register("002-fill-race") { db in try await db.execute("INSERT INTO race (n) VALUES (1)") }
      let ids = migrator.migrationIDs
      let result: Result<Void, any Error>
      do {
        async let one = migrator.migrate(first)
        async let other = migrator.migrate(second)
        let outcomes = try await [one, other]
        #expect(outcomes.contains(ids) && outcomes.contains([]))
        #expect(try await first.fetchValue("SELECT count(*) FROM race", as: Int64.self) == 1)
        #expect(try await migrator.appliedMigrations(second) == ids)
        for db in [first, second] {
          #expect(try await db.fetchValue(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()", as: Int64.self) == 0)
        }
        result = .success(())
      } catch {
        result = .failure(error)
      }
      await second.close()
      try result.get()
    }
  }
}
