import QueryBuilder
import Synchronization

/// A migrated in-memory database built once, from which fresh copies are made: the
/// fast way to give every unit test its own database with the app's tables.
///
/// ```swift
/// enum TestSchema {
///   static let template = SQLiteTemplate(AppSchema.migrator)
/// }
/// let db = try await TestSchema.template.makeDatabase()   // migrated, private to the caller
/// ```
/// The first ``makeDatabase()`` applies the migrations to an in-memory database and keeps
/// its ``SQLiteImage``; every call returns a new database opened from a copy of that
/// image, so the migrations' statements run once per template, not once per test. A
/// failed migration is not remembered: the next call tries again.
///
/// Keep one template per migrator (a `static let`): the image reflects the migrations
/// registered when it was first built.
public final class SQLiteTemplate: Sendable {
  /// The migrations every copy has applied.
  public let migrator: Migrator
  private let statementCacheCapacity: Int
  private let building = AsyncLock()
  private let built = Mutex<SQLiteImage?>(nil)

  /// A template of the database `migrator` builds; nothing runs until the first copy.
  /// - Parameter statementCacheCapacity: the copies' statement cache capacity.
  public init(_ migrator: Migrator, statementCacheCapacity: Int = SQLiteDatabase.defaultStatementCacheCapacity) {
    self.migrator = migrator
    self.statementCacheCapacity = statementCacheCapacity
  }

  /// A new in-memory database with every migration applied, private to the caller.
  /// - Throws: ``MigrationError`` when a migration fails (on the first call, or on a
  ///   later one after an earlier failure); ``DatabaseError`` when SQLite cannot
  ///   allocate the copy; `CancellationError` while waiting for another caller's build.
  public func makeDatabase(logging: StatementLogging = .init()) async throws -> SQLiteDatabase {
    let image = try await self.image()
    return try SQLiteDatabase.inMemory(copying: image, statementCacheCapacity: statementCacheCapacity,
                                       logging: logging)
  }

  /// The migrated image, built by the first caller while later ones wait.
  private func image() async throws -> SQLiteImage {
    if let image = built.withLock({ $0 }) { return image }
    try await building.lock()
    defer { building.unlock() }
    if let image = built.withLock({ $0 }) { return image }
    let db = try SQLiteDatabase.inMemory(statementCacheCapacity: 0)
    do {
      try await migrator.migrate(db)
      let image = try await db.image()
      await db.close()
      built.withLock { $0 = image }
      return image
    } catch {
      await db.close()
      throw error
    }
  }
}
