#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PGBackend
import QueryBuilder
import Testing

// Copied from Tests/PGBackendTests/Support/PostgresTestServer.swift (test targets
// cannot share files), trimmed to what this target uses.

/// The throwaway server `scripts/test` starts, found through `WREN_TEST_POSTGRES_URL`.
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
    try await admin { try await $0.execute("DROP SCHEMA IF EXISTS \(identifier: schema) CASCADE; CREATE SCHEMA \(identifier: schema)") }
    var options = options
    options.serverSettings["search_path"] = SQLDialect.postgres.quoteIdentifier(schema)
    return try await PostgresConnection.connect(try requireURL(), options: patient(options))
  }

  /// Drops `schema` and everything in it.
  static func dropSchema(_ schema: String) async throws {
    try await admin { try await $0.execute("DROP SCHEMA IF EXISTS \(identifier: schema) CASCADE") }
  }

  /// Runs `body` on a short-lived superuser connection that keeps server notices
  /// ("schema does not exist, skipping") out of the test output.
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
