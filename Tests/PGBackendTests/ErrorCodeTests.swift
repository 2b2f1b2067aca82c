import Model
import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// Each error code is produced for real by the server (or by connecting), with the
/// fields the server gives, the classification pools and retry loops rely on, and a
/// `description` that never shows a bound value.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason), .timeLimit(.minutes(1)))
struct ErrorCodeTests {
  /// Bound in every failing statement below; it must never reach `description`.
  static let secret = "s3cret-7a1f@example.com"

  // MARK: Integrity constraints

  @Test func uniqueViolationNamesTheConstraintAndTable() async throws {
    try await PostgresTestServer.withConnection(schema: "errors_unique") { conn in
      try await conn.execute("CREATE TABLE users (id int8 PRIMARY KEY, email text CONSTRAINT users_email_key UNIQUE)")
      try await conn.execute("INSERT INTO users VALUES (1, \(Self.secret))")
      let sql: SQL = "INSERT INTO users VALUES (2, \(Self.secret))"
      let error = try await #require(throws: DatabaseError.self) { try await conn.execute(sql) }
      expect(error, is: .uniqueViolation, sqlState: "23505", sql: sql)
      #expect(error.constraint == "users_email_key")
      #expect(error.schema == "errors_unique")
      #expect(error.table == "users")
      #expect(error.detail == "Key (email) already exists.")  // the server's "=(value)" is cut out
    }
  }

  @Test func foreignKeyViolationNamesTheConstraintAndTable() async throws {
    try await PostgresTestServer.withConnection(schema: "errors_foreign_key") { conn in
      try await conn.execute("""
        CREATE TABLE parent (id int8 PRIMARY KEY);
        CREATE TABLE child (id int8, parent_id int8 CONSTRAINT child_parent_fkey REFERENCES parent, note text)
        """)
      let sql: SQL = "INSERT INTO child VALUES (1, \(Int64(987_654_321)), \(Self.secret))"
      let error = try await #require(throws: DatabaseError.self) { try await conn.execute(sql) }
      expect(error, is: .foreignKeyViolation, sqlState: "23503", sql: sql, alsoSecret: "987654321")
      #expect(error.constraint == "child_parent_fkey")
      #expect(error.table == "child")
      #expect(error.detail == "Key (parent_id) is not present in table \"parent\".")
    }
  }

  @Test func notNullViolationNamesTheColumnAndTable() async throws {
    try await PostgresTestServer.withConnection(schema: "errors_not_null") { conn in
      try await conn.execute("CREATE TABLE t (id int8, name text NOT NULL, note text)")
      let sql: SQL = "INSERT INTO t VALUES (1, \(nil as String?), \(Self.secret))"
      let error = try await #require(throws: DatabaseError.self) { try await conn.execute(sql) }
      expect(error, is: .notNullViolation, sqlState: "23502", sql: sql)
      #expect(error.column == "name")
      #expect(error.table == "t")
    }
  }

  @Test func checkViolationNamesTheConstraintAndTable() async throws {
    try await PostgresTestServer.withConnection(schema: "errors_check") { conn in
      try await conn.execute("CREATE TABLE t (n int8 CONSTRAINT positive CHECK (n > 0), note text)")
      let sql: SQL = "INSERT INTO t VALUES (\(Int64(-123_456_789)), \(Self.secret))"
      let error = try await #require(throws: DatabaseError.self) { try await conn.execute(sql) }
      expect(error, is: .checkViolation, sqlState: "23514", sql: sql, alsoSecret: "123456789")
      #expect(error.constraint == "positive")
      #expect(error.table == "t")
    }
  }

  @Test func exclusionViolationCutsBothKeysValuesFromTheDetail() async throws {
    try await PostgresTestServer.withConnection(schema: "errors_exclusion") { conn in
      try await conn.execute("CREATE TABLE booking (during int8range, CONSTRAINT no_overlap EXCLUDE USING gist (during WITH &&))")
      try await conn.execute("INSERT INTO booking VALUES (int8range(\(Int64(1_000_001)), \(Int64(1_000_010))))")
      let sql: SQL = "INSERT INTO booking VALUES (int8range(\(Int64(1_000_005)), \(Int64(1_000_015))))"
      let error = try await #require(throws: DatabaseError.self) { try await conn.execute(sql) }
      expect(error, is: .integrityConstraintViolation, sqlState: "23P01", sql: sql, alsoSecret: "100000")
      #expect(error.constraint == "no_overlap")
      #expect(error.detail == "Key (during) conflicts with existing key (during).")
    }
  }

  // MARK: Statement errors

