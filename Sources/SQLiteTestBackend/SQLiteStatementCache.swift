/// A connection's prepared statements, keyed by SQL text, least recently used evicted.
///
/// Preparing is most of the cost of a small query, so each distinct SQL text is
/// prepared once and reused (`sqlite3_reset` + `sqlite3_clear_bindings` between runs).
/// An evicted statement is finalized when its last user lets go of it. A capacity of
/// 0 disables caching. Used only while the database's lock is held.
final class SQLiteStatementCache {
  /// The most statements kept.
  let capacity: Int
  private var statements: [String: SQLiteStatement] = [:]
  private var clock: UInt64 = 0

  /// An empty cache.
  init(capacity: Int) {
    self.capacity = max(0, capacity)
    statements.reserveCapacity(self.capacity)
  }

  /// The number of statements held.
  var count: Int { statements.count }

  /// The cached statement for `sql`, marked as just used.
  @inline(__always)
  func statement(for sql: String) -> SQLiteStatement? {
    guard let statement = statements[sql] else { return nil }
    clock &+= 1
    statement.lastUsed = clock
    return statement
  }

  /// Keeps `statement`, evicting the least recently used one when full.
  func insert(_ statement: SQLiteStatement) {
    guard capacity > 0 else { return }
    if statements.count >= capacity, statements[statement.sql] == nil,
       let oldest = statements.values.min(by: { $0.lastUsed < $1.lastUsed }) {
      // A linear scan, but only on a miss with a full cache; hits just stamp.
      statements[oldest.sql] = nil
    }
    clock &+= 1
    statement.lastUsed = clock
    statements[statement.sql] = statement
  }

  /// Drops (and so finalizes) every statement.
  func removeAll() {
    statements.removeAll()
  }
}
