import QueryBuilder

/// A connection's prepared statements, keyed by SQL text, least recently used evicted
/// (an ``LRUCache``).
///
/// Preparing is most of the cost of a small query, so each distinct SQL text is
/// prepared once and reused (`sqlite3_reset` + `sqlite3_clear_bindings` between runs).
/// An evicted statement is finalized when its last user lets go of it. A capacity of
/// 0 disables caching. Used only while the database's lock is held.
final class SQLiteStatementCache {
  private var statements: LRUCache<String, SQLiteStatement>

  /// An empty cache.
  init(capacity: Int) {
    statements = LRUCache(capacity: capacity)
    statements.reserveCapacity()
  }

  /// The most statements kept.
  var capacity: Int { statements.capacity }

  /// The number of statements held.
  var count: Int { statements.count }

  /// The cached statement for `sql`, marked as just used.
  @inline(__always)
  func statement(for sql: String) -> SQLiteStatement? {
    statements.lookup(sql)
  }

  /// Keeps `statement`, evicting the least recently used one when full.
  func insert(_ statement: SQLiteStatement) {
    statements.insert(statement, for: statement.sql)
  }

  /// Drops (and so finalizes) every statement.
  func removeAll() {
    statements.removeAll()
  }
}
