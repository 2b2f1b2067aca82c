import Model

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

/// The prepared statements of one connection, least recently used evicted first.
///
/// Capacity 0 turns caching off (each statement is prepared unnamed, as PgBouncer in
/// transaction mode requires).
struct PostgresStatementCache {
  private struct Entry {
    var statement: PreparedStatement
    var lastUsed: UInt64
  }

  let capacity: Int
  private var entries: [String: Entry] = [:]
  private var clock: UInt64 = 0
  private var nameCounter = 0

  init(capacity: Int) { self.capacity = max(0, capacity) }

  var count: Int { entries.count }

  /// The cached statement for `sql`, marked as just used.
  mutating func lookup(_ sql: String) -> PreparedStatement? {
    clock &+= 1
    guard let index = entries.index(forKey: sql) else { return nil }
    entries.values[index].lastUsed = clock
    return entries.values[index].statement
  }

  /// A fresh server-side name for a statement about to be prepared.
  mutating func nextName() -> String {
    guard capacity > 0 else { return "" }
    nameCounter += 1
    return "wren_\(nameCounter)"
  }

  /// Evicts the least recently used statement if the cache is full, so that one more
  /// fits; returns its name (to be deallocated on the server).
  mutating func makeRoom() -> String? {
    guard capacity > 0, entries.count >= capacity,
          let oldest = entries.min(by: { $0.value.lastUsed < $1.value.lastUsed }) else { return nil }
    entries.removeValue(forKey: oldest.key)
    return oldest.value.statement.name
  }

  /// Stores a statement; returns the name of one evicted to make room (to be
  /// deallocated on the server).
  mutating func insert(_ statement: PreparedStatement, for sql: String) -> String? {
    guard capacity > 0 else { return nil }
    let evicted = makeRoom()
    clock &+= 1
    entries[sql] = Entry(statement: statement, lastUsed: clock)
    return evicted
  }

  /// Forgets the statement for `sql` (its plan went stale or it vanished on the server).
  @discardableResult
  mutating func remove(_ sql: String) -> PreparedStatement? { entries.removeValue(forKey: sql)?.statement }

  /// Forgets everything (after `DISCARD ALL` or a reconnect).
  mutating func removeAll() { entries.removeAll() }
}
