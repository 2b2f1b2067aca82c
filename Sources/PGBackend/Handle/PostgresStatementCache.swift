import Model
import QueryBuilder

/// A statement prepared on the server, with what `Describe` told about it.
struct PreparedStatement {
  /// The server-side name (empty for the unnamed statement).
  let name: String
  /// The parameter types the server inferred.
  let parameterTypes: [PostgresType]
  /// The result's columns (shared by every result of this statement).
  let columns: RowColumns
  /// Each result column's type.
  let columnTypes: [PostgresType]
  /// 1 (binary) when every column has a binary decoder, else 0 (text).
  let resultFormat: Int32
}

/// The prepared statements of one connection, keyed by SQL text, least recently used
/// evicted first (an ``LRUCache``), and the server-side names they are prepared under.
///
/// Capacity 0 turns caching off (each statement is prepared unnamed, as PgBouncer in
/// transaction mode requires).
struct PostgresStatementCache {
  private var statements: LRUCache<String, PreparedStatement>
  private var nameCounter = 0

  init(capacity: Int) { statements = LRUCache(capacity: capacity) }

  /// The most statements kept (0: caching is off).
  var capacity: Int { statements.capacity }

  var count: Int { statements.count }

  /// The cached statement for `sql`, marked as just used.
  mutating func lookup(_ sql: String) -> PreparedStatement? { statements.lookup(sql) }

  /// A fresh server-side name for a statement about to be prepared.
  mutating func nextName() -> String {
    guard capacity > 0 else { return "" }
    nameCounter += 1
    return "wren_\(nameCounter)"
  }

  /// Evicts the least recently used statement if the cache is full, so that one more
  /// fits; returns its name (to be deallocated on the server).
  mutating func makeRoom() -> String? { statements.makeRoom()?.name }

  /// Stores a statement; returns the name of the one that left the cache (evicted to
  /// make room, or cached for `sql` before), to be deallocated on the server.
  mutating func insert(_ statement: PreparedStatement, for sql: String) -> String? {
    statements.insert(statement, for: sql)?.name
  }

  /// Forgets the statement for `sql` (its plan went stale or it vanished on the server).
  @discardableResult
  mutating func remove(_ sql: String) -> PreparedStatement? { statements.remove(sql) }

  /// Forgets everything (after `DISCARD ALL` or a reconnect).
  mutating func removeAll() { statements.removeAll() }
}
