import Logging
import Model
@testable import QueryBuilder
import Synchronization
import Testing

/// Every statement goes through one door: a database that implements only the
/// primitives gets routing into atomic blocks, timeouts and logging from it, and a
/// statement inside a block never reaches the database's own primitives.
@Suite struct StatementEntryPointTests {
  /// A backend with nothing but primitives, writing down where each statement went.
  final class PrimitiveDatabase: Database {
    let dialect: SQLDialect = .postgres
    let log = Mutex<[String]>([])
    let logging: StatementLogging

    init(logging: StatementLogging = .standard) { self.logging = logging }

    var statementLogging: StatementLogging { logging }
    var defaultStatementTimeout: Duration? { .seconds(7) }
    var sessionKey: ObjectIdentifier { ObjectIdentifier(self) }
    var entries: [String] { log.withLock { $0 } }

    func note(_ place: String, _ request: StatementRequest) {
      log.withLock { $0.append("\(place): \(request.rendered.text) [\(request.timeout.map { "\($0)" } ?? "no limit")]") }
    }

    func runExecute(_ request: StatementRequest) async throws -> Int { note("database", request); return 1 }
    func runFetchAll(_ request: StatementRequest) async throws -> [Row] { note("database", request); return [] }
    func runFetchOne(_ request: StatementRequest) async throws -> Row? { note("database", request); return nil }
    func runStream(_ request: StatementRequest) async throws -> any RowCursor {
      note("database", request)
      return EmptyCursor()
    }
    func openSession() async throws -> any DatabaseSession { Session(database: self) }
  }

  final class Session: DatabaseSession {
    let database: PrimitiveDatabase
    init(database: PrimitiveDatabase) { self.database = database }
    var dialect: SQLDialect { .postgres }
    func runExecute(_ request: StatementRequest) async throws -> Int { database.note("session", request); return 1 }
    func runFetchAll(_ request: StatementRequest) async throws -> [Row] { database.note("session", request); return [] }
    func runFetchOne(_ request: StatementRequest) async throws -> Row? { database.note("session", request); return nil }
    func runStream(_ request: StatementRequest) async throws -> any RowCursor {
      database.note("session", request)
      return EmptyCursor()
    }
    func release(discard: Bool) async {}
  }

  final class EmptyCursor: RowCursor {
    func next() async throws -> Row? { nil }
    func close() async {}
  }

  @Test func outsideABlockStatementsReachThePrimitivesWithTheDefaultTimeout() async throws {
    let db = PrimitiveDatabase()
    try await db.execute("UPDATE t SET a = \(1)")
    _ = try await db.fetchAll("SELECT 1", timeout: .seconds(2))
    _ = try await db.fetchOne("SELECT 2", timeout: nil)
    for try await _ in db.stream("SELECT 3") {}
    #expect(db.entries == ["database: UPDATE t SET a = $1 [7.0 seconds]", "database: SELECT 1 [2.0 seconds]",
                           "database: SELECT 2 [no limit]", "database: SELECT 3 [7.0 seconds]"])
  }

  @Test func insideABlockEveryStatementGoesToTheBlocksSessionNeverThePrimitives() async throws {
    let db = PrimitiveDatabase()
    try await db.atomic {
      try await db.execute("INSERT INTO t VALUES (\(1))")
      _ = try await db.fetchAll("SELECT 1")
      _ = try await db.fetchOne("SELECT 2")
      for try await _ in db.stream("SELECT 3") {}
      try await db.executeMany("INSERT INTO t VALUES ($1)", [[SQLValue.int(2)], [.int(3)]])
    }
    #expect(db.entries.allSatisfy { $0.hasPrefix("session: ") }, "\(db.entries)")
    #expect(db.entries.map { String($0.prefix { $0 != "[" }.dropLast()) } == [
      "session: BEGIN", "session: INSERT INTO t VALUES ($1)", "session: SELECT 1", "session: SELECT 2",
      "session: SELECT 3", "session: SAVEPOINT \"sp_1\"", "session: INSERT INTO t VALUES ($1)",
      "session: INSERT INTO t VALUES ($1)", "session: RELEASE SAVEPOINT \"sp_1\"", "session: COMMIT",
    ])
  }

  @Test func aStatementThatFailsToRenderNeverReachesTheBackend() async throws {
    let db = PrimitiveDatabase()
    await #expect(throws: MisuseError.self) { try await db.execute("SELECT '\u{0}'") }
    #expect(db.entries.isEmpty)
  }

  @Test func theDoorLogsEveryStatementOnceWithItsRows() async throws {
    let handler = CapturingLogHandler()
    let db = PrimitiveDatabase(logging: StatementLogging(logger: handler.logger()))
    try await db.execute("DELETE FROM t")
    try await db.atomic { _ = try await db.fetchAll("SELECT 1") }
    let logged = handler.recorded.compactMap { $0.metadata["sql"]?.description }
    #expect(logged == ["DELETE FROM t", "SELECT 1"])
  }
}
