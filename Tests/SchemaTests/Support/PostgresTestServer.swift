#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PGBackend
import QueryBuilder
import Testing

/// The throwaway server `scripts/test` starts, found through `WREN_TEST_POSTGRES_URL`
/// (the same contract as Tests/PGBackendTests/Support/PostgresTestServer.swift).
///
/// Locally without it, PostgreSQL suites are skipped with one line saying why; with
/// `CI=true` they always run, so a missing server fails them.
enum PostgresTestServer {
  /// `options` with a generous connect timeout: the whole suite connects at once on a
  /// two-core machine, and a slow fork of a server process is not what tests test.
  static func patient(_ options: PostgresConnectionOptions) -> PostgresConnectionOptions {
    var options = options
    options.connectTimeout = .seconds(60)
    return options
  }

  static let url: String? = ProcessInfo.processInfo.environment["WREN_TEST_POSTGRES_URL"]

  static var isCI: Bool {
    ["true", "1", "yes"].contains(ProcessInfo.processInfo.environment["CI"]?.lowercased() ?? "")
  }

  /// Whether PostgreSQL suites run.
  static var isEnabled: Bool { url != nil || isCI }

  static let skipReason: Comment = "WREN_TEST_POSTGRES_URL is not set: run scripts/test to start a throwaway PostgreSQL"

  /// The server's URL, or a failure explaining that none is configured.
  static func requireURL() throws -> String {
    guard let url else {
      throw MisuseError("WREN_TEST_POSTGRES_URL is not set (CI=true requires a PostgreSQL server; scripts/test starts one)")
    }
    return url
  }

  /// A connection whose `search_path` is `schema` (which must exist). Notices
  /// ("relation already exists, skipping") are kept out of the test output.
  static func connect(searchPath schema: String) async throws -> PostgresConnection {
    var options = PostgresConnectionOptions(serverSettings: ["client_min_messages": "warning"])
    options.serverSettings["search_path"] = SQLDialect.postgres.quoteIdentifier(schema)
    return try await PostgresConnection.connect(try requireURL(), options: patient(options))
  }

  /// Runs `body` with a connection to a fresh `schema` of its own, then closes the
  /// connection and drops the schema with everything in it, also when `body` fails.
  static func withSchema<T: Sendable>(_ schema: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
    try await admin { try await $0.execute("DROP SCHEMA IF EXISTS \(identifier: schema) CASCADE; CREATE SCHEMA \(identifier: schema)") }
    let conn = try await connect(searchPath: schema)
    let result: Result<T, any Error>
    do { result = .success(try await body(conn)) } catch { result = .failure(error) }
    await conn.close()
    try await admin { try await $0.execute("DROP SCHEMA IF EXISTS \(identifier: schema) CASCADE") }
    return try result.get()
  }

  /// Runs `body` on a short-lived connection without a schema of its own.
  @discardableResult
  static func admin<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
    let conn = try await PostgresConnection.connect(
      try requireURL(), options: patient(PostgresConnectionOptions(serverSettings: ["client_min_messages": "warning"])))
    do {
      let value = try await body(conn)
      await conn.close()
      return value
    } catch {
      await conn.close()
      throw error
    }
  }
}
