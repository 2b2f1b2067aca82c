import Model
import QueryBuilder
import SQLiteTestBackend
import Testing

/// What `execute`, `fetchAll` and `fetchOne` run and report.
@Suite struct ExecuteTests {
  @Test func executeReportsRowsChangedByInsertUpdateAndDelete() async throws {
    let db = try await makeUsersDatabase()
    #expect(try await db.execute("INSERT INTO users(name, email) VALUES ('a', 'a'), ('b', 'b'), ('c', 'c')") == 3)
    #expect(try await db.execute("UPDATE users SET age = \(30) WHERE name <> \("a")") == 2)
    #expect(try await db.execute("DELETE FROM users WHERE age IS NULL") == 1)
  }

  @Test func executeReportsZeroForStatementsThatChangeNoRowsNotAStaleCount() async throws {
    let db = try await makeUsersDatabase()
    #expect(try await db.execute("INSERT INTO users(name, email) VALUES ('a', 'a'), ('b', 'b')") == 2)
    #expect(try await db.execute("CREATE TABLE other(x)") == 0)
    #expect(try await db.execute("SELECT * FROM users") == 0)
    #expect(try await db.execute("UPDATE users SET age = 1 WHERE id = \(-1)") == 0)
    #expect(try await db.execute("PRAGMA user_version = 3") == 0)
  }

  @Test func executeRunsAScriptOfSeveralStatementsInOrder() async throws {
    let db = try SQLiteDatabase.inMemory()
    let changed = try await db.execute("""
      CREATE TABLE a(x INTEGER PRIMARY KEY);   -- a comment between statements
      CREATE TABLE b(y INTEGER REFERENCES a(x));
      /* a block comment */ INSERT INTO a VALUES (1), (2);
      INSERT INTO b VALUES (1);;
      -- trailing comment
      """)
    #expect(changed == 3)
    let count: Int? = try await db.fetchValue("SELECT count(*) FROM b")
    #expect(count == 1)
  }

  @Test func scriptStopsAtTheFirstFailingStatementKeepingEarlierEffects() async throws {
    let db = try SQLiteDatabase.inMemory()
    let error = await caught(DatabaseError.self) {
      try await db.execute("CREATE TABLE a(x); INSERT INTO missing VALUES (1); CREATE TABLE c(z)")
    }
    #expect(error?.code == .undefinedTable)
    #expect(try await db.fetchAll("SELECT * FROM a").isEmpty)
    await #expect(throws: DatabaseError.self) { _ = try await db.fetchAll("SELECT * FROM c") }
  }

  @Test func pragmaInAScriptTakesEffectOnlyWhenItsTurnComes() async throws {
    // SQLite runs some pragmas while preparing them: the script runner must not
    // prepare ahead of the statements before them.
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE t(x); INSERT INTO t VALUES (1); PRAGMA query_only = ON")
    let count: Int? = try await db.fetchValue("SELECT count(*) FROM t")
    #expect(count == 1)
  }

  @Test func trailingSemicolonsAndCommentsAreNotExtraStatements() async throws {
    let db = try SQLiteDatabase.inMemory()
    let value: Int? = try await db.fetchValue("SELECT \(7);  ;\n-- done\n/* really */")
    #expect(value == 7)
  }

  @Test func oneStatementWithBindsAndATrailingSemicolonIsNotAScript() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE t(x)")
    #expect(try await db.execute("INSERT INTO t VALUES (\(1)), (\(2));  -- two rows\n") == 2)
  }

  @Test func sqlWithoutStatementsDoesNothing() async throws {
    let db = try SQLiteDatabase.inMemory()
    #expect(try await db.execute("  -- only a comment\n") == 0)
    #expect(try await db.fetchAll(";").isEmpty)
    #expect(try await db.fetchOne("/* nothing */") == nil)
  }

  @Test func fetchOneStepsOnlyToTheFirstRow() async throws {
    // The second row would overflow: fetchAll fails, fetchOne never computes it.
    // (No ORDER BY: sorting would compute every row before the first is returned.)
    let db = try SQLiteDatabase.inMemory()
    let sql: SQL = "SELECT CASE WHEN v = 1 THEN 1 ELSE abs(\(Int64.min)) END FROM (SELECT 1 AS v UNION ALL SELECT 2)"
    let first = try await db.fetchOne(sql)
    #expect(try first?.decode(Int.self, at: 0) == 1)
    await #expect(throws: DatabaseError.self) { _ = try await db.fetchAll(sql) }
    #expect(try await db.fetchOne(sql) != nil)  // and the cached statement was rewound
  }

  @Test func fetchOneOfInsertReturningKeepsTheInsert() async throws {
    let db = try await makeUsersDatabase()
    let row = try await db.fetchOne(
      "INSERT INTO users(name, email) VALUES ('a', 'a'), ('b', 'b') RETURNING id, name")
    #expect(try row?["name", as: String.self] == "a")
    let count: Int? = try await db.fetchValue("SELECT count(*) FROM users")
    #expect(count == 2)
  }

  @Test func fetchAllReturnsRowsSharingOneStorageAndColumnList() async throws {
    let db = try SQLiteDatabase.inMemory()
    let rows = try await db.fetchAll("SELECT 1 AS a, 'x' AS b UNION ALL SELECT 2, 'y' UNION ALL SELECT 3, NULL")
    #expect(rows.count == 3)
    #expect(rows.allSatisfy { $0.columns === rows[0].columns })
    #expect(rows.map { Array($0.values) } == [[.int(1), .text("x")], [.int(2), .text("y")], [.int(3), .null]])
    #expect(rows[0].columns.names == ["a", "b"])
  }

  @Test func fetchValueReadsTheFirstColumnOfTheFirstRow() async throws {
    let db = try SQLiteDatabase.inMemory()
    let name: String? = try await db.fetchValue("SELECT \("Ada"), 2")
    #expect(name == "Ada")
    let none: Int? = try await db.fetchValue("SELECT NULL")
    #expect(none == nil)
  }
}

