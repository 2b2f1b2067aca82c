#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import QueryBuilder
import Testing

/// What created tables accept and enforce, written once and run on both backends
/// (SQLiteSchemaTests, PostgresSchemaTests).
enum SchemaScenarios {
  /// A row inserted with nothing but defaults reads back every default, exactly.
  static func defaultsAreFilledIn(_ db: any Database) async throws {
    try await db.create(table: SchemaFixtures.gadgets)
    try await db.execute("INSERT INTO gadgets DEFAULT VALUES")
    try await db.execute("INSERT INTO gadgets DEFAULT VALUES")
    let rows = try await db.fetchAll("SELECT * FROM gadgets ORDER BY id")
    try #require(rows.count == 2)
    let row = rows[0]
    #expect(try row["id", as: Int64.self] == 1)
    #expect(try rows[1]["id", as: Int64.self] == 2)
    #expect(try row["tiny", as: Int16.self] == Int16.min)
    #expect(try row["count", as: Int32?.self] == nil)
    #expect(try row["medium", as: Int32.self] == Int32.max)
    #expect(try row["big", as: Int64.self] == Int64.min)
    #expect(try row["ratio", as: Float.self] == 0.1)
    #expect(try row["score", as: Double?.self] == 1e-7)
    #expect(try row["hot", as: Double.self] == .infinity)
    #expect(try row["cold", as: Float.self] == -.infinity)
    #expect(try row["active", as: Bool.self] == true)
    #expect(try row["hidden", as: Bool?.self] == false)
    #expect(try row["name", as: String.self] == SchemaFixtures.name)
    #expect(try row["blob", as: [UInt8].self] == [0x00, 0x27, 0x5C, 0xFF])
    #expect(try row["created_at", as: Date.self] == SchemaFixtures.date)
    #expect(try row["token", as: UUID.self] == SchemaFixtures.uuid)
    #expect(try row["price", as: Decimal?.self] == SchemaFixtures.price)
    #expect(try row["note", as: String?.self] == nil)
  }

  /// NOT NULL, UNIQUE and FOREIGN KEY violations, with the names the DDL gave them;
  /// generated keys that still take explicit ids; each ON DELETE action.
  static func constraintsAreEnforced(_ db: any Database) async throws {
    try await db.create(table: SchemaFixtures.users)
    try await db.create(table: SchemaFixtures.posts)
    try await db.execute("INSERT INTO users (email, name) VALUES ('a@example.com', 'A')")
    try await db.execute("INSERT INTO users (id, email, name) VALUES (10, 'b@example.com', 'B')")
    #expect(try await column(db, "SELECT id FROM users ORDER BY id", as: Int64.self) == [1, 10])

    let notNull = await databaseError { try await db.execute("INSERT INTO users (email) VALUES ('c@example.com')") }
    #expect(notNull?.code == .notNullViolation)
    #expect(notNull?.column == "name")

    let unique = await databaseError { try await db.execute("INSERT INTO users (email, name) VALUES ('a@example.com', 'A2')") }
    #expect(unique?.code == .uniqueViolation)
    expectNames(unique, in: db, constraint: "users_email_key", column: "email")
    if db.dialect == .postgres {
      #expect(SchemaFixtures.users.columns(forConstraint: unique?.constraint ?? "").map(\.name) == ["email"])
    }

    let missingAuthor = await databaseError { try await db.execute("INSERT INTO posts (author_id) VALUES (999)") }
    #expect(missingAuthor?.code == .foreignKeyViolation)
    expectNames(missingAuthor, in: db, constraint: "posts_author_id_fkey", column: nil)
    let missingParent = await databaseError { try await db.execute("INSERT INTO posts (author_id, parent_id) VALUES (1, 999)") }
    #expect(missingParent?.code == .foreignKeyViolation)
    expectNames(missingParent, in: db, constraint: "posts_parent_id_fkey", column: nil)

    try await db.execute("INSERT INTO posts (author_id, editor_id) VALUES (1, 10)")    // post 1
    try await db.execute("INSERT INTO posts (author_id, reviewer_id) VALUES (10, 1)")  // post 2
    // RESTRICT: user 1 reviews post 2.
    let restricted = await databaseError { try await db.execute("DELETE FROM users WHERE id = 1") }
    // (SQLite reports a RESTRICT action as SQLITE_CONSTRAINT_TRIGGER with the
    // foreign-key message; it maps to the same code.)
    #expect(restricted?.code == .foreignKeyViolation)
    expectNames(restricted, in: db, constraint: "posts_reviewer_id_fkey", column: nil)
    // SET NULL (post 1's editor) and CASCADE (post 2, by user 10).
    try await db.execute("DELETE FROM users WHERE id = 10")
    // (Ids are not compared: PostgreSQL's failed inserts above used up identity values.)
    let remaining = try await db.fetchAll("SELECT author_id, editor_id FROM posts")
    #expect(try remaining.map { try $0["author_id", as: Int64.self] } == [1])
    #expect(try remaining.map { try $0["editor_id", as: Int64?.self] } == [nil])
    try await db.execute("DELETE FROM users WHERE id = 1")
    #expect(try await db.fetchValue("SELECT count(*) FROM posts", as: Int64.self) == 0)
  }

