import CSQLite
import Model
import QueryBuilder

extension SQLiteDatabase {
  /// A copy of the whole database (its `main` schema: tables, indexes, rows), taken
  /// between statements. Works for file databases too.
  ///
  /// ```swift
  /// let image = try await db.image()
  /// ```
  /// See https://www.sqlite.org/c3ref/serialize.html.
  /// - Throws: ``MisuseError`` when the database is closed; ``DatabaseError``
  ///   (`.insufficientResources`) when SQLite cannot allocate the copy.
  public func image() async throws -> SQLiteImage {
    try await gate.enter()
    defer { gate.leave() }
    try connection.checkOpen()
    var size: sqlite3_int64 = 0
    guard let buffer = sqlite3_serialize(connection.db, "main", &size, 0) else {
      throw SQLiteErrorMapping.error(resultCode: SQLITE_NOMEM, db: connection.db, sql: nil, binds: [])
    }
    defer { sqlite3_free(buffer) }
    return SQLiteImage(bytes: Array(UnsafeBufferPointer(start: buffer, count: Int(size))))
  }

  /// A new in-memory database holding a private copy of `image`: changes to it reach
  /// neither the image nor other copies. Opening one costs a copy of the bytes, not
  /// the statements that built them, which makes it the fast way to a fresh database
  /// per test (see `TestDatabase` in WrenTesting).
  ///
  /// ```swift
  /// let db = try SQLiteDatabase.inMemory(copying: image)
  /// ```
  /// See https://www.sqlite.org/c3ref/deserialize.html.
  /// - Parameters:
  ///   - image: the database to copy.
  ///   - statementCacheCapacity: how many prepared statements to keep (0 disables).
  ///   - logging: how statements are logged.
  ///   - acquireTimeout: how long a caller waits for the connection while another
  ///     task holds it (nil: as long as it takes).
  /// - Throws: ``DatabaseError``: `.dataCorrupted` when `image` is not a SQLite
  ///   database, `.insufficientResources` when SQLite cannot allocate the copy.
  public static func inMemory(copying image: SQLiteImage,
                              statementCacheCapacity: Int = defaultStatementCacheCapacity,
                              logging: StatementLogging = .init(),
                              acquireTimeout: Duration? = defaultAcquireTimeout) throws -> SQLiteDatabase {
    let db = try inMemory(statementCacheCapacity: statementCacheCapacity, logging: logging, acquireTimeout: acquireTimeout)
    try db.connection.load(image)
    return db
  }
}

extension SQLiteConnectionHandle {
  /// Spare bytes allocated after a loaded image: a test's first rows fit without a
  /// reallocation of the whole database.
  static let imageHeadroom = 32 * 1024

  /// Replaces the (new, empty) `main` database with a copy of `image`, then reads its
  /// schema so that bytes which are not a database fail here, not at the first query.
  /// - Throws: ``DatabaseError``.
  func load(_ image: SQLiteImage) throws {
    let size = image.bytes.count
    // Room to grow before SQLite has to reallocate (and copy) the whole buffer.
    let capacity = size + Self.imageHeadroom
    // SQLite owns the copy (FREEONCLOSE) and may grow it (RESIZEABLE); it frees it on failure too.
    guard let copy = sqlite3_malloc64(sqlite3_uint64(capacity)) else {
      throw SQLiteErrorMapping.error(resultCode: SQLITE_NOMEM, db: db, sql: nil, binds: [])
    }
    image.bytes.withUnsafeBytes { bytes in
      if let base = bytes.baseAddress { copy.copyMemory(from: base, byteCount: size) }
    }
    let flags = UInt32(SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE)
    let loaded = sqlite3_deserialize(db, "main", copy.assumingMemoryBound(to: UInt8.self),
                                     sqlite3_int64(size), sqlite3_int64(capacity), flags)
    guard loaded == SQLITE_OK else {
      throw SQLiteErrorMapping.error(resultCode: loaded, db: db, sql: nil, binds: [])
    }
    let check = "SELECT count(*) FROM sqlite_schema"
    let read = sqlite3_exec(db, check, nil, nil, nil)
    guard read == SQLITE_OK else {
      throw SQLiteErrorMapping.error(resultCode: read, db: db, sql: check, binds: [])
    }
  }
}
