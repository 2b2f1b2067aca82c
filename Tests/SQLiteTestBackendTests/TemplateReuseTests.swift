import CSQLite
import Model
import QueryBuilder
@testable import SQLiteTestBackend
import Testing

/// A template's closed copies hand their connection to the next copy, reset to the
/// template's rows, only when nothing but rows changed.
@Suite struct TemplateReuseTests {
  /// A template with a parent table (one seed row), a child table with a foreign key,
  /// and an AUTOINCREMENT table; each test gets a template of its own, so reuse is
  /// only between that test's copies.
  static func makeTemplate() -> SQLiteTemplate {
    var migrator = Migrator()
    migrator.register("001-schema") { db in
      try await db.execute("""
        CREATE TABLE shelves(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE books(id INTEGER PRIMARY KEY, shelf_id INTEGER NOT NULL REFERENCES shelves(id), title TEXT);
        CREATE TABLE tickets(id INTEGER PRIMARY KEY AUTOINCREMENT, note TEXT);
        INSERT INTO shelves(id, name) VALUES (1, 'seeded');
        """)
    }
    return SQLiteTemplate(migrator)
  }

  /// What a fresh copy of the template holds, as comparable text.
  static func contents(_ db: SQLiteDatabase) async throws -> String {
    let shelves = try await db.fetchAll("SELECT id, name FROM shelves ORDER BY id").map { "\($0.values)" }
    let books = try await db.fetchAll("SELECT count(*) FROM books").map { "\($0.values)" }
    let tickets = try await db.fetchAll("SELECT count(*) FROM tickets").map { "\($0.values)" }
    return (shelves + books + tickets).joined(separator: " ")
  }

  /// Changes rows in every table, and the AUTOINCREMENT counter.
  static func scribble(_ db: SQLiteDatabase) async throws {
    try await db.execute("INSERT INTO shelves(name) VALUES ('new')")
    try await db.execute("INSERT INTO books(shelf_id, title) VALUES (1, 'a'), (2, 'b')")
    try await db.execute("INSERT INTO tickets(note) VALUES ('x'), ('y')")
    try await db.execute("DELETE FROM books WHERE title = 'a'")
    try await db.execute("UPDATE shelves SET name = 'renamed' WHERE id = 1")
  }

  @Test func aClosedCopysConnectionServesTheNextCopyWithItsStatements() async throws {
    let template = Self.makeTemplate()
    let first = try await template.makeDatabase()
    let connection = first.connection.db
    try await Self.scribble(first)
    await first.close()
    let second = try await template.makeDatabase()
    #expect(second.connection.db == connection, "the connection was reused")
    #expect(second.connection.cachedStatementCount > 0, "with the statements the first copy prepared")
    // Resetting the rows expired none of them: running one again compiles nothing.
    let text = "INSERT INTO tickets(note) VALUES ('x'), ('y')"
    let statement = try #require(second.connection.cache.statement(for: text))
    let compiled = sqlite3_stmt_status(statement.handle, SQLITE_STMTSTATUS_REPREPARE, 0)
    try await second.execute(SQL(unsafeRaw: text))
    #expect(sqlite3_stmt_status(statement.handle, SQLITE_STMTSTATUS_REPREPARE, 0) == compiled)
    await second.close()
  }

  @Test func aReusedCopyHoldsExactlyWhatAFreshCopyHolds() async throws {
    let template = Self.makeTemplate()
    let fresh = try await template.makeDatabase()
    let expected = try await Self.contents(fresh)
    try await Self.scribble(fresh)
    await fresh.close()

    let reused = try await template.makeDatabase()
    #expect(try await Self.contents(reused) == expected)
    // Keys start where a fresh copy's start, AUTOINCREMENT included; the seed row and
    // the constraints are back.
    try await reused.execute("INSERT INTO tickets(note) VALUES ('first')")
    #expect(try await reused.fetchValue("SELECT max(id) FROM tickets", as: Int.self) == 1)
    try await reused.execute("INSERT INTO shelves(name) VALUES ('second')")
    #expect(try await reused.fetchValue("SELECT id FROM shelves WHERE name = 'second'", as: Int.self) == 2)
    let orphan = await caught(DatabaseError.self) {
      try await reused.execute("INSERT INTO books(shelf_id, title) VALUES (99, 'orphan')")
    }
    #expect(orphan?.code == .foreignKeyViolation)
    let duplicate = await caught(DatabaseError.self) {
      try await reused.execute("INSERT INTO shelves(name) VALUES ('seeded')")
    }
    #expect(duplicate?.code == .uniqueViolation)
    await reused.close()
  }