  @Test(arguments: [
    ("SELEC", DatabaseError.Code.syntaxError, "42601"),
    ("SELECT * FROM no_such_table WHERE 1 =", .undefinedTable, "42P01"),
    ("SELECT no_such_column FROM t WHERE 1 =", .undefinedColumn, "42703"),
  ])
  func statementErrorsCarryTheirCodeAndTheSQL(_ prefix: String, _ code: DatabaseError.Code, _ sqlState: String) async throws {
    try await PostgresTestServer.withConnection(schema: "errors_\(sqlState.lowercased())") { conn in
      try await conn.execute("CREATE TABLE t (id int8)")
      let sql: SQL = "\(unsafeRaw: prefix) \(Self.secret)"
      let error = try await #require(throws: DatabaseError.self) { try await conn.fetchAll(sql) }
      expect(error, is: code, sqlState: sqlState, sql: sql)
      #expect(try await conn.fetchValue("SELECT 1", as: Int.self) == 1)
    }
  }

  @Test func statementTimeoutSettingCancelsWithQueryCanceled() async throws {
    let options = PostgresConnectionOptions(serverSettings: ["statement_timeout": "100ms"])
    try await PostgresTestServer.withConnection(schema: "errors_statement_timeout", options: options) { conn in
      let sql: SQL = "SELECT pg_sleep(5), \(Self.secret)::text"
      let (error, elapsed) = try await measure {
        try await #require(throws: DatabaseError.self) { try await conn.fetchAll(sql) }
      }
      expect(error, is: .queryCanceled, sqlState: "57014", sql: sql)
      #expect(error.message == "canceling statement due to statement timeout")
      #expect(elapsed < .seconds(2))
      #expect(try await conn.fetchValue("SELECT 1", as: Int.self) == 1)
    }
  }

  @Test func writeInAReadOnlyTransactionIsReadOnlyTransaction() async throws {
    try await PostgresTestServer.withConnection(schema: "errors_read_only") { conn in
      try await conn.execute("CREATE TABLE t (note text)")
      try await conn.execute("BEGIN READ ONLY")
      let sql: SQL = "INSERT INTO t VALUES (\(Self.secret))"
      let error = try await #require(throws: DatabaseError.self) { try await conn.execute(sql) }
      expect(error, is: .readOnlyTransaction, sqlState: "25006", sql: sql)
      #expect(conn.hasOpenTransaction)
      try await conn.execute("ROLLBACK")
      #expect(!conn.hasOpenTransaction)
    }
  }

  // MARK: Concurrency conflicts

  @Test func writeSkewBetweenSerializableTransactionsIsARetryableSerializationFailure() async throws {
    let schema = "errors_serialization"
    try await PostgresTestServer.withConnection(schema: schema) { a in
      try await a.execute("CREATE TABLE s (k int8, v int8); INSERT INTO s VALUES (1, 10), (2, 20)")
      try await PostgresTestServer.closing(try await PostgresTestServer.connect(searchPath: schema)) { b in
      // Each reads what the other writes: a read/write dependency cycle.
      try await a.execute("BEGIN ISOLATION LEVEL SERIALIZABLE")
      #expect(try await a.fetchValue("SELECT sum(v)::int8 FROM s WHERE k = \(1)", as: Int.self) == 10)
      try await b.execute("BEGIN ISOLATION LEVEL SERIALIZABLE")
      #expect(try await b.fetchValue("SELECT sum(v)::int8 FROM s WHERE k = \(2)", as: Int.self) == 20)
      try await a.execute("INSERT INTO s VALUES (2, \(Int64(1)))")
      try await b.execute("INSERT INTO s VALUES (1, \(Int64(1)))")
      try await a.execute("COMMIT")
      let error = try await #require(throws: DatabaseError.self) { try await b.execute("COMMIT") }
      expect(error, is: .serializationFailure, sqlState: "40001", retryable: true, sql: "COMMIT")
      #expect(!b.hasOpenTransaction)
      }
    }
  }

