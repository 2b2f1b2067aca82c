import PostgresTestSupport
import QueryBuilder
import Synchronization
import Testing

/// The table the atomic-block tests write to, in SQL both backends accept.
enum Items {
  static let create: SQL = "CREATE TABLE items (n INTEGER NOT NULL PRIMARY KEY, note TEXT)"

  /// Inserts row `n`.
  static func insert(_ n: Int, into db: any Database) async throws {
    try await db.execute("INSERT INTO items (n) VALUES (\(n))")
  }

  /// The rows' numbers, ascending.
  static func numbers(_ db: any Database) async throws -> [Int] {
    try await db.fetchAll("SELECT n FROM items ORDER BY n").map { try $0.decode(Int.self, at: 0) }
  }

  /// How many rows there are.
  static func count(_ db: any Database) async throws -> Int {
    try await db.fetchValue("SELECT count(*) FROM items", as: Int.self) ?? 0
  }
}

/// Runs `body` on a fresh database of `backend` with the empty `items` table, bounded
/// by `limit` so that a deadlock fails the test instead of hanging the run.
@discardableResult
func withItems<T: Sendable>(_ backend: Backend, _ test: String, limit: Duration = .seconds(30),
                            _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
  try await withDatabase(backend, name: "atomic_\(test)") { db in
    try await db.execute(Items.create)
    return try await withTimeout(limit, test) { try await body(db) }
  }
}

/// An error a block throws on purpose; compared by value to check it is rethrown unchanged.
struct Boom: Error, Equatable {
  var tag: Int = 0
}

/// A retryable error, as a serialization failure would raise it.
func serializationFailure(_ attempt: Int) -> DatabaseError {
  DatabaseError(code: .serializationFailure, message: "could not serialize access (attempt \(attempt))")
}

/// A policy that retries almost at once, keeping retry tests fast.
let quickRetry = RetryPolicy(baseDelay: .milliseconds(1), maxDelay: .milliseconds(2))

/// A thread-safe log of events, for callbacks and tasks to write to.
final class EventLog: Sendable {
  private let events = Mutex<[String]>([])

  func append(_ event: String) { events.withLock { $0.append(event) } }

  var all: [String] { events.withLock { $0 } }
}

/// A thread-safe counter.
final class Counter: Sendable {
  private let value = Mutex(0)

  /// Adds one and returns the new value.
  @discardableResult
  func increment() -> Int { value.withLock { $0 += 1; return $0 } }

  var current: Int { value.withLock { $0 } }
}

extension RecordingDatabase {
  /// The recorded statements' texts.
  var texts: [String] { statements.map(\.text) }
}
