import PGBackend
import PostgresTestSupport
import QueryBuilder
import Synchronization

/// Pools for tests: each on a schema of its own, named after it in `application_name`
/// so that its server connections can be counted and killed.
enum PoolTest {
  /// Runs `body` with a pool on a fresh schema of its own on `url` (the shared test
  /// server by default); the pool is terminated and the schema dropped afterwards.
  static func withPool(_ schema: String, _ options: PoolOptions, url: String? = nil,
                       timeLimit: Duration = .seconds(30),
                       _ body: @escaping @Sendable (PostgresDatabase) async throws -> Void) async throws {
    let url = try url ?? PostgresTestServer.requireURL()
    try await admin(url) {
      try await $0.execute("DROP SCHEMA IF EXISTS \(identifier: schema) CASCADE; CREATE SCHEMA \(identifier: schema)")
    }
    var options = options
    options.connection.serverSettings["search_path"] = SQLDialect.postgres.quoteIdentifier(schema)
    options.connection.applicationName = schema
    options.connection.connectTimeout = .seconds(60)
    let pool = try await PostgresDatabase(url: url, pool: options)
    let result: Result<Void, any Error>
    do {
      try await withTimeout(timeLimit) { try await body(pool) }
      result = .success(())
    } catch {
      result = .failure(error)
    }
    pool.terminate()
    _ = try? await admin(url) { try await $0.execute("DROP SCHEMA IF EXISTS \(identifier: schema) CASCADE") }
    try result.get()
  }

  /// Runs `body` on a short-lived connection to `url` that keeps notices quiet.
  @discardableResult
  static func admin<T: Sendable>(_ url: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
    let options = PostgresConnectionOptions(serverSettings: ["client_min_messages": "warning"])
    return try await PostgresTestServer.closing(try await PostgresConnection.connect(url, options: options), body)
  }

  /// Server connections open under `applicationName`, as `pg_stat_activity` shows them.
  static func serverConnections(_ applicationName: String, url: String? = nil) async throws -> Int {
    try await admin(try url ?? PostgresTestServer.requireURL()) {
      try await $0.fetchValue("SELECT count(*) FROM pg_stat_activity WHERE application_name = \(applicationName)",
                              as: Int.self) ?? -1
    }
  }
}

/// A value shared by the tasks of a test.
final class SharedBox<T: Sendable>: Sendable {
  let value: Mutex<T>
  init(_ value: T) { self.value = Mutex(value) }
  /// The current value.
  var current: T { value.withLock { $0 } }
  /// Changes the value.
  func update(_ change: (inout T) -> Void) { value.withLock { change(&$0) } }
}

/// What the workers of a fault test saw: ids reported written, and errors.
struct WriteLedger: Sendable {
  /// Ids whose write was reported successful.
  var confirmed: Set<Int64> = []
  /// Writes that failed the way a lost connection makes them fail.
  var connectionErrors = 0
  /// Anything else: each one a bug.
  var unexpected: [String] = []

  /// Files `error` as expected (the connection, server or commit was lost) or not.
  mutating func record(_ error: any Error) {
    switch error {
    case let error as DatabaseError where error.isConnectionFatal || error.code == .adminShutdown
      || error.sqlState == "57P03" || error.code == .connectionFailure:
      connectionErrors += 1
    case is CommitOutcomeUnknown, is PoolError:
      connectionErrors += 1
    case let failure as TransactionFailure:
      record(failure.blockError)
    default:
      unexpected.append(String(describing: error))
    }
  }
}