  @Test func locksTakenInOppositeOrderAreARetryableDeadlock() async throws {
    let schema = "errors_deadlock"
    let options = PostgresConnectionOptions(commandTimeout: .seconds(10))
    try await PostgresTestServer.withConnection(schema: schema, options: options) { a in
      try await a.execute("CREATE TABLE accounts (id int8 PRIMARY KEY, balance int8); INSERT INTO accounts VALUES (1, 0), (2, 0)")
      try await PostgresTestServer.closing(try await PostgresTestServer.connect(searchPath: schema, options: options)) { b in
      // b checks for deadlocks first, so b is the one the server picks as the victim;
      // lock_timeout keeps either from waiting forever if no deadlock is found.
      try await a.execute("SET deadlock_timeout = '10s'; SET lock_timeout = '5s'")
      try await b.execute("SET deadlock_timeout = '50ms'; SET lock_timeout = '5s'")
      try await a.execute("BEGIN")
      try await a.execute("UPDATE accounts SET balance = balance + 1 WHERE id = \(Int64(1))")
      try await b.execute("BEGIN")
      try await b.execute("UPDATE accounts SET balance = balance + 1 WHERE id = \(Int64(2))")
      let aWaits = Task { try await a.execute("UPDATE accounts SET balance = balance + 1 WHERE id = \(Int64(2))") }
      try await waitUntil("a waits for b's row lock") {
        try await b.fetchValue("SELECT \(b.backendPID) = ANY(pg_blocking_pids(\(a.backendPID)))", as: Bool.self) == true
      }
      let sql: SQL = "UPDATE accounts SET balance = balance + 1 WHERE id = \(Int64(1))"
      let error = try await #require(throws: DatabaseError.self) { try await b.execute(sql) }
      expect(error, is: .deadlockDetected, sqlState: "40P01", retryable: true, sql: sql)
      #expect(try await aWaits.value == 1)  // b's locks went with its failed statement
      try await b.execute("ROLLBACK")
      try await a.execute("COMMIT")
      #expect(try await a.fetchValue("SELECT sum(balance)::int8 FROM accounts", as: Int.self) == 2)
      }
    }
  }

  // MARK: Connecting

  @Test func tooManyConnectionsForARoleIsConnectionFatal() async throws {
    let role = "wren_errors_limited"
    try await PostgresTestServer.admin {
      try await $0.execute("DROP ROLE IF EXISTS \(identifier: role); CREATE ROLE \(identifier: role) LOGIN CONNECTION LIMIT 1")
    }
    let result: Result<DatabaseError, any Error>
    do {
      result = .success(try await withTimeout(.seconds(10)) {
        let url = try PostgresTestServer.url(user: role)
        return try await PostgresTestServer.closing(try await PostgresConnection.connect(url)) { first in
          #expect(try await first.fetchValue("SELECT current_user::text", as: String.self) == role)
          return try await #require(throws: DatabaseError.self) { try await PostgresConnection.connect(url) }
        }
      })
    } catch {
      result = .failure(error)
    }
    try await PostgresTestServer.admin { admin in
      try await waitUntil("the limited role's session ended") {
        try await admin.fetchValue("SELECT count(*) FROM pg_stat_activity WHERE usename = \(role)", as: Int.self) == 0
      }
      try await admin.execute("DROP ROLE \(identifier: role)")
    }
    let error = try result.get()
    expect(error, is: .tooManyConnections, sqlState: "53300", fatal: true)
    #expect(error.message.contains("too many connections for role"))
  }

  @Test(arguments: [
    ("database", DatabaseError.Code.invalidCatalogName, "3D000"),
    ("port", .connectionFailure, "08006"),
    ("role", .invalidAuthorization, "28000"),
  ])
  func failingToConnectIsConnectionFatal(_ wrong: String, _ code: DatabaseError.Code, _ sqlState: String) async throws {
    let url = switch wrong {
    case "database": try PostgresTestServer.url(database: "wren_no_such_database")
    case "port": try PostgresTestServer.url(port: try closedLocalPort())
    default: try PostgresTestServer.url(user: "wren_no_such_role")
    }
    let error = try await withTimeout(.seconds(10)) {
      try await #require(throws: DatabaseError.self) { try await PostgresConnection.connect(url) }
    }
    expect(error, is: code, sqlState: sqlState, fatal: true)
  }

  // MARK: Checks every error gets

  private func expect(_ error: DatabaseError, is code: DatabaseError.Code, sqlState: String,
                      retryable: Bool = false, fatal: Bool = false, sql: SQL? = nil, alsoSecret: String? = nil,
                      sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(error.code == code, "\(error.debugDescription)", sourceLocation: sourceLocation)
    #expect(error.sqlState == sqlState, sourceLocation: sourceLocation)
    #expect(error.isRetryable == retryable, sourceLocation: sourceLocation)
    #expect(error.isConnectionFatal == fatal, sourceLocation: sourceLocation)
    #expect(error.sql == sql?.render(.postgres).text, sourceLocation: sourceLocation)
    for secret in [Self.secret, alsoSecret].compactMap({ $0 }) {
      #expect(!error.description.contains(secret), "\(error.description)", sourceLocation: sourceLocation)
      #expect(!String(describing: error).contains(secret), sourceLocation: sourceLocation)
    }
    if let sql, sql.binds.contains(.text(Self.secret)) {
      #expect(error.debugDescription.contains(Self.secret), "binds belong in debugDescription", sourceLocation: sourceLocation)
    }
  }
}