/// Requests that cannot work are ``MisuseError``s raised before any SQL runs.
@Suite struct MisuseTests {
  @Test func nulInSQLTextIsAMisuseError() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE t(x)")
    let error = await caught(MisuseError.self) { try await db.execute(SQL(unsafeRaw: "DELETE FROM t\u{0}; DROP TABLE t")) }
    #expect(error?.message.contains("NUL") == true)
    await #expect(throws: MisuseError.self) { _ = try await db.fetchAll(SQL(unsafeRaw: "SELECT 1\u{0}")) }
    await #expect(throws: MisuseError.self) { _ = try await db.fetchOne(SQL(unsafeRaw: "SELECT 1\u{0}")) }
    await #expect(throws: MisuseError.self) { for try await _ in db.stream(SQL(unsafeRaw: "SELECT 1\u{0}")) {} }
    #expect(try await db.fetchAll("SELECT * FROM t").isEmpty)
  }

  @Test func bindCountThatDoesNotMatchThePlaceholdersIsAMisuseErrorNamingBoth() async throws {
    let db = try SQLiteDatabase.inMemory()
    let tooFew = await caught(MisuseError.self) { _ = try await db.fetchOne(SQL(unsafeRaw: "SELECT ?1, ?2")) }
    #expect(tooFew?.message.contains("2 bind parameters") == true)
    #expect(tooFew?.message.contains("0 values") == true)
    let tooMany = await caught(MisuseError.self) { _ = try await db.fetchOne("SELECT 1 \(SQL(unsafeRaw: "-- ")) \(5)") }
    #expect(tooMany?.message.contains("0 bind parameters") == true)
    #expect(tooMany?.message.contains("1 value was") == true)
  }

  @Test func fetchingFromSeveralStatementsIsAMisuseErrorAndRunsNone() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE t(x)")
    let error = await caught(MisuseError.self) { _ = try await db.fetchAll("SELECT 1; INSERT INTO t VALUES (1)") }
    #expect(error?.message.contains("several") == true)
    await #expect(throws: MisuseError.self) { _ = try await db.fetchOne("SELECT 1; INSERT INTO t VALUES (1)") }
    #expect(try await db.fetchAll("SELECT * FROM t").isEmpty)
  }

  @Test func scriptWithBindsIsAMisuseErrorAndRunsNothing() async throws {
    let db = try SQLiteDatabase.inMemory()
    await #expect(throws: MisuseError.self) {
      try await db.execute("CREATE TABLE t(x); INSERT INTO t VALUES (\(1))")
    }
    await #expect(throws: DatabaseError.self) { _ = try await db.fetchAll("SELECT * FROM t") }
  }

  @Test func scriptStatementWithAPlaceholderButNoBindIsAMisuseError() async throws {
    let db = try SQLiteDatabase.inMemory()
    await #expect(throws: MisuseError.self) {
      try await db.execute(SQL(unsafeRaw: "CREATE TABLE t(x); INSERT INTO t VALUES (?1)"))
    }
  }

  @Test func usingAClosedDatabaseIsAMisuseError() async throws {
    let db = try SQLiteDatabase.inMemory()
    await db.close()
    await db.close()  // idempotent
    let error = await caught(MisuseError.self) { _ = try await db.fetchOne("SELECT 1") }
    #expect(error?.message.contains("closed") == true)
    await #expect(throws: MisuseError.self) { try await db.execute("SELECT 1") }
    await #expect(throws: MisuseError.self) { for try await _ in db.stream("SELECT 1") {} }
    db.interrupt()  // harmless once closed
  }
}
