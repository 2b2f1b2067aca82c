import Model
import QueryBuilder
import Testing

@Suite struct DatabaseErrorTests {
  // MARK: Classification

  static let retryableCodes: Set<Code> = [.serializationFailure, .deadlockDetected, .databaseBusy]
  static let connectionFatalCodes: Set<Code> = [.connectionFailure, .adminShutdown, .tooManyConnections]

  @Test(arguments: DatabaseErrorCodeTests.allCodes)
  func onlySerializationFailuresDeadlocksAndBusyAreRetryable(_ code: Code) {
    let error = DatabaseError(code: code, message: "m")
    #expect(error.isRetryable == Self.retryableCodes.contains(code))
  }

  @Test(arguments: DatabaseErrorCodeTests.allCodes)
  func connectionFatalityFollowsTheCodeByDefault(_ code: Code) {
    let error = DatabaseError(code: code, message: "m")
    #expect(error.isConnectionFatal == Self.connectionFatalCodes.contains(code))
  }

  @Test func descriptionCutsAHugeStatementButSQLKeepsAllOfIt() {
    let sql = "INSERT INTO t VALUES " + String(repeating: "($1), ", count: 10_000)
    let error = DatabaseError(code: .uniqueViolation, message: "m", sql: sql)
    #expect(error.sql == sql)
    #expect(error.description.count < DatabaseError.descriptionSQLLimit + 200)
    #expect(error.description.hasSuffix("… (\(sql.count - DatabaseError.descriptionSQLLimit) more characters)"))
    let short = DatabaseError(code: .uniqueViolation, message: "m", sql: "SELECT 1")
    #expect(short.description.hasSuffix("sql: SELECT 1"))
  }

  @Test func backendsCanOverrideConnectionFatality() {
    // An error raised while connecting is fatal whatever its code, and a server
    // shutdown notice on a connection that survived is not.
    #expect(DatabaseError(code: .invalidAuthorization, message: "m", isConnectionFatal: true).isConnectionFatal)
    #expect(!DatabaseError(code: .adminShutdown, message: "m", isConnectionFatal: false).isConnectionFatal)
  }

  @Test func sqlStateDefaultsToTheCodesAndCanBeGiven() {
    #expect(DatabaseError(code: .uniqueViolation, message: "m").sqlState == "23505")
    #expect(DatabaseError(code: .databaseBusy, message: "m").sqlState == nil)
    #expect(DatabaseError(code: .duplicateObject, sqlState: "42710", message: "m").sqlState == "42710")
  }

  // MARK: Printing

  private static let failedInsert = DatabaseError(
    code: .uniqueViolation, message: "duplicate key value violates unique constraint \"users_email_key\"",
    detail: "Key (email) already exists.", hint: "Use another email.",
    constraint: "users_email_key", schema: "public", table: "users", column: "email",
    sql: "INSERT INTO users(email, password) VALUES ($1, $2)",
    binds: [.text("ann@example.com"), .text("hunter2-secret")], nativeCode: 2067)

  @Test func descriptionNamesCodeStateMessageDetailHintAndSQL() {
    #expect(Self.failedInsert.description == """
      uniqueViolation (23505): duplicate key value violates unique constraint "users_email_key"
        detail: Key (email) already exists.
        hint: Use another email.
        sql: INSERT INTO users(email, password) VALUES ($1, $2)
      """)
  }

  @Test func descriptionNeverShowsBoundValues() {
    for text in [Self.failedInsert.description, String(describing: Self.failedInsert), "\(Self.failedInsert)"] {
      #expect(!text.contains("hunter2-secret"))
      #expect(!text.contains("ann@example.com"))
    }
  }

  @Test func debugDescriptionAddsEveryFieldAndTheBinds() {
    let debug = Self.failedInsert.debugDescription
    #expect(debug.hasPrefix(Self.failedInsert.description))
    #expect(debug.contains("constraint: users_email_key"))
    #expect(debug.contains("schema: public"))
    #expect(debug.contains("table: users"))
    #expect(debug.contains("column: email"))
    #expect(debug.contains("'hunter2-secret'"))
    #expect(debug.contains("'ann@example.com'"))
    #expect(String(reflecting: Self.failedInsert) == debug)
  }

  @Test func minimalErrorPrintsCodeAndMessageOnly() {
    let error = DatabaseError(code: .databaseBusy, message: "database is locked")
    #expect(error.description == "databaseBusy: database is locked")
    #expect(error.debugDescription == "databaseBusy: database is locked")
  }

  // MARK: Pattern matching

  private func insertUser() throws {
    throw Self.failedInsert
  }

  @Test func catchClauseMatchesOnTheCode() {
    var caught: String?
    do {
      try insertUser()
    } catch let error as DatabaseError where error.code == .foreignKeyViolation {
      caught = "foreign key"
    } catch let error as DatabaseError where error.code == .uniqueViolation {
      caught = error.constraint
    } catch {
      caught = "other"
    }
    #expect(caught == "users_email_key")
  }

  @Test(arguments: [
    (Code.uniqueViolation, "duplicate"),
    (.serializationFailure, "retry"),
    (.deadlockDetected, "retry"),
    (.connectionFailure, "reconnect"),
    (.syntaxError, "bug"),
  ])
  func switchMatchesCodesByValue(_ code: Code, _ action: String) {
    let error = DatabaseError(code: code, message: "m")
    let chosen = switch error.code {
    case .uniqueViolation: "duplicate"
    case .serializationFailure, .deadlockDetected: "retry"
    case .connectionFailure: "reconnect"
    default: "bug"
    }
    #expect(chosen == action)
  }

  @Test func errorThrownAsAnyErrorIsFoundByCast() {
    let error: any Error = DatabaseError(code: .deadlockDetected, message: "m")
    #expect((error as? DatabaseError)?.isRetryable == true)
  }
}
