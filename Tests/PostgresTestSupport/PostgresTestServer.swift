#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PGBackend
import QueryBuilder
import Testing

/// The throwaway server `scripts/test` starts, found through `WREN_TEST_POSTGRES_URL`,
/// shared by every test target that talks to PostgreSQL.
///
/// Locally without it, PostgreSQL suites are skipped with one line saying why, and
/// tests parameterised by backend run their SQLite cases only; with `CI=true` they
/// always run, so a missing server fails them.
public enum PostgresTestServer {
  /// `options` with a generous connect timeout: the whole suite connects at once on a
  /// two-core machine, and a slow fork of a server process is not what tests test.
  public static func patient(_ options: PostgresConnectionOptions) -> PostgresConnectionOptions {
    var options = options
    options.connectTimeout = .seconds(60)
    return options
  }

  public static let url: String? = ProcessInfo.processInfo.environment["WREN_TEST_POSTGRES_URL"]

  public static var isCI: Bool {
    ["true", "1", "yes"].contains(ProcessInfo.processInfo.environment["CI"]?.lowercased() ?? "")
  }

  /// Whether PostgreSQL suites and cases run: a server is configured, or this is CI
  /// (where a missing server must fail, not skip).
  public static var isEnabled: Bool { url != nil || isCI }

  public static let skipReason: Comment = "WREN_TEST_POSTGRES_URL is not set: run scripts/test to start a throwaway PostgreSQL"

  /// How long one test may take before it fails instead of hanging the run.
  public static let defaultTimeLimit: Duration = .seconds(20)

  /// The server's URL, or a failure explaining that none is configured.
  public static func requireURL() throws -> String {
    guard let url else {
      throw MisuseError("WREN_TEST_POSTGRES_URL is not set (CI=true requires a PostgreSQL server; scripts/test starts one)")
    }
    return url
  }

  /// A connection whose `search_path` is a fresh schema of its own, so suites can
  /// run in parallel without seeing each other's tables.
  public static func connect(schema: String, options: PostgresConnectionOptions = PostgresConnectionOptions()) async throws -> PostgresConnection {
    try await admin { try await $0.execute("DROP SCHEMA IF EXISTS \(identifier: schema) CASCADE; CREATE SCHEMA \(identifier: schema)") }
    return try await connect(searchPath: schema, options: options)
  }

  /// Another connection to a schema made by ``connect(schema:options:)`` (the schema is
  /// left as it is).
  public static func connect(searchPath schema: String, options: PostgresConnectionOptions = PostgresConnectionOptions()) async throws -> PostgresConnection {
    var options = options
    options.serverSettings["search_path"] = SQLDialect.postgres.quoteIdentifier(schema)
    return try await PostgresConnection.connect(try requireURL(), options: patient(options))
  }

  /// A plain connection to the test server.
  public static func connect(options: PostgresConnectionOptions = PostgresConnectionOptions()) async throws -> PostgresConnection {
    try await PostgresConnection.connect(try requireURL(), options: patient(options))
  }

  /// Runs `body` on a connection to a fresh `schema`, bounded by `timeLimit`; then
  /// closes the connection and drops the schema with everything in it, also when
  /// `body` fails. Each test names its own schema, so tests run in parallel.
  public static func withConnection<T: Sendable>(
    schema: String, options: PostgresConnectionOptions = PostgresConnectionOptions(),
    timeLimit: Duration = defaultTimeLimit,
    _ body: @escaping @Sendable (PostgresConnection) async throws -> T
  ) async throws -> T {
    let conn = try await connect(schema: schema, options: options)
    let result: Result<T, any Error>
    do {
      result = .success(try await withTimeout(timeLimit) { try await body(conn) })
    } catch {
      result = .failure(error)
    }
    // A timed-out body may still hold the connection; closing would wait for it.
    if case .failure(let error) = result, error is TimeoutError {} else { await conn.close() }
    try await dropSchema(schema)
    return try result.get()
  }

  /// Runs `body` with a connection to a fresh `schema` of its own (server notices kept
  /// out of the output), then closes the connection and drops the schema with
  /// everything in it, also when `body` fails.
  public static func withSchema<T: Sendable>(_ schema: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
    let conn = try await connect(schema: schema, options: PostgresConnectionOptions(serverSettings: ["client_min_messages": "warning"]))
    let result: Result<T, any Error>
    do { result = .success(try await body(conn)) } catch { result = .failure(error) }
    await conn.close()
    try await dropSchema(schema)
    return try result.get()
  }

  /// Drops `schema` and everything in it.
  public static func dropSchema(_ schema: String) async throws {
    try await admin { try await $0.execute("DROP SCHEMA IF EXISTS \(identifier: schema) CASCADE") }
  }

  /// Runs `body` on a short-lived superuser connection that keeps server notices
  /// ("schema does not exist, skipping") out of the test output.
  @discardableResult
  public static func admin<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
    try await closing(try await connect(options: PostgresConnectionOptions(serverSettings: ["client_min_messages": "warning"])), body)
  }

  /// Runs `body` with `conn`, then closes it, also when `body` fails.
  public static func closing<T>(_ conn: PostgresConnection, _ body: (PostgresConnection) async throws -> T) async throws -> T {
    do {
      let value = try await body(conn)
      await conn.close()
      return value
    } catch {
      await conn.close()
      throw error
    }
  }

  /// The URL of the test server with another user and/or database.
  public static func url(user: String? = nil, database: String? = nil, port: Int? = nil) throws -> String {
    guard var components = URLComponents(string: try requireURL()) else {
      throw MisuseError("WREN_TEST_POSTGRES_URL is not a URL")
    }
    if let user { components.user = user }
    if let database { components.path = "/" + database }
    if let port { components.port = port }
    guard let url = components.string else { throw MisuseError("cannot rebuild the test server URL") }
    return url
  }
}