  /// A text key refuses NULL on both backends; composite keys and unique indexes hold.
  static func keysAndUniqueIndexes(_ db: any Database) async throws {
    try await db.create(table: SchemaFixtures.countries)
    let nullKey = await databaseError { try await db.execute("INSERT INTO countries (code, name) VALUES (NULL, 'Nowhere')") }
    #expect(nullKey?.code == .notNullViolation)
    try await db.execute("INSERT INTO countries (code, name) VALUES ('de', 'Germany')")
    let duplicateKey = await databaseError { try await db.execute("INSERT INTO countries (code, name) VALUES ('de', 'Again')") }
    #expect(duplicateKey?.code == .uniqueViolation)
    expectNames(duplicateKey, in: db, constraint: "countries_pkey", column: "code")

    try await db.create(table: SchemaFixtures.memberships)
    try await db.execute("INSERT INTO memberships (user_id, group_id, seat) VALUES (1, 1, 1)")
    #expect(try await db.fetchValue("SELECT role FROM memberships", as: String.self) == "member")
    let duplicatePair = await databaseError {
      try await db.execute("INSERT INTO memberships (user_id, group_id, seat) VALUES (1, 1, 2)")
    }
    #expect(duplicatePair?.code == .uniqueViolation)
    expectNames(duplicatePair, in: db, constraint: "memberships_pkey", column: "user_id, group_id")
    let takenSeat = await databaseError {
      try await db.execute("INSERT INTO memberships (user_id, group_id, seat) VALUES (2, 1, 1)")
    }
    #expect(takenSeat?.code == .uniqueViolation)
    expectNames(takenSeat, in: db, constraint: "memberships_group_seat_key", column: "group_id, seat")
    if db.dialect == .postgres {
      #expect(SchemaFixtures.memberships.columns(forConstraint: takenSeat?.constraint ?? "").map(\.name)
                == ["group_id", "seat"])
    }
  }

  /// The indexes the schema asks for exist under the names the DDL gave them.
  static func indexesAreCreated(_ db: any Database) async throws {
    try await db.create(table: SchemaFixtures.users)
    let sql: SQL = switch db.dialect {
    case .postgres: "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'users' ORDER BY 1"
    case .sqlite: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'users' ORDER BY 1"
    }
    let names = try await column(db, sql, as: String.self).filter { $0.hasSuffix("_idx") }
    #expect(names == ["users_age_idx", "users_name_age_email_idx", "users_name_age_idx", "users_name_idx"])
  }

  /// `ifNotExists` / `ifExists` make repeats and missing tables fine; without them the
  /// database says what is wrong.
  static func ifNotExistsAndIfExists(_ db: any Database) async throws {
    try await db.create(Tag.self, ifNotExists: true)
    try await db.create(Tag.self, ifNotExists: true)
    let duplicate = await databaseError { try await db.create(Tag.self) }
    #expect(duplicate?.code == .duplicateObject)
    try await db.execute("INSERT INTO tags (label) VALUES ('swift')")
    let unique = await databaseError { try await db.execute("INSERT INTO tags (label) VALUES ('swift')") }
    expectNames(unique, in: db, constraint: "tags_label_key", column: "label")

    try await db.drop(table: "missing", ifExists: true)
    let missing = await databaseError { try await db.drop(table: "missing") }
    #expect(missing?.code == .undefinedTable)
    try await db.drop(Tag.self)
    try await db.drop(Tag.self, ifExists: true)
    #expect(try await tableNames(db) == [])
  }
}
