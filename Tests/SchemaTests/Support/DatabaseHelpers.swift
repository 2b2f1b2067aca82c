import Model
import QueryBuilder
import Testing

/// The tables of the database's current schema, sorted.
func tableNames(_ db: any Database) async throws -> [String] {
  let sql: SQL = switch db.dialect {
  case .postgres: "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
  case .sqlite: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
  }
  return try await db.fetchAll(sql).map { try $0.decode(String.self, at: 0) }
}

/// The first column of every row, as `T`.
func column<T: SQLValueConvertible>(_ db: any Database, _ sql: SQL, as type: T.Type = T.self) async throws -> [T] {
  try await db.fetchAll(sql).map { try $0.decode(T.self, at: 0) }
}

/// The DatabaseError `body` throws (recorded as an issue when it throws none, or
/// something else).
@discardableResult
func databaseError(sourceLocation: SourceLocation = #_sourceLocation,
                   _ body: () async throws -> Void) async -> DatabaseError? {
  await #expect(throws: DatabaseError.self, sourceLocation: sourceLocation) { try await body() }
}

/// Checks that `error` names `constraint` where the backend reports constraint names
/// (PostgreSQL), and `column` where it reports columns (SQLite's messages name them).
func expectNames(_ error: DatabaseError?, in db: any Database, constraint: String?, column: String?,
                 sourceLocation: SourceLocation = #_sourceLocation) {
  switch db.dialect {
  case .postgres:
    if let constraint { #expect(error?.constraint == constraint, sourceLocation: sourceLocation) }
  case .sqlite:
    if let column { #expect(error?.column == column, sourceLocation: sourceLocation) }
  }
}
