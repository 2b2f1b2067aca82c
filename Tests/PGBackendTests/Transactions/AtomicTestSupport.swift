import Model
import PGBackend
import PostgresTestSupport
import QueryBuilder
import Synchronization
import Testing

/// What the atomic-block suites share: several connections to one schema, a meeting
/// point for tasks, counters, a seeded random generator.
enum AtomicTestSupport {
  /// Options that keep server notices and warnings ("there is no transaction in
  /// progress") out of the test output.
  static let quiet = PostgresConnectionOptions(serverSettings: ["client_min_messages": "error"])

  /// `quiet` with more server settings.
  static func quiet(_ settings: [String: String]) -> PostgresConnectionOptions {
    var options = quiet
    options.serverSettings.merge(settings) { _, new in new }
    return options
  }

  /// Runs `body` with `count` connections to a fresh `schema` (the first one made
  /// it), bounded by `timeLimit`; then closes them and drops the schema, also when
  /// `body` fails. A body that timed out may still hold a connection and its locks,
  /// so then the connections' server processes are terminated instead.
  static func withConnections<T: Sendable>(
    schema: String, count: Int, options: PostgresConnectionOptions = quiet,
    timeLimit: Duration = .seconds(15),
    _ body: @escaping @Sendable ([PostgresConnection]) async throws -> T
  ) async throws -> T {
    var connections: [PostgresConnection] = []
    do {
      connections.append(try await PostgresTestServer.connect(schema: schema, options: options))
      while connections.count < count {
        connections.append(try await PostgresTestServer.connect(searchPath: schema, options: options))
      }
    } catch {
      for conn in connections { await conn.close() }
      try? await PostgresTestServer.dropSchema(schema)
      throw error
    }
    let all = connections
    let result: Result<T, any Error>
    do {
      result = .success(try await withTimeout(timeLimit) { try await body(all) })
    } catch {
      result = .failure(error)
    }
    if case .failure(let error) = result, error is TimeoutError {
      try? await terminate(all)
    } else {
      for conn in all { await conn.close() }
    }
    try await PostgresTestServer.dropSchema(schema)
    return try result.get()
  }

  /// Terminates the server processes of `connections` from an admin connection and
  /// waits until they are gone.
  static func terminate(_ connections: [PostgresConnection]) async throws {
    try await PostgresTestServer.admin { admin in
      for conn in connections {
        _ = try await admin.fetchAll("""
          SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE pid = \(conn.backendPID)
          """)
      }
    }
  }

  /// Terminates `conn`'s server process from `other` (a superuser's connection that
  /// is already open, so no time goes into connecting) and waits until it is gone.
  static func terminate(_ conn: PostgresConnection, from other: PostgresConnection) async throws {
    let terminated = try await other.fetchValue("SELECT pg_terminate_backend(\(conn.backendPID), 5000)", as: Bool.self)
    #expect(terminated == true)
  }

  /// Whether `conn`'s server process is sleeping in `pg_sleep` (a statement, or a
  /// trigger during COMMIT), as `observer` sees it.
  static func isSleeping(_ conn: PostgresConnection, seenBy observer: PostgresConnection) async throws -> Bool {
    try await observer.fetchValue("""
      SELECT count(*) FROM pg_stat_activity WHERE pid = \(conn.backendPID) AND wait_event = 'PgSleep'
      """, as: Int.self) == 1
  }

  /// Whether `conn`'s server process waits for a lock, as `observer` sees it.
  static func isWaitingForALock(_ conn: PostgresConnection, seenBy observer: PostgresConnection) async throws -> Bool {
    (try await observer.fetchValue("SELECT cardinality(pg_blocking_pids(\(conn.backendPID)))", as: Int.self) ?? 0) > 0
  }

  /// A setting in milliseconds, as `SHOW` prints it ("0", "250ms", "2s", "1min").
  static func milliseconds(_ shown: String) -> Int? {
    let units: [(String, Int)] = [("ms", 1), ("min", 60_000), ("s", 1000), ("h", 3_600_000), ("d", 86_400_000)]
    for (unit, factor) in units where shown.hasSuffix(unit) {
      return Int(shown.dropLast(unit.count)).map { $0 * factor }
    }
    return Int(shown)
  }

  /// The value of `SHOW name` on `db` (inside a block when the task is in one).
  static func show(_ name: String, on db: some Database) async throws -> String? {
    try await db.fetchValue("SHOW \(unsafeRaw: name)", as: String.self)
  }
}

/// A meeting point: each `arrive()` waits until `parties` tasks have arrived. Used to
/// make races deterministic (both transactions have read before either writes).
actor Rendezvous {
  private let parties: Int
  private var arrived = 0
  private var waiting: [CheckedContinuation<Void, Never>] = []

  init(parties: Int) {
    self.parties = parties
  }

  func arrive() async {
    arrived += 1
    if arrived >= parties {
      for continuation in waiting { continuation.resume() }
      waiting.removeAll()
      return
    }
    await withCheckedContinuation { waiting.append($0) }
  }
}

/// A counter callbacks and tasks can bump from anywhere.
final class Counter: Sendable {
  private let count = Mutex(0)

  func add(_ amount: Int = 1) { count.withLock { $0 += amount } }

  var value: Int { count.withLock { $0 } }
}

/// A thrown error a test planned.
struct PlannedFailure: Error, Equatable {
  let label: String
}