  @Test(arguments: [
    "CREATE TABLE extra(x)",
    "CREATE TEMP TABLE scratch(x)",
    "CREATE INDEX books_title ON books(title)",
    "PRAGMA foreign_keys = OFF",
    "ATTACH ':memory:' AS aux",
  ])
  func aCopyThatChangedMoreThanRowsIsClosedNotReused(statement: String) async throws {
    let template = Self.makeTemplate()
    let first = try await template.makeDatabase()
    let connection = first.connection.db
    try await first.execute(SQL(unsafeRaw: statement))
    await first.close()
    let second = try await template.makeDatabase()
    #expect(second.connection.db != connection || second.connection.cachedStatementCount == 0)
    // Whatever the first copy did is not visible: foreign keys hold, no extra table.
    let orphan = await caught(DatabaseError.self) {
      try await second.execute("INSERT INTO books(shelf_id, title) VALUES (99, 'orphan')")
    }
    #expect(orphan?.code == .foreignKeyViolation)
    #expect(try await second.fetchValue("SELECT count(*) FROM sqlite_schema WHERE name = 'extra'", as: Int.self) == 0)
    await second.close()
  }

  @Test func aTemplateWhoseForeignKeysFormACycleGivesFreshCopies() async throws {
    var migrator = Migrator()
    migrator.register("001-cycle") { db in
      try await db.execute("""
        CREATE TABLE a(id INTEGER PRIMARY KEY, b_id INTEGER REFERENCES b(id));
        CREATE TABLE b(id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a(id));
        """)
    }
    let template = SQLiteTemplate(migrator)
    let first = try await template.makeDatabase()
    #expect(first.recycler == nil)
    try await first.execute("INSERT INTO a(id) VALUES (1)")
    await first.close()
    let second = try await template.makeDatabase()
    #expect(second.recycler == nil)
    #expect(try await second.fetchValue("SELECT count(*) FROM a", as: Int.self) == 0)
    await second.close()
  }

  @Test func aTemplateWithATriggerGivesFreshCopies() async throws {
    var migrator = Migrator()
    migrator.register("001-audit") { db in
      try await db.execute("""
        CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT);
        CREATE TABLE audit(item_id INTEGER);
        CREATE TRIGGER items_audit AFTER DELETE ON items BEGIN INSERT INTO audit VALUES (old.id); END;
        """)
    }
    let template = SQLiteTemplate(migrator)
    let first = try await template.makeDatabase()
    #expect(first.recycler == nil)
    try await first.execute("INSERT INTO items(name) VALUES ('x')")
    await first.close()
    let second = try await template.makeDatabase()
    #expect(try await second.fetchValue("SELECT count(*) FROM audit", as: Int.self) == 0)
    await second.close()
  }

  @Test func aReadOnlyBlockDoesNotStopReuseAndLeavesTheNextCopyWritable() async throws {
    let template = Self.makeTemplate()
    let first = try await template.makeDatabase()
    let connection = first.connection.db
    _ = try await first.atomic(readOnly: true) { try await Self.contents(first) }
    await first.close()
    let second = try await template.makeDatabase()
    #expect(second.connection.db == connection)
    try await second.execute("INSERT INTO tickets(note) VALUES ('writable')")
    await second.close()
  }

  @Test func concurrentCopiesNeverSeeEachOthersRows() async throws {
    let template = Self.makeTemplate()
    try await withThrowingTaskGroup(of: Void.self) { group in
      for worker in 0..<16 {
        group.addTask {
          for round in 0..<10 {
            let db = try await template.makeDatabase()
            #expect(try await db.fetchValue("SELECT count(*) FROM tickets", as: Int.self) == 0)
            try await db.execute("INSERT INTO tickets(note) VALUES (\("\(worker)-\(round)"))")
            #expect(try await db.fetchValue("SELECT note FROM tickets", as: String.self) == "\(worker)-\(round)")
            #expect(try await db.fetchValue("SELECT max(id) FROM tickets", as: Int.self) == 1)
            await db.close()
          }
        }
      }
      try await group.waitForAll()
    }
  }

  @Test func aClosedCopyStaysClosedWhileItsConnectionServesAnother() async throws {
    let template = Self.makeTemplate()
    let first = try await template.makeDatabase()
    await first.close()
    let second = try await template.makeDatabase()
    let misuse = await caught(MisuseError.self) { _ = try await first.fetchAll("SELECT 1") }
    #expect(misuse != nil)
    #expect(try await second.fetchValue("SELECT 1", as: Int.self) == 1)
    await second.close()
  }
}
