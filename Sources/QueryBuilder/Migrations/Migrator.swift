#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

/// An ordered list of named schema changes, each applied once per database.
///
/// ```swift
/// var migrator = Migrator()
/// migrator.register("2026-01-create-users") { db in try await db.create(User.self) }
/// migrator.register("2026-02-add-orders") { db in
///   try await db.create(Order.self)
///   try await db.execute("CREATE INDEX orders_placed_at_idx ON orders (placed_at)")
/// }
/// try await migrator.migrate(db)
/// ```
///
/// - Registration order is application order.
/// - Each migration runs in a transaction of its own, and its id is recorded in the
///   table `wren_migrations` in that same transaction: a migration that fails leaves
///   nothing behind (DDL is transactional on PostgreSQL and SQLite), is not recorded,
///   and stops the run with a ``MigrationError``; the migrations after it do not run.
/// - Recorded ids are skipped, so migrating again is a no-op.
/// - On PostgreSQL, migrators on several connections, pools or processes (instances
///   starting together) are serialised by a session advisory lock
///   (``advisoryLockKey``), taken before the applied ids are read and released at the
///   end, also on error: each migration is applied exactly once. The whole run holds
///   one connection (``Database/withDedicatedConnection(file:line:_:)``: on a pool, one
///   leased connection), so the lock, the migrations and the unlock share a session.
///   Migrations get that connection as their `db`: run their statements on it.
///
/// A migration runs in an atomic block (a transaction, or a savepoint when
/// ``migrate(_:)`` is called inside a block of your own), so it cannot use statements
/// PostgreSQL refuses inside one (`CREATE INDEX CONCURRENTLY`, `VACUUM`).
/// See https://www.postgresql.org/docs/current/sql-begin.html and
/// https://www.sqlite.org/lang_transaction.html.
public struct Migrator: Sendable {
  /// One registered migration.
  struct Migration: Sendable {
    let id: String
    let body: @Sendable (any Database) async throws -> Void
  }

  private var migrations: [Migration] = []
  /// Ids registered more than once, reported by ``migrate(_:)``.
  private var duplicateIDs: [String] = []

  /// An empty migrator.
  public init() {}

  /// The registered ids, in application order.
  public var migrationIDs: [String] { migrations.map(\.id) }

  /// Adds a migration after those registered so far.
  ///
  /// ```swift
  /// migrator.register("2026-01-create-users") { db in try await db.create(User.self) }
  /// ```
  /// The id is what is recorded once the migration is applied: never rename or reuse
  /// one that has shipped. Registering an id twice is a mistake that ``migrate(_:)``
  /// reports (as a ``MisuseError``, before anything runs).
  /// - Parameters:
  ///   - id: a unique, stable name; a date prefix keeps them readable and ordered.
  ///   - migration: the change, run with the database being migrated (inside the
  ///     migration's transaction).
  public mutating func register(_ id: String,
                                _ migration: @escaping @Sendable (_ db: any Database) async throws -> Void) {
    if migrations.contains(where: { $0.id == id }) && !duplicateIDs.contains(id) { duplicateIDs.append(id) }
    migrations.append(Migration(id: id, body: migration))
  }

  /// Applies, in order, every registered migration `db` has not recorded yet.
  ///
  /// ```swift
  /// let applied = try await migrator.migrate(db)   // ["2026-02-add-orders"]
  /// ```
  /// - Returns: the ids applied by this call (empty when the database was up to date).
  /// - Throws: ``MisuseError`` for a duplicate or empty id, before anything runs;
  ///   ``MigrationError`` naming the migration that failed (its changes rolled back,
  ///   earlier ones kept, later ones not run); ``DatabaseError`` when the migrations
  ///   table or lock cannot be used.
  @discardableResult
  public func migrate(_ db: some Database) async throws -> [String] {
    try validate()
    // One connection from the lock to the last commit: on a pool, a lock taken by one
    // pooled statement would be released by the pool's reset before the next.
    return try await db.withDedicatedConnection(site: "Migrator.migrate") { db in
      try await Self.withMigrationLock(db) {
        try await MigrationsTable.createIfMissing(db)
        let recorded = Set(try await MigrationsTable.appliedIDs(db))
        var applied: [String] = []
        var appliedAt = Date.distantPast
        for migration in migrations where !recorded.contains(migration.id) {
          // Strictly increasing times (at least 1 µs apart, the stored precision) keep
          // `appliedMigrations` in application order even for migrations that take no time.
          appliedAt = max(Date(), appliedAt.addingTimeInterval(0.000_001))
          try await apply(migration, at: appliedAt, to: db)
          applied.append(migration.id)
        }
        return applied
      }
    }
  }

  /// The ids `db` has recorded as applied, in the order they were applied (empty when
  /// it was never migrated). Recorded ids this migrator does not know are included.
  ///
  /// ```swift
  /// let done = try await migrator.appliedMigrations(db)   // ["2026-01-create-users"]
  /// ```
  /// - Throws: ``DatabaseError``.
  public func appliedMigrations(_ db: some Database) async throws -> [String] {
    guard try await MigrationsTable.exists(db) else { return [] }
    return try await MigrationsTable.appliedIDs(db)
  }

  /// Runs one migration and records it, in one transaction.
  private func apply(_ migration: Migration, at date: Date, to db: some Database) async throws {
    do {
      try await withMigrationTransaction(db) {
        try await migration.body(db)
        try await MigrationsTable.record(migration.id, at: date, db)
      }
    } catch let failure as MigrationRollbackFailure {
      throw MigrationError(migrationID: migration.id, underlying: failure.error, rollbackError: failure.rollbackError)
    } catch {
      throw MigrationError(migrationID: migration.id, underlying: error)
    }
  }

  /// - Throws: ``MisuseError`` for duplicate or empty ids.
  private func validate() throws {
    if !duplicateIDs.isEmpty {
      let list = duplicateIDs.map { "\"\($0)\"" }.joined(separator: ", ")
      throw MisuseError("migration id registered more than once: \(list); each id must be unique")
    }
    if migrations.contains(where: { $0.id.isEmpty }) {
      throw MisuseError("a migration was registered with an empty id")
    }
  }
}
