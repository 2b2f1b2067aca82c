#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PGBackend
import PostgresTestSupport
import QueryBuilder
import SQLiteTestBackend
import Testing

/// The two backends every test here runs against.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
  case sqlite
  case postgres

  var testDescription: String { rawValue }

  /// The backends a test parameterised by backend runs on (`@Test(arguments: Backend.available)`):
  /// SQLite always, PostgreSQL when ``PostgresTestServer/isEnabled`` (a server is
  /// configured, or `CI=true`, where a missing server must fail, never skip).
  ///
  /// So a plain `swift test` without a server still runs every SQLite case, and leaves
  /// the PostgreSQL cases out of the run instead of passing them: the test reports one
  /// case where a run with a server reports two.
  static var available: [Backend] {
    PostgresTestServer.isEnabled ? [.sqlite, .postgres] : [.sqlite]
  }
}

/// A fresh, empty database of one backend: an in-memory SQLite database, or a
/// connection to a PostgreSQL schema of its own (dropped again by ``close()``).
struct TestDatabase: Sendable {
  let backend: Backend
  let db: any Database
  private let closer: @Sendable () async -> Void

  /// Opens an empty database; `name` makes the PostgreSQL schema unique per test.
  static func open(_ backend: Backend, name: String) async throws -> TestDatabase {
    switch backend {
    case .sqlite:
      let db = try SQLiteDatabase.inMemory()
      return TestDatabase(backend: backend, db: db, closer: { await db.close() })
    case .postgres:
      // The pid keeps two concurrent runs of the suite apart.
      let schema = "cross_\(name)_\(ProcessInfo.processInfo.processIdentifier)"
      let conn = try await PostgresTestServer.connect(schema: schema)
      return TestDatabase(backend: backend, db: conn, closer: {
        await conn.close()
        try? await PostgresTestServer.dropSchema(schema)
      })
    }
  }

  /// Closes the database and drops its schema.
  func close() async { await closer() }
}

/// Runs `body` on a fresh database of `backend`, closing it afterwards (also on failure).
func withDatabase<T: Sendable>(_ backend: Backend, name: String,
                               _ body: (any Database) async throws -> T) async throws -> T {
  let database = try await TestDatabase.open(backend, name: name)
  do {
    let value = try await body(database.db)
    await database.close()
    return value
  } catch {
    await database.close()
    throw error
  }
}
