import QueryBuilder
import Testing

/// An in-memory SQLite database and a PostgreSQL schema seeded with the same rows.
struct SeededPair: Sendable {
  let sqlite: TestDatabase
  let postgres: TestDatabase

  /// The pair the read-only queries share, provided by ``SeededPairTrait``.
  @TaskLocal static var shared: SeededPair?

  /// Seeds a new pair; `name` makes the PostgreSQL schema unique.
  /// - Throws: when seeding fails, or the backends assigned different ids (then the
  ///   data would not be the same and no comparison would mean anything).
  static func open(name: String) async throws -> SeededPair {
    let sqlite = try await TestDatabase.open(.sqlite, name: name)
    let postgres: TestDatabase
    do {
      postgres = try await TestDatabase.open(.postgres, name: name)
    } catch {
      await sqlite.close()
      throw error
    }
    let pair = SeededPair(sqlite: sqlite, postgres: postgres)
    do {
      async let seededOnSQLite = Dataset.shared.seed(sqlite.db)
      let seededOnPostgres = try await Dataset.shared.seed(postgres.db)
      guard try await seededOnSQLite == seededOnPostgres else {
        throw MisuseError("the backends assigned different ids to the seeded rows")
      }
    } catch {
      await pair.close()
      throw error
    }
    return pair
  }

  func close() async {
    await sqlite.close()
    await postgres.close()
  }
}
