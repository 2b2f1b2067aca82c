import Logging
import Model
import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// Injection safety, what `execute` accepts, session settings and server facts.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason), .timeLimit(.minutes(1)))
struct MiscTests {
  // MARK: SQL injection

  @Test func injectionThroughABoundValueIsStoredAsText() async throws {
    try await PostgresTestServer.withConnection(schema: "misc_inject_value") { conn in
      try await conn.execute("CREATE TABLE victim (id int8); CREATE TABLE notes (body text)")
      let evil = "'; DROP TABLE victim; --"
      try await conn.execute("INSERT INTO notes VALUES (\(evil))")
      #expect(try await conn.fetchValue("SELECT body FROM notes WHERE body = \(evil)", as: String.self) == evil)
      #expect(try await Self.tableExists("victim", on: conn))
    }
  }

  @Test func injectionThroughAnIdentifierNamesOneWeirdTable() async throws {
    try await PostgresTestServer.withConnection(schema: "misc_inject_identifier") { conn in
      let weird = #"x"; DROP TABLE victim; --"#
      try await conn.execute("CREATE TABLE victim (id int8)")
      try await conn.execute("CREATE TABLE \(identifier: weird) (id int8)")
      try await conn.execute("INSERT INTO \(identifier: weird) VALUES (1)")
      #expect(try await conn.fetchValue("SELECT count(*) FROM \(identifier: weird)", as: Int.self) == 1)
      #expect(try await Self.tableExists(weird, on: conn))
      #expect(try await Self.tableExists("victim", on: conn))
    }
  }

  @Test func aNULByteInSQLTextIsAMisuseErrorAndNothingIsSent() async throws {
    try await PostgresTestServer.withConnection(schema: "misc_nul_sql") { conn in
      try await conn.execute("CREATE TABLE victim (id int8)")
      let sql = SQL(unsafeRaw: "SELECT 1\u{0}; DROP TABLE victim")
      await #expect(throws: MisuseError.self) { try await conn.execute(sql) }
      await #expect(throws: MisuseError.self) { try await conn.fetchAll(sql) }
      await #expect(throws: MisuseError.self) { for try await _ in conn.stream(sql) {} }
      #expect(try await Self.tableExists("victim", on: conn))
    }
  }

  // MARK: execute

  @Test func executeRunsSeveralStatementsWithoutBindsAndSumsChangedRows() async throws {
    try await PostgresTestServer.withConnection(schema: "misc_multi_statement") { conn in
      let changed = try await conn.execute("""
        CREATE TABLE m (n int8);
        INSERT INTO m SELECT generate_series(1, 5);
        UPDATE m SET n = n * 10 WHERE n <= 2;
        SELECT * FROM m;
        DELETE FROM m WHERE n = 5
        """)
      #expect(changed == 5 + 2 + 1)  // the SELECT reads rows but changes none
      #expect(try await conn.fetchAll("SELECT n FROM m ORDER BY n").map { try $0[0, as: Int.self] } == [3, 4, 10, 20])
    }
  }

  @Test func executeCountsChangedRowsOnly() async throws {
    try await PostgresTestServer.withConnection(schema: "misc_execute_count") { conn in
      try await conn.execute("CREATE TABLE m (n int8)")
      #expect(try await conn.execute("INSERT INTO m VALUES (\(Int64(1))), (\(Int64(2)))") == 2)
      #expect(try await conn.execute("UPDATE m SET n = n + 1 RETURNING n") == 2)
      #expect(try await conn.execute("SELECT * FROM m") == 0)
      #expect(try await conn.execute("SELECT * FROM m WHERE n > \(Int64(0))") == 0)
      #expect(try await conn.execute("DELETE FROM m WHERE n = \(Int64(3))") == 1)
    }
  }

  @Test func copyFromStdinThroughExecuteIsAMisuseErrorAndTheConnectionStillWorks() async throws {
    try await PostgresTestServer.withConnection(schema: "misc_copy") { conn in
      try await conn.execute("CREATE TABLE t (n int8); INSERT INTO t VALUES (1)")
      for copy in ["COPY t FROM STDIN", "COPY t TO STDOUT"] as [SQL] {
        let error = try await #require(throws: MisuseError.self) { try await conn.execute(copy) }
        #expect(error.message.contains("COPY"))
        #expect(!conn.hasOpenTransaction)
        #expect(try await conn.fetchValue("SELECT count(*) FROM t", as: Int.self) == 1)
      }
    }
  }

  // MARK: Session

  @Test func serverParametersIncludeTheVersionAndTimeZone() async throws {
    try await PostgresTestServer.withConnection(schema: "misc_parameters") { conn in
      let parameters = try await conn.serverParameters
      let version = try #require(parameters["server_version"])
      #expect(version.first?.isNumber == true)
      #expect(try await conn.fetchValue("SHOW server_version", as: String.self) == version)
      let timeZone = try #require(parameters["TimeZone"])
      #expect(try await conn.serverTimeZone == timeZone)
      #expect(parameters["client_encoding"] == "UTF8")
    }
  }

