import Model
import Synchronization
import QueryBuilder
import SQLiteTestBackend
import Testing
import WrenTesting

@Model(table: "authors")
struct Author: Equatable {
  @ID var id: Int64?
  @Unique var name: String
}

@Model(table: "books")
struct Book: Equatable {
  @ID var id: Int64?
  var title: String
  @References(Author.self) var authorID: Int64
}

enum Library {
  static var migrator: Migrator {
    var migrator = Migrator()
    migrator.register("001-authors") { db in try await db.create(Author.self) }
    migrator.register("002-books") { db in try await db.create(Book.self) }
    return migrator
  }
}

@Suite struct TestDatabaseTests {
  @Test func makeReturnsAMigratedDatabase() async throws {
    let db = try await TestDatabase.make(Library.migrator)
    #expect(try await Library.migrator.appliedMigrations(db) == ["001-authors", "002-books"])
    var author = Author(name: "Le Guin")
    try await author.insert(db)
    #expect(try await Author.count(db) == 1)
  }

  @Test func eachMadeDatabaseIsIsolated() async throws {
    let first = try await TestDatabase.make(Library.migrator)
    let second = try await TestDatabase.make(Library.migrator)
    var author = Author(name: "Same name")
    try await author.insert(first)
    var again = Author(name: "Same name")
    try await again.insert(second)   // no unique violation: another database
    #expect(try await Author.count(second) == 1)
  }

  @Test(.freshDatabase(Library.migrator), arguments: ["Butler", "Delany", "Jemisin"])
  func theTraitGivesEveryCaseItsOwnDatabase(name: String) async throws {
    let db = try TestDatabase.current
    #expect(try await Author.count(db) == 0)
    var author = Author(name: name)
    try await author.insert(db)
    #expect(try await Author.count(db) == 1)
  }

  @Test func currentOutsideTheTraitIsAClearError() {
    #expect(throws: MisuseError.self) { _ = try TestDatabase.current }
  }
}

@Suite struct QueryBudgetTests {
  func seeded() async throws -> SQLiteDatabase {
    let db = try await TestDatabase.make(Library.migrator)
    for name in ["A", "B", "C"] {
      var author = Author(name: name)
      try await author.insert(db)
      _ = try await Book.insertAll(db, [Book(title: "\(name) 1", authorID: author.id ?? 0),
                                        Book(title: "\(name) 2", authorID: author.id ?? 0)])
    }
    return db
  }

  @Test func countingQueriesSeesAnNPlusOneLoop() async throws {
    let db = try await seeded()
    let (titles, statements) = try await countingQueries(on: db) { db in
      var titles: [String] = []
      for author in try await Author.fetchAll(db) {
        let authorID = author.id ?? 0
        titles += try await Book.where { $0.authorID == authorID }.fetchAll(db).map(\.title)
      }
      return titles
    }
    #expect(titles.count == 6)
    #expect(statements.count == 4)   // 1 + one per author
  }

  @Test func aJoinStaysWithinABudgetOfOne() async throws {
    let db = try await seeded()
    let pairs = try await expectQueries(atMost: 1, on: db) { db in
      try await Book.join(Author.self) { b, a in b.authorID == a.id }.fetchAll(db)
    }
    #expect(pairs.count == 6)
  }

  @Test func exceedingTheBudgetRecordsAnIssue() async throws {
    let db = try await seeded()
    await withKnownIssue {
      try await expectQueries(atMost: 1, on: db) { db in
        for author in try await Author.fetchAll(db) {
          let authorID = author.id ?? 0
          _ = try await Book.where { $0.authorID == authorID }.count(db)
        }
      }
    }
  }
}

/// A template migrates once; each database made from it is a private, migrated copy.
@Suite struct TemplateTests {
  /// Counts how often the template's migration body runs.
  final class RunCounter: Sendable {
    let runs = Mutex(0)
  }

  static let counter = RunCounter()
  static let template: SQLiteTemplate = {
    var migrator = Migrator()
    migrator.register("001-authors") { db in
      counter.runs.withLock { $0 += 1 }
      try await db.create(Author.self)
    }
    migrator.register("002-books") { db in try await db.create(Book.self) }
    return SQLiteTemplate(migrator)
  }()

  @Test func copiesAreMigratedPrivateAndMigrateOnlyOnce() async throws {
    let first = try await TestDatabase.make(Self.template)
    let second = try await Self.template.makeDatabase()
    #expect(Self.counter.runs.withLock { $0 } == 1)
    #expect(try await Self.template.migrator.appliedMigrations(first) == ["001-authors", "002-books"])
    var author = Author(name: "Le Guin")
    try await author.insert(first)
    #expect(try await Author.count(first) == 1)
    #expect(try await Author.count(second) == 0)
    // The copies behave like any database: constraints hold, more migrations apply.
    var duplicate = Author(name: "Le Guin")
    await #expect(throws: DatabaseError.self) { try await duplicate.insert(first) }
    var orphan = Book(title: "x", authorID: 999)
    await #expect(throws: DatabaseError.self) { try await orphan.insert(second) }
    #expect(try await Self.template.migrator.migrate(second).isEmpty)
  }

  @Test(.freshDatabase(TemplateTests.template), arguments: 1...3)
  func theTraitGivesEveryCaseACopy(_ n: Int) async throws {
    let db = try TestDatabase.current
    #expect(try await Author.count(db) == 0)
    for k in 0..<n {
      var author = Author(name: "a\(k)")
      try await author.insert(db)
    }
    #expect(try await Author.count(db) == n)
  }

  @Test func concurrentFirstCallsShareOneBuild() async throws {
    var migrator = Migrator()
    let counter = RunCounter()
    migrator.register("001") { db in
      counter.runs.withLock { $0 += 1 }
      try await db.create(Author.self)
    }
    let template = SQLiteTemplate(migrator)
    try await withThrowingTaskGroup(of: Int.self) { group in
      for _ in 0..<8 { group.addTask { try await Author.count(try await template.makeDatabase()) } }
      for try await count in group { #expect(count == 0) }
    }
    #expect(counter.runs.withLock { $0 } == 1)
  }

  @Test func aFailedMigrationIsNotRememberedAndNamesItself() async throws {
    let attempts = RunCounter()
    var migrator = Migrator()
    migrator.register("001-flaky") { db in
      let attempt = attempts.runs.withLock { $0 += 1; return $0 }
      if attempt == 1 { try await db.execute("CREATE TABLE broken (") }
      try await db.create(Author.self)
    }
    let template = SQLiteTemplate(migrator)
    let error = await #expect(throws: MigrationError.self) { try await template.makeDatabase() }
    #expect(error.map { "\($0)" }?.contains("001-flaky") == true)
    let db = try await template.makeDatabase()
    #expect(try await Author.count(db) == 0)
  }
}
