import Model
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
