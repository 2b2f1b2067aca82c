import Model

extension Migrator {
  /// The key of the PostgreSQL session advisory lock that serialises migrators: the
  /// 64-bit FNV-1a hash of `"wren_migrations"`, as a signed `bigint`. It is fixed, so
  /// migrators of every version and process agree on it; in `pg_locks` it shows as
  /// `classid` (high 32 bits) and `objid` (low 32 bits) of an `advisory` lock.
  ///
  /// ```sql
  /// SELECT pg_advisory_lock(211312478148237349)
  /// ```
  public static let advisoryLockKey: Int64 = fnv1a64(MigrationsTable.name)

  /// Runs `body` holding the migrators' lock on `db`, where the dialect has one.
  ///
  /// PostgreSQL: `pg_advisory_lock` waits until no other session holds the key, and
  /// `pg_advisory_unlock` releases it afterwards, also when `body` throws or the task
  /// was cancelled. SQLite: a single connection serialises its statements already.
  /// See https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS.
  /// - Throws: `body`'s error; else the lock's or unlock's error.
  static func withMigrationLock<D: Database, T: Sendable>(_ db: D, _ body: () async throws -> T) async throws -> T {
    switch db.dialect {
    case .sqlite:
      return try await body()
    case .postgres:
      let key = advisoryLockKey
      try await db.execute("SELECT pg_advisory_lock(\(key))")
      let result: Result<T, any Error>
      do { result = .success(try await body()) } catch { result = .failure(error) }
      do {
        try await runIgnoringCancellation { try await db.execute("SELECT pg_advisory_unlock(\(key))") }
      } catch let unlockError {
        // The body's error says more; an unlock failing after it (a lost connection,
        // which releases the lock with the session) adds nothing.
        if case .failure(let error) = result { throw error }
        throw unlockError
      }
      return try result.get()
    }
  }
}

/// The 64-bit FNV-1a hash of `text`'s UTF-8 bytes, bit-cast to a signed integer.
func fnv1a64(_ text: String) -> Int64 {
  var hash: UInt64 = 0xcbf2_9ce4_8422_2325
  for byte in text.utf8 {
    hash ^= UInt64(byte)
    hash = hash &* 0x0000_0100_0000_01b3
  }
  return Int64(bitPattern: hash)
}
