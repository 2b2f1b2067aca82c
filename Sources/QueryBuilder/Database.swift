import Model

/// The async executor every backend implements; everything above it (CRUD, queries,
/// atomic blocks, migrations) is written once against it.
///
/// ```swift
/// let n = try await db.execute("UPDATE users SET age = age + 1 WHERE id = \(id)")
/// let rows = try await db.fetchAll("SELECT * FROM users WHERE age > \(18)")
/// let total: Int64? = try await db.fetchValue("SELECT count(*) FROM users")
/// for try await row in db.stream("SELECT * FROM big_table") { ... }
/// ```
public protocol Database: Sendable {
  /// The SQL dialect statements are rendered in.
  var dialect: SQLDialect { get }

  /// Runs one statement and returns the number of rows it changed (0 for statements
  /// that change none).
  /// - Throws: ``DatabaseError``, ``MisuseError``, or `CancellationError`.
  @discardableResult
  func execute(_ sql: SQL) async throws -> Int

  /// Runs one statement and returns all of its rows.
  /// - Throws: ``DatabaseError``, ``MisuseError``, or `CancellationError`.
  func fetchAll(_ sql: SQL) async throws -> [Row]

  /// Runs one statement and returns its first row, or nil when it returns none.
  /// - Throws: ``DatabaseError``, ``MisuseError``, or `CancellationError`.
  func fetchOne(_ sql: SQL) async throws -> Row?

  /// A lazily consumed sequence of the statement's rows; the statement runs when
  /// iteration starts, and stopping early leaves the connection clean.
  func stream(_ sql: SQL) -> RowSequence

  /// Takes one connection for a transaction, held until the session is released
  /// (the atomic-block machinery's primitive; apps use `atomic` or `begin`).
  /// - Throws: ``DatabaseError`` when no connection can be had; `CancellationError`.
  func openSession() async throws -> any DatabaseSession

  /// Identifies what this database's statements run on, so that statements a task
  /// runs inside an atomic block are routed to the block's connection. Wrappers of
  /// another database return the wrapped one's key.
  var sessionKey: ObjectIdentifier { get }
}

extension Database {
  /// The first column of the first row as `T`, or nil when there is no row or the
  /// value is NULL.
  ///
  /// ```swift
  /// let count: Int64? = try await db.fetchValue("SELECT count(*) FROM users")
  /// ```
  /// - Throws: ``DatabaseError``, or ``RowDecodingError`` when the value is not a `T`.
  public func fetchValue<T: SQLValueConvertible>(_ sql: SQL, as type: T.Type = T.self) async throws -> T? {
    guard let row = try await fetchOne(sql), row.count > 0 else { return nil }
    return try row.decode(Optional<T>.self, at: 0)
  }
}
