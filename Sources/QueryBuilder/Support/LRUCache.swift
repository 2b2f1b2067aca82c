/// A cache of at most `capacity` entries that evicts the least recently used one
/// first: what both backends' prepared-statement caches keep their statements in.
///
/// Each entry carries a use stamp from a counter. A lookup that hits is a dictionary
/// lookup and a stamp, with no allocation; making room scans for the oldest stamp,
/// which is paid only when a miss finds the cache full. A capacity of 0 turns the
/// cache off: nothing is stored.
///
/// Public, like ``AsyncLock``, for backends: `lookup` is `@inlinable` so that it is
/// specialised where a backend calls it (Swift does not inline `package` code across
/// modules), which keeps a hit as cheap as a cache written for one type.
///
/// ```swift
/// var cache = LRUCache<String, Int>(capacity: 2)
/// cache.insert(1, for: "a")
/// cache.insert(2, for: "b")
/// _ = cache.lookup("a")          // 1; "b" is now the least recently used
/// cache.insert(3, for: "c")      // returns 2: "b" was evicted
/// ```
public struct LRUCache<Key: Hashable, Value> {
  /// One cached value and when it was last used.
  @usableFromInline
  struct Entry {
    @usableFromInline var value: Value
    @usableFromInline var lastUsed: UInt64

    @inlinable
    init(value: Value, lastUsed: UInt64) {
      self.value = value
      self.lastUsed = lastUsed
    }
  }

  /// The most entries kept (0: caching is off).
  public let capacity: Int
  @usableFromInline var entries: [Key: Entry] = [:]
  @usableFromInline var clock: UInt64 = 0

  /// An empty cache; a negative capacity counts as 0.
  public init(capacity: Int) {
    self.capacity = max(0, capacity)
  }

  /// The number of entries held.
  @inlinable
  public var count: Int { entries.count }

  /// Reserves storage for `capacity` entries up front, so that filling the cache
  /// never grows its table.
  @inlinable
  public mutating func reserveCapacity() {
    entries.reserveCapacity(capacity)
  }

  /// The value for `key`, marked as just used; nil when it is not cached.
  @inlinable
  public mutating func lookup(_ key: Key) -> Value? {
    guard let index = entries.index(forKey: key) else { return nil }
    clock &+= 1
    entries.values[index].lastUsed = clock
    return entries.values[index].value
  }

  /// Evicts the least recently used entry when the cache is full, so that one more
  /// fits; returns the evicted value. Does nothing when caching is off.
  @discardableResult
  @inlinable
  public mutating func makeRoom() -> Value? {
    guard capacity > 0, entries.count >= capacity,
          let oldest = entries.min(by: { $0.value.lastUsed < $1.value.lastUsed }) else { return nil }
    entries.removeValue(forKey: oldest.key)
    return oldest.value.value
  }

  /// Stores `value` for `key`, marked as just used. A new key in a full cache first
  /// evicts the least recently used entry. Does nothing when caching is off.
  /// - Returns: the value that left the cache: the one `key` held before, or the one
  ///   evicted to make room.
  @discardableResult
  @inlinable
  public mutating func insert(_ value: Value, for key: Key) -> Value? {
    guard capacity > 0 else { return nil }
    clock &+= 1
    if let index = entries.index(forKey: key) {
      let replaced = entries.values[index].value
      entries.values[index] = Entry(value: value, lastUsed: clock)
      return replaced
    }
    let evicted = makeRoom()
    entries[key] = Entry(value: value, lastUsed: clock)
    return evicted
  }

  /// Forgets the entry for `key`; returns its value.
  @discardableResult
  @inlinable
  public mutating func remove(_ key: Key) -> Value? {
    entries.removeValue(forKey: key)?.value
  }

  /// Forgets every entry.
  @inlinable
  public mutating func removeAll() {
    entries.removeAll()
  }
}

extension LRUCache: Sendable where Key: Sendable, Value: Sendable {}
extension LRUCache.Entry: Sendable where Value: Sendable {}
