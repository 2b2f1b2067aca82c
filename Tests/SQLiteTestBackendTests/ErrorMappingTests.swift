import Foundation
import Model
import QueryBuilder
@testable import SQLiteTestBackend
import Testing

/// Each `DatabaseError.Code` the SQLite backend maps, produced by real SQLite, with the
/// details parsed from its message.
@Suite struct ErrorMappingTests {
  /// SQLite's primary result codes (https://www.sqlite.org/rescode.html).
  enum ResultCode {
    static let error: Int32 = 1, busy: Int32 = 5, locked: Int32 = 6, noMemory: Int32 = 7
    static let interrupt: Int32 = 9, ioError: Int32 = 10, corrupt: Int32 = 11, full: Int32 = 13
    static let cantOpen: Int32 = 14, tooBig: Int32 = 18, constraint: Int32 = 19, mismatch: Int32 = 20
    static let auth: Int32 = 23
  }

  @Test func duplicateUniqueValueIsUniqueViolationNamingTableAndColumn() async throws {
    let db = try await makeUsersDatabase()
    try await db.execute("INSERT INTO users(name, email) VALUES (\("A"), \("a@example.com"))")
    let error = await caught(DatabaseError.self) {
      try await db.execute("INSERT INTO users(name, email) VALUES (\("B"), \("a@example.com"))")
    }
    let e = try #require(error)
    #expect(e.code == .uniqueViolation)
    #expect(e.sqlState == "23505")
    #expect(e.nativeCode == 2067)  // SQLITE_CONSTRAINT_UNIQUE
    #expect(e.table == "users")
    #expect(e.column == "email")
    #expect(e.message == "UNIQUE constraint failed: users.email")
    #expect(e.sql == "INSERT INTO users(name, email) VALUES (?1, ?2)")
    #expect(e.binds == [.text("B"), .text("a@example.com")])
    #expect(!e.isRetryable)
    #expect(!e.isConnectionFatal)
  }

  @Test func duplicatePrimaryKeyIsUniqueViolation() async throws {
    let db = try await makeUsersDatabase()
    try await db.execute("INSERT INTO users(id, name, email) VALUES (1, 'A', 'a')")
    let error = await caught(DatabaseError.self) {
      try await db.execute("INSERT INTO users(id, name, email) VALUES (1, 'B', 'b')")
    }
    #expect(error?.code == .uniqueViolation)
    #expect(error?.table == "users")
    #expect(error?.column == "id")
  }

