#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

/// The table where ``Migrator`` records applied migrations:
/// `wren_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL)` (TEXT on
/// SQLite), made with Wren's own DDL.
enum MigrationsTable {
  /// The table's name.
  static let name = "wren_migrations"

  /// Its schema.
  static let schema = TableSchema(name: name, columns: [
    ColumnSchema(name: "id", property: "id", type: .text, isNullable: false, isPrimaryKey: true),
    ColumnSchema(name: "applied_at", property: "appliedAt", type: .timestamp, isNullable: false),
  ])

  /// Whether the table exists (in the schema a plain `wren_migrations` resolves to).
  /// Asked rather than provoked: a failed SELECT would abort an enclosing PostgreSQL
  /// transaction.
  static func exists(_ db: some Database) async throws -> Bool {
    switch db.dialect {
    case .postgres:
      // to_regclass follows search_path, as unqualified statements do.
      return try await db.fetchValue("SELECT to_regclass(\(name)) IS NOT NULL", as: Bool.self) ?? false
    case .sqlite:
      let count = try await db.fetchValue(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = \(name)", as: Int64.self)
      return (count ?? 0) > 0
    }
  }

  /// Creates the table unless it exists.
  static func createIfMissing(_ db: some Database) async throws {
    if try await !exists(db) { try await db.execute(CreateTable(schema, ifNotExists: true)) }
  }

  /// The recorded ids, in the order they were applied.
  static func appliedIDs(_ db: some Database) async throws -> [String] {
    let rows = try await db.fetchAll("SELECT \(identifier: "id") FROM \(identifier: name) ORDER BY \(identifier: "applied_at"), \(identifier: "id")")
    return try rows.map { try $0.decode(String.self, at: 0) }
  }

  /// Records `id` as applied at `date`.
  static func record(_ id: String, at date: Date, _ db: some Database) async throws {
    try await db.execute("INSERT INTO \(identifier: name) (\(identifier: "id"), \(identifier: "applied_at")) VALUES (\(id), \(date))")
  }
}