  @Test func serverSettingsApplyToTheSessionEvenWithSpacesAndBackslashes() async throws {
    let options = PostgresConnectionOptions(serverSettings: [
      "timezone": "Asia/Tokyo", "application_name": #"x y\z"#, "work_mem": "5MB",
    ])
    try await PostgresTestServer.withConnection(schema: "misc_settings", options: options) { conn async throws in
      #expect(try await conn.fetchValue("SHOW timezone", as: String.self) == "Asia/Tokyo")
      #expect(try await conn.fetchValue("SHOW application_name", as: String.self) == #"x y\z"#)
      #expect(try await conn.fetchValue("SHOW work_mem", as: String.self) == "5MB")
      #expect(try await conn.serverTimeZone == "Asia/Tokyo")
    }
  }

  @Test func applicationNameShowsInPgStatActivity() async throws {
    let options = PostgresConnectionOptions(applicationName: "wren misc tests")
    try await PostgresTestServer.withConnection(schema: "misc_application_name", options: options) { conn async throws in
      #expect(try await conn.fetchValue(
        "SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()", as: String.self) == "wren misc tests")
    }
  }

  @Test func hasOpenTransactionFollowsBeginCommitAndRollback() async throws {
    try await PostgresTestServer.withConnection(schema: "misc_in_transaction") { conn in
      #expect(!conn.hasOpenTransaction)
      try await conn.execute("BEGIN")
      #expect(conn.hasOpenTransaction)
      try await conn.execute("COMMIT")
      #expect(!conn.hasOpenTransaction)

      try await conn.execute("BEGIN")
      await #expect(throws: DatabaseError.self) { try await conn.execute("SELECT 1 / 0") }
      #expect(conn.hasOpenTransaction)  // failed, but not over until ROLLBACK
      try await conn.execute("ROLLBACK")
      #expect(!conn.hasOpenTransaction)
    }
  }

  // MARK: Logging

  @Test func serverNoticesGoToTheConnectionsLogger() async throws {
    let logs = LogRecorder()
    let options = PostgresConnectionOptions(logging: StatementLogging(logger: logs.logger))
    try await PostgresTestServer.withConnection(schema: "misc_notice", options: options) { conn in
      try await conn.execute("DO $$ BEGIN RAISE NOTICE 'hello from plpgsql %', 42; END $$")
      let notices = logs.entries.filter { $0.level == .notice }
      #expect(notices.map(\.message) == ["NOTICE:  hello from plpgsql 42"])
    }
    // With the default logger too: nothing crashes, the connection goes on.
    try await PostgresTestServer.withConnection(schema: "misc_notice_default") { conn in
      try await conn.execute("DO $$ BEGIN RAISE NOTICE 'hello again'; END $$")
      #expect(try await conn.fetchValue("SELECT 1", as: Int.self) == 1)
    }
  }

  @Test(arguments: [false, true])
  func everyStatementIsLoggedAtDebugWithItsDurationAndBindsOnlyWhenAsked(logBinds: Bool) async throws {
    let logs = LogRecorder()
    let options = PostgresConnectionOptions(logging: StatementLogging(logger: logs.logger, logBinds: logBinds))
    let secret = "s3cret-log-value"
    try await PostgresTestServer.withConnection(schema: "misc_logging_\(logBinds)", options: options) { conn in
      let statements: [SQL] = [
        "CREATE TABLE t (s text)",
        "INSERT INTO t VALUES (\(secret))",
        "SELECT s FROM t WHERE s = \(secret)",
      ]
      try await conn.execute(statements[0])
      #expect(try await conn.execute(statements[1]) == 1)
      #expect(try await conn.fetchAll(statements[2]).count == 1)
      let failing: SQL = "SELECT s::int8 FROM t WHERE s = \(secret)"
      await #expect(throws: DatabaseError.self) { try await conn.fetchAll(failing) }

      for (sql, rows) in zip(statements + [failing], ["0", "1", "1", nil]) {
        let text = sql.render(.postgres).text
        let records = logs.statements(text)
        try #require(records.count == 1, "\(text)")
        let record = records[0]
        #expect(record.level == .debug)
        let duration = try #require(record.metadata["duration_ms"]?.description).flatMap { Double($0) }
        #expect(duration.map { $0 >= 0 } == true, "\(text)")
        #expect(record.metadata["rows"]?.description == rows, "\(text)")
        switch record.metadata["binds"] {
        case nil: #expect(sql.binds.isEmpty, "\(text)")
        case .array(let values)?: #expect(logBinds && values.map(\.description) == ["'\(secret)'"], "\(text)")
        case let other?: #expect(!logBinds && other.description == "<1 redacted>", "\(text)")
        }
      }
      #expect(logs.statements(failing.render(.postgres).text).first?.metadata["error"] != nil)
      if !logBinds {
        for entry in logs.entries {
          #expect(!entry.message.contains(secret))
          #expect(!entry.metadata.values.contains { $0.description.contains(secret) }, "\(entry.metadata)")
        }
      }
    }
  }

  /// Whether `name` is a table in the connection's schema.
  static func tableExists(_ name: String, on conn: PostgresConnection) async throws -> Bool {
    try await conn.fetchValue(
      "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = \(name)", as: Int.self) == 1
  }
}
