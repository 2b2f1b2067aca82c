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
  private let built = Mutex<Built?>(nil)
  /// Closed copies' connections, reset to the template's rows, for the next copies.
  private let spares = Mutex<[SQLiteConnectionHandle]>([])

  /// At most this many closed copies' connections are kept.
  static let maxSpares = 8

  /// The migrated image, and how a used copy is brought back to it (nil: it is not).
  private struct Built: Sendable {
    let image: SQLiteImage
    let resetPlan: SQLiteResetPlan?
  }

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
  ///
  /// A closed copy's connection is kept and handed to a later copy once its tables
  /// are emptied and the template's rows put back, when nothing but rows changed in it
  /// (no schema change, pragma or attached database, no open transaction): the later
  /// copy then finds the statements the earlier one prepared. It holds exactly the
  /// template's rows, as a fresh copy does; only counters such as `total_changes()`
  /// show it was used before.
  public func makeDatabase(logging: StatementLogging = .init()) async throws -> SQLiteDatabase {
    let built = try await self.built()
    guard let plan = built.resetPlan else {
      return try SQLiteDatabase.inMemory(copying: built.image, statementCacheCapacity: statementCacheCapacity,
                                         logging: logging)
    }
    let recycler = SQLiteRecycler(plan: plan) { [self] connection in
      let surplus: SQLiteConnectionHandle? = spares.withLock { spares in
        guard spares.count < Self.maxSpares else { return connection }
        spares.append(connection)
        return nil
      }
      surplus?.close()
    }
    if let spare = spares.withLock({ $0.popLast() }) {
      return SQLiteDatabase(connection: spare, path: ":memory:", logging: logging, recycler: recycler)
    }
    let connection = try SQLiteDatabase.inMemoryConnection(statementCacheCapacity: statementCacheCapacity)
    try connection.load(built.image)
    connection.watchSessionChanges()
    return SQLiteDatabase(connection: connection, path: ":memory:", logging: logging, recycler: recycler)
  }

  /// The migrated image and its reset plan, built by the first caller while later ones wait.
  private func built() async throws -> Built {
    if let built = built.withLock({ $0 }) { return built }
    try await building.lock()
    defer { building.unlock() }
    if let built = built.withLock({ $0 }) { return built }
    let db = try SQLiteDatabase.inMemory(statementCacheCapacity: 0)
    do {
      try await migrator.migrate(db)
      let result = Built(image: try await db.image(), resetPlan: try await SQLiteResetPlan.make(for: db))
      await db.close()
      built.withLock { $0 = result }
      return result
    } catch {
      await db.close()
      throw error
    }
  }
}
