import Foundation
import Model
import QueryBuilder
import SQLiteTestBackend

/// A fresh directory for database files, removed when `body` ends.
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
  let directory = FileManager.default.temporaryDirectory
    .appendingPathComponent("wren-sqlite-tests-\(UUID().uuidString)", isDirectory: true)
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }
  return try await body(directory)
}

/// An in-memory database with a `users` table (email unique, age checked).
func makeUsersDatabase() async throws -> SQLiteDatabase {
  let db = try SQLiteDatabase.inMemory()
  try await db.execute("""
    CREATE TABLE users(
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      email TEXT NOT NULL UNIQUE,
      age INTEGER CONSTRAINT positive_age CHECK (age >= 0)
    )
    """)
  return db
}

/// The error `body` throws, cast to `E`, or nil when it throws nothing or another type.
func caught<E: Error>(_ type: E.Type, _ body: () async throws -> Void) async -> E? {
  do {
    try await body()
    return nil
  } catch {
    return error as? E
  }
}

/// A date on Wren's microsecond grid (microseconds from 1970-01-01 UTC).
func date(microsecondsSince1970 micros: Int64) -> Date {
  SQLTimestamp.date(microsecondsSinceReferenceDate: micros - SQLTimestamp.unixEpochToReferenceMicroseconds)
}