  @Test func duplicateCompositeKeyNamesEveryColumn() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE t(a INTEGER, b INTEGER, PRIMARY KEY (a, b)) WITHOUT ROWID")
    try await db.execute("INSERT INTO t VALUES (1, 2)")
    let error = await caught(DatabaseError.self) { try await db.execute("INSERT INTO t VALUES (1, 2)") }
    #expect(error?.code == .uniqueViolation)
    #expect(error?.nativeCode == 1555)  // SQLITE_CONSTRAINT_PRIMARYKEY
    #expect(error?.table == "t")
    #expect(error?.column == "a, b")
  }

  @Test func duplicateInUniqueExpressionIndexNamesTheIndex() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE t(s TEXT); CREATE UNIQUE INDEX t_lower_s ON t(lower(s))")
    try await db.execute("INSERT INTO t VALUES ('x')")
    let error = await caught(DatabaseError.self) { try await db.execute("INSERT INTO t VALUES ('X')") }
    #expect(error?.code == .uniqueViolation)
    #expect(error?.constraint == "t_lower_s")
  }

  @Test func missingParentRowIsForeignKeyViolation() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("""
      CREATE TABLE parent(id INTEGER PRIMARY KEY);
      CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id))
      """)
    let error = await caught(DatabaseError.self) {
      try await db.execute("INSERT INTO child(parent_id) VALUES (\(42))")
    }
    #expect(error?.code == .foreignKeyViolation)
    #expect(error?.sqlState == "23503")
    #expect(error?.nativeCode == 787)
  }

  @Test func nullInNotNullColumnIsNotNullViolationNamingTheColumn() async throws {
    let db = try await makeUsersDatabase()
    let error = await caught(DatabaseError.self) {
      try await db.execute("INSERT INTO users(name, email) VALUES (\(SQLValue.null), 'e')")
    }
    #expect(error?.code == .notNullViolation)
    #expect(error?.sqlState == "23502")
    #expect(error?.table == "users")
    #expect(error?.column == "name")
  }

  @Test func failedNamedCheckIsCheckViolationNamingTheConstraint() async throws {
    let db = try await makeUsersDatabase()
    let error = await caught(DatabaseError.self) {
      try await db.execute("INSERT INTO users(name, email, age) VALUES ('n', 'e', \(-1))")
    }
    #expect(error?.code == .checkViolation)
    #expect(error?.sqlState == "23514")
    #expect(error?.constraint == "positive_age")
  }

  @Test func triggerAbortIsIntegrityConstraintViolation() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("""
      CREATE TABLE t(x INTEGER);
      CREATE TRIGGER no_sevens BEFORE INSERT ON t WHEN NEW.x = 7 BEGIN SELECT RAISE(ABORT, 'no sevens'); END
      """)
    let error = await caught(DatabaseError.self) { try await db.execute("INSERT INTO t VALUES (7)") }
    #expect(error?.code == .integrityConstraintViolation)
    #expect(error?.message == "no sevens")
  }

  @Test func wrongTypeInStrictTableIsDatatypeMismatch() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE t(n INTEGER) STRICT")
    let error = await caught(DatabaseError.self) { try await db.execute("INSERT INTO t VALUES (\("text"))") }
    #expect(error?.code == .datatypeMismatch)
    #expect(error?.table == "t")
    #expect(error?.column == "n")
  }

  @Test func nonIntegerRowidIsDatatypeMismatch() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE t(x)")
    let error = await caught(DatabaseError.self) { try await db.execute("INSERT INTO t(rowid, x) VALUES ('a', 1)") }
    #expect(error?.code == .datatypeMismatch)
    #expect(error?.nativeCode == ResultCode.mismatch)
  }

  @Test func malformedSQLIsSyntaxError() async throws {
    let db = try SQLiteDatabase.inMemory()
    for sql: SQL in ["SELEC 1", "SELECT (1", "SELECT 'unterminated", "SELECT 1 FROM"] {
      let error = await caught(DatabaseError.self) { _ = try await db.fetchAll(sql) }
      #expect(error?.code == .syntaxError, "\(sql)")
      #expect(error?.sqlState == "42601")
    }
  }

  @Test func unknownTableIsUndefinedTable() async throws {
    let db = try SQLiteDatabase.inMemory()
    let error = await caught(DatabaseError.self) { _ = try await db.fetchAll("SELECT * FROM missing") }
    #expect(error?.code == .undefinedTable)
    #expect(error?.sqlState == "42P01")
    #expect(error?.table == "missing")
  }

  @Test func unknownColumnIsUndefinedColumn() async throws {
    let db = try await makeUsersDatabase()
    let selected = await caught(DatabaseError.self) { _ = try await db.fetchAll("SELECT nope FROM users") }
    #expect(selected?.code == .undefinedColumn)
    #expect(selected?.sqlState == "42703")
    #expect(selected?.column == "nope")
    let inserted = await caught(DatabaseError.self) { try await db.execute("INSERT INTO users(nope) VALUES (1)") }
    #expect(inserted?.code == .undefinedColumn)
    #expect(inserted?.table == "users")
    #expect(inserted?.column == "nope")
  }

  @Test func unknownFunctionIsUndefinedFunction() async throws {
    let db = try SQLiteDatabase.inMemory()
    let error = await caught(DatabaseError.self) { _ = try await db.fetchAll("SELECT no_such_function(1)") }
    #expect(error?.code == .undefinedFunction)
  }

  @Test func creatingAnExistingTableIsDuplicateObject() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE t(x)")
    let error = await caught(DatabaseError.self) { try await db.execute("CREATE TABLE t(x)") }
    #expect(error?.code == .duplicateObject)
  }

  @Test func integerOverflowIsNumericValueOutOfRange() async throws {
    let db = try SQLiteDatabase.inMemory()
    let error = await caught(DatabaseError.self) { _ = try await db.fetchOne("SELECT abs(\(Int64.min))") }
    #expect(error?.code == .numericValueOutOfRange)
  }

  @Test func oversizedValueIsStringDataRightTruncation() async throws {
    let db = try SQLiteDatabase.inMemory()
    let error = await caught(DatabaseError.self) { _ = try await db.fetchOne("SELECT zeroblob(2000000000)") }
    #expect(error?.code == .stringDataRightTruncation)
    #expect(error?.nativeCode == ResultCode.tooBig)
  }

  @Test func fullDatabaseIsInsufficientResources() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("PRAGMA max_page_count = 8; CREATE TABLE t(b BLOB)")
    let error = await caught(DatabaseError.self) {
      try await db.execute("INSERT INTO t VALUES (zeroblob(1000000))")
    }
    #expect(error?.code == .insufficientResources)
    #expect(error?.nativeCode == ResultCode.full)
  }

  @Test func writeLockHeldByAnotherConnectionIsRetryableDatabaseBusy() async throws {
    try await withTemporaryDirectory { directory in
      let path = directory.appendingPathComponent("busy.sqlite").path
      let writer = try SQLiteDatabase(path: path)
      let other = try SQLiteDatabase(path: path)
      try await writer.execute("CREATE TABLE t(x)")
      try await writer.execute("BEGIN IMMEDIATE")
      try await writer.execute("INSERT INTO t VALUES (1)")
      let error = await caught(DatabaseError.self) { try await other.execute("INSERT INTO t VALUES (2)") }
      #expect(error?.code == .databaseBusy)
      #expect(error?.isRetryable == true)
      #expect(error.map { SQLiteResultCode.primary($0.nativeCode ?? 0) } == ResultCode.busy)
      // Readers are not blocked in WAL mode, and the write succeeds once the lock is gone.
      let count: Int? = try await other.fetchValue("SELECT count(*) FROM t")
      #expect(count == 0)
      try await writer.execute("COMMIT")
      #expect(try await other.execute("INSERT INTO t VALUES (2)") == 1)
    }
  }

  @Test func busyTimeoutWaitsThatLongBeforeReportingDatabaseBusy() async throws {
    try await withTemporaryDirectory { directory in
      let path = directory.appendingPathComponent("timeout.sqlite").path
      let writer = try SQLiteDatabase(path: path)
      let other = try SQLiteDatabase(path: path, busyTimeout: .milliseconds(60))
      try await writer.execute("CREATE TABLE t(x); BEGIN IMMEDIATE")
      let start = ContinuousClock.now
      let error = await caught(DatabaseError.self) { try await other.execute("INSERT INTO t VALUES (1)") }
      let waited = ContinuousClock.now - start
      try await writer.execute("ROLLBACK")
      #expect(error?.code == .databaseBusy)
      #expect(waited >= .milliseconds(50))
    }
  }

  @Test func writeThroughReadOnlyOpenIsReadOnlyTransaction() async throws {
    try await withTemporaryDirectory { directory in
      let path = directory.appendingPathComponent("ro.sqlite").path
      let writer = try SQLiteDatabase(path: path)
      try await writer.execute("CREATE TABLE t(x); INSERT INTO t VALUES (1)")
      let reader = try SQLiteDatabase(path: path, readOnly: true)
      let count: Int? = try await reader.fetchValue("SELECT count(*) FROM t")
      #expect(count == 1)
      let error = await caught(DatabaseError.self) { try await reader.execute("INSERT INTO t VALUES (2)") }
      #expect(error?.code == .readOnlyTransaction)
      #expect(error?.sqlState == "25006")
    }
  }

  @Test func writeUnderQueryOnlyPragmaIsReadOnlyTransaction() async throws {
    let db = try SQLiteDatabase.inMemory()
    try await db.execute("CREATE TABLE t(x); PRAGMA query_only = ON")
    let error = await caught(DatabaseError.self) { try await db.execute("INSERT INTO t VALUES (1)") }
    #expect(error?.code == .readOnlyTransaction)
  }

  @Test func fileThatIsNotADatabaseIsDataCorrupted() async throws {
    try await withTemporaryDirectory { directory in
      let url = directory.appendingPathComponent("garbage.sqlite")
      try Data(repeating: 0x5A, count: 8192).write(to: url)
      let error = await caught(DatabaseError.self) { _ = try SQLiteDatabase(path: url.path) }
      #expect(error?.code == .dataCorrupted)
      #expect(error?.isConnectionFatal == true)
    }
  }

  @Test func unopenablePathIsConnectionFailure() async throws {
    try await withTemporaryDirectory { directory in
      let path = directory.appendingPathComponent("no/such/dir/db.sqlite").path
      let error = await caught(DatabaseError.self) { _ = try SQLiteDatabase(path: path) }
      #expect(error?.code == .connectionFailure)
      #expect(error?.isConnectionFatal == true)
      let readOnly = await caught(DatabaseError.self) {
        _ = try SQLiteDatabase(path: directory.appendingPathComponent("missing.sqlite").path, readOnly: true)
      }
      #expect(readOnly?.code == .connectionFailure)
    }
  }

  @Test func errorDescriptionOmitsBoundValuesButDebugDescriptionHasThem() async throws {
    let db = try await makeUsersDatabase()
    try await db.execute("INSERT INTO users(name, email) VALUES ('a', \("secret@example.com"))")
    let error = try #require(await caught(DatabaseError.self) {
      try await db.execute("INSERT INTO users(name, email) VALUES ('b', \("secret@example.com"))")
    })
    #expect(!error.description.contains("secret@example.com") || error.description.contains("users.email"))
    #expect(error.description.contains("?1"))
    #expect(!String(describing: error.sql ?? "").contains("secret"))
    #expect(error.debugDescription.contains("'secret@example.com'"))
  }

  @Test func connectionAnswersNormallyAfterAnError() async throws {
    let db = try await makeUsersDatabase()
    _ = await caught(DatabaseError.self) { _ = try await db.fetchAll("SELECT * FROM missing") }
    _ = await caught(DatabaseError.self) { try await db.execute("INSERT INTO users(name) VALUES (NULL)") }
    #expect(try await db.execute("INSERT INTO users(name, email) VALUES ('a', 'b')") == 1)
  }

  /// The pure mapping, for codes that are hard to provoke on one private connection.
  @Test(arguments: [
    (ResultCode.locked, "database table is locked", DatabaseError.Code.databaseBusy),
    (ResultCode.busy | (2 << 8), "database is locked", .databaseBusy),   // BUSY_SNAPSHOT
    (ResultCode.interrupt, "interrupted", .queryCanceled),
    (ResultCode.corrupt, "database disk image is malformed", .dataCorrupted),
    (ResultCode.noMemory, "out of memory", .insufficientResources),
    (ResultCode.cantOpen, "unable to open database file", .connectionFailure),
    (ResultCode.constraint, "constraint failed", .integrityConstraintViolation),
    (ResultCode.auth, "not authorized", .insufficientPrivilege),
    (ResultCode.ioError, "disk I/O error", .other),
    (ResultCode.error, "incomplete input", .syntaxError),
    (ResultCode.error, "unrecognized token: \"'x\"", .syntaxError),
    (ResultCode.error, "no such table: main.t", .undefinedTable),
    (ResultCode.error, "something else", .other),
  ])
  func extendedResultCodeMapsToTheMatchingCode(resultCode: Int32, message: String, expected: DatabaseError.Code) {
    #expect(SQLiteErrorMapping.code(extendedCode: resultCode, message: message) == expected)
  }

  @Test func qualifiedMissingTableNameIsSplitIntoSchemaAndTable() {
    let error = SQLiteErrorMapping.databaseError(extendedCode: ResultCode.error, message: "no such table: main.t",
                                                 sql: nil, binds: [])
    #expect(error.schema == "main")
    #expect(error.table == "t")
  }
}
