#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import QueryBuilder
import Testing

/// The Migrator's SQL transcript, on a scripted database: what runs, in which order,
/// and what is cleaned up when a migration fails.
@Suite struct MigratorTests {
  /// The statements both dialects run before the first migration.
  private func preamble(_ dialect: SQLDialect, tableExists: Bool = false) -> [String] {
    let create: [String] = switch dialect {
    case .postgres: [#"CREATE TABLE IF NOT EXISTS "wren_migrations" ("id" text PRIMARY KEY, "applied_at" timestamptz NOT NULL)"#]
    case .sqlite: [#"CREATE TABLE IF NOT EXISTS "wren_migrations" ("id" TEXT NOT NULL PRIMARY KEY, "applied_at" TEXT NOT NULL)"#]
    }
    let exists = switch dialect {
    case .postgres: "SELECT to_regclass($1) IS NOT NULL"
    case .sqlite: "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1"
    }
    return lock(dialect) + [exists] + (tableExists ? [] : create)
      + [#"SELECT "id" FROM "wren_migrations" ORDER BY "applied_at", "id""#]
  }

  private func lock(_ dialect: SQLDialect) -> [String] {
    switch dialect {
    case .postgres: ["SELECT pg_advisory_lock($1)"]
    case .sqlite: []
    }
  }

  private func unlock(_ dialect: SQLDialect) -> [String] {
    switch dialect {
    case .postgres: ["SELECT pg_advisory_unlock($1)"]
    case .sqlite: []
    }
  }

  private func record(_ dialect: SQLDialect) -> String {
    switch dialect {
    case .postgres: #"INSERT INTO "wren_migrations" ("id", "applied_at") VALUES ($1, $2)"#
    case .sqlite: #"INSERT INTO "wren_migrations" ("id", "applied_at") VALUES (?1, ?2)"#
    }
  }

  private func threeMigrations() -> Migrator {
    var migrator = Migrator()
    migrator.register("001-a") { db in try await db.execute("CREATE TABLE a (x int)") }
    migrator.register("002-b") { db in
      try await db.execute("CREATE TABLE b (x int)")
      try await db.execute("CREATE TABLEX oops")
    }
    migrator.register("003-c") { db in try await db.execute("CREATE TABLE c (x int)") }
    return migrator
  }

  /// How a migration's transaction begins: SQLite takes the write lock up front.
  func begin(_ dialect: SQLDialect) -> String {
    switch dialect {
    case .postgres: "BEGIN"
    case .sqlite: "BEGIN IMMEDIATE"
    }
  }

  @Test(arguments: SQLDialect.allCases)
  func eachMigrationInItsOwnTransactionWithItsRecord(_ dialect: SQLDialect) async throws {
    let db = ScriptedMigrationDatabase(dialect)
    var migrator = Migrator()
    migrator.register("001-a") { db in try await db.execute("CREATE TABLE a (x int)") }
    migrator.register("002-b") { db in try await db.execute("CREATE TABLE b (x int)") }
    #expect(migrator.migrationIDs == ["001-a", "002-b"])

    #expect(try await migrator.migrate(db) == ["001-a", "002-b"])
    #expect(db.transcript == preamble(dialect) + [
      begin(dialect), "CREATE TABLE a (x int)", record(dialect), "COMMIT",
      begin(dialect), "CREATE TABLE b (x int)", record(dialect), "COMMIT",
    ] + unlock(dialect))
    #expect(db.recorded == ["001-a", "002-b"])
    // The record's binds: the id, and a timestamp.
    let recordBinds = db.binds.filter { $0.count == 2 }
    #expect(recordBinds.map { $0[0] } == [.text("001-a"), .text("002-b")])
    if case .timestamp(let first) = recordBinds[0][1], case .timestamp(let second) = recordBinds[1][1] {
      #expect(second.timeIntervalSince(first) >= 0.000_001)  // strictly increasing, at stored precision
    } else {
      Issue.record("applied_at is not a timestamp bind")
    }
  }

  @Test(arguments: SQLDialect.allCases)
  func appliedMigrationsAreSkipped(_ dialect: SQLDialect) async throws {
    let db = ScriptedMigrationDatabase(dialect)
    var migrator = Migrator()
    migrator.register("001-a") { db in try await db.execute("CREATE TABLE a (x int)") }
    try await migrator.migrate(db)
    let before = db.transcript.count

    #expect(try await migrator.migrate(db) == [])
    #expect(Array(db.transcript[before...]) == preamble(dialect, tableExists: true) + unlock(dialect))

    migrator.register("002-b") { db in try await db.execute("CREATE TABLE b (x int)") }
    let again = db.transcript.count
    #expect(try await migrator.migrate(db) == ["002-b"])
    #expect(Array(db.transcript[again...]) == preamble(dialect, tableExists: true)
      + [begin(dialect), "CREATE TABLE b (x int)", record(dialect), "COMMIT"] + unlock(dialect))
  }

