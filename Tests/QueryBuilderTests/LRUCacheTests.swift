@testable import QueryBuilder
import Testing

/// The cache behind both backends' prepared-statement caches.
@Suite struct LRUCacheTests {
  @Test func aLookupFindsWhatWasInsertedAndNothingElse() {
    var cache = LRUCache<String, Int>(capacity: 3)
    #expect(cache.lookup("a") == nil)
    #expect(cache.insert(1, for: "a") == nil)
    #expect(cache.insert(2, for: "b") == nil)
    #expect(cache.lookup("a") == 1 && cache.lookup("b") == 2 && cache.lookup("c") == nil)
    #expect(cache.count == 2)
  }

  @Test func aFullCacheEvictsTheLeastRecentlyUsedEntry() {
    var cache = LRUCache<String, Int>(capacity: 2)
    cache.insert(1, for: "a")
    cache.insert(2, for: "b")
    _ = cache.lookup("a")  // "b" is now the oldest
    #expect(cache.insert(3, for: "c") == 2)
    #expect(cache.lookup("b") == nil)
    #expect(cache.lookup("a") == 1 && cache.lookup("c") == 3)
    #expect(cache.count == 2)
  }

  @Test func insertingAnInsertedKeyReplacesItsValueAndEvictsNothing() {
    var cache = LRUCache<String, Int>(capacity: 2)
    cache.insert(1, for: "a")
    cache.insert(2, for: "b")
    #expect(cache.insert(10, for: "a") == 1)  // the replaced value leaves the cache
    #expect(cache.lookup("a") == 10 && cache.lookup("b") == 2)
    // The replacement counts as a use: "b" was used after it, so "a" goes first.
    #expect(cache.insert(3, for: "c") == 10)
  }

  @Test func makingRoomEvictsOnlyWhenFull() {
    var cache = LRUCache<String, Int>(capacity: 2)
    cache.insert(1, for: "a")
    #expect(cache.makeRoom() == nil)
    cache.insert(2, for: "b")
    #expect(cache.makeRoom() == 1)
    #expect(cache.count == 1)
    #expect(cache.insert(3, for: "c") == nil)  // room was made already
  }

  @Test func removingForgetsAnEntryAndRemovingAllForgetsEveryOne() {
    var cache = LRUCache<String, Int>(capacity: 3)
    cache.insert(1, for: "a")
    cache.insert(2, for: "b")
    #expect(cache.remove("a") == 1)
    #expect(cache.remove("a") == nil)
    #expect(cache.lookup("a") == nil && cache.count == 1)
    cache.removeAll()
    #expect(cache.count == 0 && cache.lookup("b") == nil)
  }

  @Test(arguments: [0, -1])
  func capacityZeroOrLessKeepsNothing(_ capacity: Int) {
    var cache = LRUCache<String, Int>(capacity: capacity)
    cache.reserveCapacity()
    #expect(cache.capacity == 0)
    #expect(cache.insert(1, for: "a") == nil)
    #expect(cache.lookup("a") == nil && cache.count == 0 && cache.makeRoom() == nil)
  }

  @Test func evictionFollowsUseOrderOverManyRounds() {
    var cache = LRUCache<Int, Int>(capacity: 4)
    for key in 0..<4 { cache.insert(key, for: key) }
    // Use in the order 3, 1, 0, 2: each new key then evicts 3, 1, 0, 2 in turn.
    for key in [3, 1, 0, 2] { _ = cache.lookup(key) }
    var evicted: [Int?] = []
    for key in 10..<14 { evicted.append(cache.insert(key, for: key)) }
    #expect(evicted == [3, 1, 0, 2])
    #expect((10..<14).allSatisfy { cache.lookup($0) == $0 })
  }
}
