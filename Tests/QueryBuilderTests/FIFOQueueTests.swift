@testable import QueryBuilder
import Testing

/// The queue behind `AsyncLock`'s waiters and the I/O executor's jobs.
@Suite struct FIFOQueueTests {
  @Test func elementsComeOutInTheOrderTheyWentIn() {
    var queue = FIFOQueue<Int>()
    #expect(queue.isEmpty && queue.popFirst() == nil)
    for n in 1...5 { queue.append(n) }
    #expect((1...5).map { _ in queue.popFirst() } == [1, 2, 3, 4, 5])
    #expect(queue.isEmpty && queue.popFirst() == nil)
  }

  @Test func aQueueThatNeverEmptiesKeepsItsOrderThroughCompaction() {
    var queue = FIFOQueue<Int>()
    var next = 0, expected = 0
    for _ in 0..<10_000 {  // always two waiting: the head passes 64 again and again
      while next < expected + 3 { queue.append(next); next += 1 }
      #expect(queue.popFirst() == expected)
      expected += 1
    }
    #expect(!queue.isEmpty)
  }

  @Test func removingAnElementFromTheMiddleLeavesTheRestInOrder() {
    var queue = FIFOQueue<Int>()
    for n in 1...6 { queue.append(n) }
    #expect(queue.popFirst() == 1)
    #expect(queue.remove(firstWhere: { $0 == 4 }) == 4)
    #expect(queue.remove(firstWhere: { $0 == 1 }) == nil)  // already taken
    #expect([queue.popFirst(), queue.popFirst(), queue.popFirst(), queue.popFirst()] == [2, 3, 5, 6])
    #expect(queue.isEmpty)
  }
}
