#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import QueryBuilder
import SQLiteTestBackend

/// T1's typical unit test, through Wren's user-facing API: a fresh in-memory
/// database, three tables created from models, ten rows inserted one by one, five
/// queries, closed.
enum TestUnit {
  /// How a test gets its empty tables.
  enum Tables {
    /// `db.create(Model.self)` for each of the three models, in every test.
    case createdPerTest
    /// A copy of ``template``, where a migration created them once per process (what
    /// `TestDatabase.make(template)` and `.freshDatabase(template)` give a test).
    case copiedFromTemplate
  }

  /// The migrated database tests copy: the three tables, created from the models.
  static let template = SQLiteTemplate(migrator)

  /// One migration creating T1's tables from the models.
  static var migrator: Migrator {
    var migrator = Migrator()
    migrator.register("create users, posts, comments") { db in try await createTables(db) }
    return migrator
  }

  /// One test, start to end.
  /// - Throws: ``DatabaseError``, ``MisuseError``, ``RowDecodingError``.
  static func run(_ tables: Tables) async throws -> TestUnitAnswers {
    let db: SQLiteDatabase
    switch tables {
    case .createdPerTest:
      db = try SQLiteDatabase.inMemory()
    case .copiedFromTemplate:
      db = try await template.makeDatabase()
    }
    do {
      if tables == .createdPerTest { try await createTables(db) }
      let answers = try await scenario(db)
      await db.close()
      return answers
    } catch {
      await db.close()
      throw error
    }
  }

  /// The three tables, from the models.
  static func createTables(_ db: some Database) async throws {
    try await db.create(UnitUser.self)
    try await db.create(UnitPost.self)
    try await db.create(UnitComment.self)
  }

  /// The SQL texts one test runs, in order, as Wren renders them (recorded, untimed),
  /// for checking that the C row runs the same statements.
  static func statements() async throws -> [String] {
    let db = try SQLiteDatabase.inMemory()
    let recording = RecordingDatabase(db)
    do {
      try await createTables(recording)
      _ = try await scenario(recording)
      await db.close()
    } catch {
      await db.close()
      throw error
    }
    return recording.statements.map(\.text)
  }

  /// The test's body on empty tables.
  static func scenario(_ db: some Database) async throws -> TestUnitAnswers {
    var users = (1...3).map(UnitUser.fixture)
    for index in users.indices { try await users[index].insert(db) }
    let authors = [0, 0, 1, 0]  // posts 1, 2, 4 by user 1; post 3 by user 2
    var posts = authors.enumerated().map { UnitPost.fixture($0.offset + 1, userID: users[$0.element].id ?? 0) }
    for index in posts.indices { try await posts[index].insert(db) }
    let targets = [0, 0, 2]  // comments 1, 2 on post 1; comment 3 on post 3
    var comments = targets.enumerated().map { UnitComment.fixture($0.offset + 1, postID: posts[$0.element].id ?? 0) }
    for index in comments.indices { try await comments[index].insert(db) }

    let author = users[0].id ?? 0, post = posts[0].id ?? 0, comment = comments[2].id ?? 0
    guard let user = try await UnitUser.fetchOne(db, id: users[1].id ?? 0) else {
      throw MissingRow(id: users[1].id ?? 0)
    }
    let published = try await UnitPost
      .where { $0.userID == author && $0.published == true }
      .order { $0.createdAt.desc() }
      .fetchAll(db)
    let count = try await UnitComment.where { $0.postID == post }.count(db)
    let updated = try await UnitPost.where { $0.id == post }.update(db) { $0.title = "edited" }
    let deleted = try await UnitComment.where { $0.id == comment }.delete(db)
    return TestUnitAnswers(pointID: user.id ?? 0, pointName: user.name, listIDs: published.map { $0.id ?? 0 },
                           count: count, updated: updated, deleted: deleted)
  }

  /// The fixtures' timestamps: `k` seconds after the seed epoch.
  static func date(_ k: Int) -> Date { Date(timeIntervalSince1970: BenchItem.seedEpoch + Double(k)) }
}
