/// A byte-for-byte copy of a SQLite database, as `sqlite3_serialize` writes it: what
/// ``SQLiteDatabase/image()`` returns and ``SQLiteDatabase/inMemory(copying:statementCacheCapacity:logging:)``
/// opens.
///
/// ```swift
/// let image = try await migrated.image()
/// let copy = try SQLiteDatabase.inMemory(copying: image)   // same tables and rows
/// ```
/// See https://www.sqlite.org/c3ref/serialize.html.
public struct SQLiteImage: Sendable, Hashable {
  /// The database file's bytes.
  public let bytes: [UInt8]

  /// An image of `bytes`, such as a database file read from disk. Whether they are a
  /// database is checked when one is opened from them.
  public init(bytes: [UInt8]) {
    self.bytes = bytes
  }
}
