import QueryBuilder
import SQLiteTestBackend
import Testing

/// Fresh, migrated in-memory databases for an app's unit tests.
///
/// ```swift
/// let db = try await TestDatabase.make(AppSchema.migrator)      // one line, per test
///
/// @Test(.freshDatabase(AppSchema.migrator))                        // or as a trait
/// func signupStoresTheUser() async throws {
///   let db = try TestDatabase.current
///   ...
/// }
/// ```
/// Each database is private to its test (SQLite `:memory:`), so tests run in
/// parallel without seeing each other's rows.
public enum TestDatabase {
  /// A new in-memory SQLite database with every migration of `migrator` applied.
  /// - Throws: ``MigrationError`` if a migration fails.
  public static func make(_ migrator: Migrator = Migrator()) async throws -> SQLiteDatabase {
    let db = try SQLiteDatabase.inMemory()
    try await migrator.migrate(db)
    return db
  }

  /// A new in-memory SQLite database copied from `template`: migrated like
  /// `make(_ migrator:)` but without running the migrations again, so a suite of many
  /// tests pays for them once.
  ///
  /// ```swift
  /// static let schema = SQLiteTemplate(AppSchema.migrator)
  /// let db = try await TestDatabase.make(schema)
  /// ```
  /// - Throws: as ``SQLiteTemplate/makeDatabase(logging:)``.
  public static func make(_ template: SQLiteTemplate) async throws -> SQLiteDatabase {
    try await template.makeDatabase()
  }

  /// The database the `.freshDatabase` trait made for the running test.
  /// - Throws: ``MisuseError`` outside a test with that trait.
  public static var current: SQLiteDatabase {
    get throws {
      guard let db = scoped else {
        throw MisuseError("TestDatabase.current is set only inside a test with the .freshDatabase(...) trait")
      }
      return db
    }
  }

  @TaskLocal static var scoped: SQLiteDatabase?
}

/// Gives each test (each case of a parameterised test) its own fresh, migrated
/// in-memory database, as ``TestDatabase/current``.
public struct FreshDatabaseTrait: TestTrait, SuiteTrait, TestScoping {
  /// Where each test's database comes from.
  enum Source: Sendable {
    case migrator(Migrator)
    case template(SQLiteTemplate)
  }

  let source: Source

  /// Applies to each test of a suite, not once for the suite.
  public var isRecursive: Bool { true }

  /// Runs the test with a database of its own, closed afterwards.
  public func provideScope(for test: Test, testCase: Test.Case?,
                           performing function: @Sendable () async throws -> Void) async throws {
    // A suite passes through here too; only test cases get a database.
    guard testCase != nil else { return try await function() }
    let db: SQLiteDatabase
    switch source {
    case .migrator(let migrator): db = try await TestDatabase.make(migrator)
    case .template(let template): db = try await TestDatabase.make(template)
    }
    do {
      try await TestDatabase.$scoped.withValue(db) { try await function() }
      await db.close()
    } catch {
      await db.close()
      throw error
    }
  }
}

extension Trait where Self == FreshDatabaseTrait {
  /// A fresh in-memory database, migrated with `migrator`, for each test.
  public static func freshDatabase(_ migrator: Migrator = Migrator()) -> Self {
    FreshDatabaseTrait(source: .migrator(migrator))
  }

  /// A fresh in-memory database copied from `template` (migrated once, copied per
  /// test: faster for suites of many tests), for each test.
  ///
  /// ```swift
  /// @Test(.freshDatabase(TestSchema.template)) func signup() async throws { ... }
  /// ```
  public static func freshDatabase(_ template: SQLiteTemplate) -> Self {
    FreshDatabaseTrait(source: .template(template))
  }
}
