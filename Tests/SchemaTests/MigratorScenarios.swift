#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import QueryBuilder
import Testing

/// The Migrator on a real database, written once and run on both backends.
enum MigratorScenarios {
  static let log = TableSchema(name: "log", columns: [
    .column("id", property: "id", type: Int64?.self, primaryKey: true, generated: true),
    .column("entry", property: "entry", type: String.self),
  ])

  static func oneColumnTable(_ name: String) -> TableSchema {
    TableSchema(name: name, columns: [.column("x", property: "x", type: Int.self)])
  }

  /// Applied in registration order, recorded, and not again.
  static func appliesInOrderOnce(_ db: any Database) async throws {
    var migrator = Migrator()
    migrator.register("2026-01-create-log") { db in try await db.create(table: log) }
    migrator.register("2026-02-first") { db in try await db.execute("INSERT INTO log (entry) VALUES ('first')") }
    migrator.register("2026-03-second") { db in try await db.execute("INSERT INTO log (entry) VALUES ('second')") }
    let ids = ["2026-01-create-log", "2026-02-first", "2026-03-second"]

    #expect(try await migrator.appliedMigrations(db) == [])
    #expect(try await tableNames(db) == [])  // asking created nothing
    #expect(try await migrator.migrate(db) == ids)
    #expect(try await migrator.appliedMigrations(db) == ids)
    #expect(try await column(db, "SELECT entry FROM log ORDER BY id", as: String.self) == ["first", "second"])
    let times = try await column(db, "SELECT applied_at FROM wren_migrations ORDER BY applied_at", as: Date.self)
    #expect(times.count == 3 && times == times.sorted() && Set(times).count == 3)

    #expect(try await migrator.migrate(db) == [])
    #expect(try await column(db, "SELECT entry FROM log ORDER BY id", as: String.self) == ["first", "second"])

    migrator.register("2026-04-third") { db in try await db.execute("INSERT INTO log (entry) VALUES ('third')") }
    #expect(try await migrator.migrate(db) == ["2026-04-third"])
    #expect(try await migrator.appliedMigrations(db) == ids + ["2026-04-third"])
    #expect(try await tableNames(db) == ["log", "wren_migrations"])
  }

  /// A failing migration leaves no table and no record, names itself, and stops the
  /// run; once fixed, it and the ones after it apply.
  static func failureLeavesNothingBehind(_ db: any Database) async throws {
    var broken = Migrator()
    broken.register("001-create-a") { db in try await db.create(table: oneColumnTable("a")) }
    broken.register("002-create-b") { db in
      try await db.create(table: oneColumnTable("b"))
      try await db.execute("INSERT INTO b (x) VALUES (1)")
      try await db.execute("CREATE TABLEX broken (x int)")
    }
    broken.register("003-create-c") { db in try await db.create(table: oneColumnTable("c")) }

    let error = await #expect(throws: MigrationError.self) { try await broken.migrate(db) }
    #expect(error?.migrationID == "002-create-b")
    #expect((error?.underlying as? DatabaseError)?.code == .syntaxError)
    #expect(error?.rollbackError == nil)
    #expect(try await broken.appliedMigrations(db) == ["001-create-a"])
    #expect(try await tableNames(db) == ["a", "wren_migrations"])
    if db.dialect == .postgres {
      #expect(try await db.fetchValue(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()", as: Int64.self) == 0)
    }

    var fixed = Migrator()
    fixed.register("001-create-a") { db in try await db.create(table: oneColumnTable("a")) }
    fixed.register("002-create-b") { db in try await db.create(table: oneColumnTable("b")) }
    fixed.register("003-create-c") { db in try await db.create(table: oneColumnTable("c")) }
    #expect(try await fixed.migrate(db) == ["002-create-b", "003-create-c"])
    #expect(try await tableNames(db) == ["a", "b", "c", "wren_migrations"])
    #expect(try await db.fetchValue("SELECT count(*) FROM b", as: Int64.self) == 0)
  }
}
