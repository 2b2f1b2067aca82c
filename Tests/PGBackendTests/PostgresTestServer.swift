#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PGBackend
import QueryBuilder
import Testing

/// The throwaway server `scripts/test` starts, found through `WREN_TEST_POSTGRES_URL`.
///
/// Locally without it, PostgreSQL suites are skipped with one line saying why; with
/// `CI=true` they always run, so a missing server fails them.
enum PostgresTestServer {
  static let url: String? = ProcessInfo.processInfo.environment["WREN_TEST_POSTGRES_URL"]

  static var isCI: Bool {
    ["true", "1", "yes"].contains(ProcessInfo.processInfo.environment["CI"]?.lowercased() ?? "")
  }

  /// Whether PostgreSQL suites run: a server is configured, or this is CI (where a
  /// missing server must fail, not skip).
  static var isEnabled: Bool { url != nil || isCI }

  static let skipReason: Comment = "WREN_TEST_POSTGRES_URL is not set: run scripts/test to start a throwaway PostgreSQL"

  /// The server's URL, or a failure explaining that none is configured.
  static func requireURL() throws -> String {
    guard let url else {
      throw MisuseError("WREN_TEST_POSTGRES_URL is not set (CI=true requires a PostgreSQL server; scripts/test starts one)")
    }
    return url
  }

  /// A connection whose `search_path` is a fresh schema of its own, so suites can
  /// run in parallel without seeing each other's tables.
  static func connect(schema: String, options: PostgresConnectionOptions = PostgresConnectionOptions()) async throws -> PostgresConnection {
    let url = try requireURL()
    let admin = try await PostgresConnection.connect(url)
    try await admin.execute("DROP SCHEMA IF EXISTS \(identifier: schema) CASCADE; CREATE SCHEMA \(identifier: schema)")
    await admin.close()
    var options = options
    options.serverSettings["search_path"] = schema
    return try await PostgresConnection.connect(url, options: options)
  }

  /// A plain connection to the test server.
  static func connect(options: PostgresConnectionOptions = PostgresConnectionOptions()) async throws -> PostgresConnection {
    try await PostgresConnection.connect(try requireURL(), options: options)
  }
}