  @Test(arguments: SQLDialect.allCases)
  func aFailedMigrationIsRolledBackAndStopsTheRun(_ dialect: SQLDialect) async throws {
    let db = ScriptedMigrationDatabase(dialect, failing: ["CREATE TABLEX oops"])
    let error = await #expect(throws: MigrationError.self) { try await threeMigrations().migrate(db) }
    #expect(error?.migrationID == "002-b")
    #expect((error?.underlying as? DatabaseError)?.code == .syntaxError)
    #expect(error?.rollbackError == nil)
    #expect(error?.description.hasPrefix(#"migration "002-b" failed: syntaxError"#) == true)
    #expect(db.transcript == preamble(dialect) + [
      begin(dialect), "CREATE TABLE a (x int)", record(dialect), "COMMIT",
      begin(dialect), "CREATE TABLE b (x int)", "CREATE TABLEX oops", "ROLLBACK",
    ] + unlock(dialect))
    #expect(db.recorded == ["001-a"])
  }

  @Test(arguments: SQLDialect.allCases)
  func aFailedRollbackIsReportedWithTheMigrationsError(_ dialect: SQLDialect) async throws {
    let db = ScriptedMigrationDatabase(dialect, failing: ["CREATE TABLEX oops", "ROLLBACK"])
    let error = await #expect(throws: MigrationError.self) { try await threeMigrations().migrate(db) }
    #expect(error?.migrationID == "002-b")
    #expect((error?.underlying as? DatabaseError)?.sql == "CREATE TABLEX oops")
    #expect((error?.rollbackError as? DatabaseError)?.sql == "ROLLBACK")
    #expect(error?.description.contains("ROLLBACK failed too") == true)
    #expect(db.transcript.suffix(2 + unlock(dialect).count) == ["CREATE TABLEX oops", "ROLLBACK"] + unlock(dialect))
  }

  @Test(arguments: SQLDialect.allCases)
  func aFailedCommitIsRolledBack(_ dialect: SQLDialect) async throws {
    let db = ScriptedMigrationDatabase(dialect, failing: ["COMMIT"])
    let error = await #expect(throws: MigrationError.self) { try await threeMigrations().migrate(db) }
    #expect(error?.migrationID == "001-a")
    #expect(db.transcript.suffix(2 + unlock(dialect).count) == ["COMMIT", "ROLLBACK"] + unlock(dialect))
    #expect(db.recorded == [])
  }

  /// Cleanup does not observe cancellation: the ROLLBACK and the unlock still run.
  @Test(arguments: SQLDialect.allCases)
  func aCancelledMigrationStillRollsBackAndUnlocks(_ dialect: SQLDialect) async throws {
    let db = ScriptedMigrationDatabase(dialect)
    var migrator = Migrator()
    migrator.register("001-cancelled") { db in
      try await db.execute("CREATE TABLE a (x int)")
      withUnsafeCurrentTask { $0?.cancel() }
      try await db.execute("CREATE TABLE b (x int)")  // refused: the task is cancelled
    }
    migrator.register("002-never") { db in try await db.execute("CREATE TABLE c (x int)") }
    let error = await #expect(throws: MigrationError.self) { try await migrator.migrate(db) }
    #expect(error?.migrationID == "001-cancelled")
    #expect(error?.underlying is CancellationError)
    #expect(db.transcript == preamble(dialect) + [begin(dialect), "CREATE TABLE a (x int)", "ROLLBACK"] + unlock(dialect))
  }

  @Test(arguments: SQLDialect.allCases)
  func duplicateAndEmptyIdsAreRefusedBeforeAnySQL(_ dialect: SQLDialect) async throws {
    let db = ScriptedMigrationDatabase(dialect)
    var migrator = Migrator()
    migrator.register("001-a") { _ in }
    migrator.register("002-b") { _ in }
    migrator.register("001-a") { _ in }
    let duplicate = await #expect(throws: MisuseError.self) { try await migrator.migrate(db) }
    #expect(duplicate?.message.contains(#""001-a""#) == true)

    var empty = Migrator()
    empty.register("") { _ in }
    await #expect(throws: MisuseError.self) { try await empty.migrate(db) }
    #expect(db.transcript == [])
  }

  @Test(arguments: SQLDialect.allCases)
  func appliedMigrationsOfAnUnmigratedDatabaseIsEmpty(_ dialect: SQLDialect) async throws {
    let db = ScriptedMigrationDatabase(dialect)
    #expect(try await Migrator().appliedMigrations(db) == [])
    #expect(db.transcript.count == 1)  // only the existence check: nothing is created
  }

  /// The lock key is part of the on-server contract between migrators of every
  /// version: it must never change.
  @Test func advisoryLockKeyIsFixed() async throws {
    #expect(Migrator.advisoryLockKey == 211_312_478_148_237_349)
    let db = ScriptedMigrationDatabase(.postgres)
    try await Migrator().migrate(db)
    #expect(db.binds.first == [.int(Migrator.advisoryLockKey)])
    #expect(db.binds.last == [.int(Migrator.advisoryLockKey)])
  }
}
